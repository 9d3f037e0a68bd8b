import knexFactory from "knex";
import type { Knex } from "knex";
import mysql from "mysql2";
import type { Connection } from "mysql2";

/** Where the database is and how long to wait for it. */
export interface MysqlConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Connections in the pool (default 4). */
  poolMax?: number;
  /** TCP connect + handshake limit (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Waiting for a free pooled connection, including creating one (default 5000 ms). */
  acquireTimeoutMs?: number;
  /** One statement's limit; on expiry the connection is destroyed (default 60000 ms). */
  queryTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 5000;
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;

/**
 * Fixed per session, whatever the server's defaults: timestamps are UTC (DATETIME has no zone;
 * this only matters for NOW() and friends), strict (bad data is an error, not a silent
 * truncation), and backslash escapes on (the hand-built literals of encoding.ts rely on it).
 */
export const SESSION_SETUP =
  "SET time_zone = '+00:00', " +
  "sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

/** How every connection of ours is made (mysql2's options), with or without a database. */
export function connectionSettings(options: MysqlConnectionOptions, database: string | null) {
  return {
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    ...(database === null ? {} : { database }),
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    charset: "utf8mb4",
    // DATETIME comes back as 'YYYY-MM-DD HH:MM:SS.mmm' (UTC by construction), never as a
    // Date shifted by the client's zone.
    dateStrings: true,
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: false,
    multipleStatements: false,
    enableKeepAlive: true,
    keepAliveInitialDelay: 10_000,
  };
}

export function assertDatabaseName(database: string): void {
  if (!/^\w{1,64}$/.test(database)) {
    throw new Error(`invalid MySQL database name ${JSON.stringify(database)}: letters, digits and _ only`);
  }
}

/** A knex instance on the mysql2 driver; `database: null` connects without selecting one. */
export function createKnex(
  options: MysqlConnectionOptions,
  database: string | null = options.database,
  onWarning?: (message: string) => void,
): Knex {
  // knex's own warnings (e.g. "Connection Error: ..." when it drops a broken connection) go to
  // the caller's log rather than the console.
  const warn = (message: unknown): void => onWarning?.(`knex: ${String(message)}`);
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const acquireTimeout = options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  return knexFactory({
    client: "mysql2",
    connection: connectionSettings(options, database),
    pool: {
      min: 0,
      max: Math.max(1, options.poolMax ?? 4),
      idleTimeoutMillis: 30_000,
      createTimeoutMillis: connectTimeout + 1000,
      afterCreate: (conn: Connection, done: (err: Error | null, conn: Connection) => void) => {
        conn.query(SESSION_SETUP, (err) => done(err, conn));
      },
    },
    acquireConnectionTimeout: acquireTimeout,
    log: { warn, error: warn, deprecate: () => undefined, debug: () => undefined },
  });
}

/**
 * Creates the database when it is missing and the account may do so. An account without the
 * global CREATE privilege gets "access denied" even for an existing database: that is ignored
 * here, and the connection that follows tells whether the database is really there.
 */
export async function ensureDatabase(options: MysqlConnectionOptions): Promise<void> {
  assertDatabaseName(options.database);
  const admin = createKnex({ ...options, poolMax: 1 }, null);
  try {
    await admin.raw(
      `CREATE DATABASE IF NOT EXISTS \`${options.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ER_DBACCESS_DENIED_ERROR" && code !== "ER_SPECIFIC_ACCESS_DENIED_ERROR") throw error;
  } finally {
    await destroyKnex(admin);
  }
}

/** knex.destroy() waits for connections in use; a wedged one must not make close() hang. */
export async function destroyKnex(db: Knex, waitMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    db.destroy().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) from an ISO 8601 string or epoch ms; null when invalid or out of DATETIME's range. */
const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function toDbTime(value: string | number): string | null {
  // The common case, toISOString()'s own format, needs no parsing (years 1000-9999 only).
  if (
    typeof value === "string" &&
    CANONICAL_ISO.test(value) &&
    value[0] !== "0" &&
    !Number.isNaN(Date.parse(value))
  ) {
    return `${value.slice(0, 10)} ${value.slice(11, 23)}`;
  }
  const date = new Date(value);
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return null;
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) return null;
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** The inverse of toDbTime: 'YYYY-MM-DD HH:MM:SS[.fff]' → ISO 8601 UTC with milliseconds. */
export function fromDbTime(value: string): string {
  const [date = "", time = "00:00:00"] = value.split(" ");
  const [hms = "00:00:00", fraction = ""] = time.split(".");
  return `${date}T${hms}.${fraction.padEnd(3, "0").slice(0, 3)}Z`;
}

/**
 * Connects afresh (not through the pool, which may hold connections wedged by an outage) and
 * runs SELECT 1; rejects with the reason, within about `timeoutMs`.
 */
export function pingServer(options: MysqlConnectionOptions, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection = mysql.createConnection({
      host: options.host,
      port: options.port,
      user: options.user,
      password: options.password,
      database: options.database,
      connectTimeout: timeoutMs,
    });
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let settled = false;
    function finish(error: Error | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.destroy();
      if (error === null) resolve();
      else reject(error);
    }
    connection.on("error", (error: Error) => finish(error));
    connection.query("SELECT 1", (error) => finish(error));
  });
}
