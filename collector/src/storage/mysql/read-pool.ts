import mysql from "mysql2";
import type { Pool, PoolConnection } from "mysql2";
import { SESSION_SETUP, connectionSettings, type MysqlConnectionOptions } from "./connection.js";

/**
 * The connections series reads run on: mysql2's own pool, beside knex's, because a series read
 * wants prepared statements (the binary protocol sends numbers as numbers: with the text
 * protocol the server formats and the client parses every DOUBLE, which took more than half
 * the time of a read), and knex runs only text queries.
 */
export function createReadPool(options: MysqlConnectionOptions): Pool {
  const pool = mysql.createPool({
    ...connectionSettings(options, options.database),
    connectionLimit: Math.max(1, options.poolMax ?? 4),
    // each connection caches its prepared statements; reads use a handful of shapes, and the
    // server counts every one against max_prepared_stmt_count
    maxPreparedStatements: 32,
    idleTimeout: 30_000,
  });
  pool.on("connection", (connection) => {
    connection.query(SESSION_SETUP);
  });
  return pool;
}

/**
 * Runs a SELECT as a prepared statement and gives its rows as arrays. On failure or after
 * `timeoutMs` the connection is destroyed, which also ends the query on the server's side of
 * the socket, and the pool makes a fresh one next time.
 */
export async function selectRows<T>(
  pool: Pool,
  sql: string,
  params: readonly string[],
  timeoutMs: number,
): Promise<T[]> {
  const connection = await new Promise<PoolConnection>((resolve, reject) => {
    pool.getConnection((error, got) => (error ? reject(error) : resolve(got)));
  });
  let failed = false;
  try {
    return await new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`MySQL query timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      connection.execute({ sql, rowsAsArray: true }, [...params], (error, rows) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(rows as unknown as T[]);
      });
    });
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (failed) connection.destroy();
    else connection.release();
  }
}

/** Ends the pool's connections; a wedged one must not make close() hang (see destroyKnex). */
export async function endReadPool(pool: Pool, waitMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve) => pool.end(() => resolve())),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
