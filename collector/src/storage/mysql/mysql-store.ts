import type { Knex } from "knex";
import type { Connection } from "mysql2";
import type { PollEvent, PollSample } from "../records.js";
import type { Store } from "../store.js";
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  assertDatabaseName,
  createKnex,
  destroyKnex,
  ensureDatabase,
  toDbTime,
} from "./connection.js";
import type { MysqlConnectionOptions } from "./connection.js";
import { MIGRATIONS_TABLE, migrationSource } from "./migrations.js";
import {
  DISK_COLUMNS,
  EVENT_COLUMNS,
  FINDING_COLUMNS,
  SAMPLE_COLUMNS,
  TEXT_MAX,
  agentInfoLiterals,
  diskRows,
  eventRow,
  findingRows,
  sampleRow,
} from "./rows.js";
import { NULL, chunkStatements, quote, str, time, uint } from "./sql-literals.js";

export interface MysqlStoreOptions extends MysqlConnectionOptions {
  /** Rows older than this many days are deleted by pruneOlderThan (at open, then hourly by the caller); 0 keeps everything. */
  retentionDays: number;
  /** Keep the whole snapshot as JSON in samples.snapshot (top processes, sensors, ...). Default true. */
  storeSnapshotJson?: boolean;
  /** Create the database at open() when it is missing and the account may (default true). */
  createDatabase?: boolean;
  /**
   * A batch of at least 2 × chunkRows samples is written as up to this many transactions in
   * parallel on as many pooled connections (default 2), each holding whole samples (row, disks,
   * findings). A failure in any rejects the call; the replay completes the batch (INSERT IGNORE).
   * 1 writes every batch as one transaction.
   */
  writeConcurrency?: number;
  /** Samples per INSERT statement (default 1000); their disks and findings go in statements of up to 4× as many rows. */
  chunkRows?: number;
  /** Characters per INSERT statement, kept well below max_allowed_packet (default 4 MiB). */
  chunkBytes?: number;
  /**
   * agents.last_seen / last_sample_at follow the samples to within this many ms (default 30000):
   * an agents row is rewritten for a sample only when that much time has passed since its last
   * rewrite, or its metadata or state changes. The samples table always has the exact times.
   */
  agentTouchIntervalMs?: number;
  /** Rows deleted per retention statement (default 5000). */
  pruneBatch?: number;
  /** Records that cannot be stored at all (invalid timestamp or agent name), retention failures at open. */
  onWarning?: (message: string) => void;
}

export interface PruneResult {
  samples: number;
  disk_samples: number;
  security_findings: number;
  poll_events: number;
}

/** The tables retention applies to: every one that grows with time. */
const PRUNED_TABLES = ["samples", "disk_samples", "security_findings", "poll_events"] as const;
/** Upper bound of DELETE statements per table per pruneOlderThan call. */
const MAX_PRUNE_ITERATIONS = 2000;
const DAY_MS = 86_400_000;
const AGENT_NAME_MAX = 255;
const MIGRATION_LOCK_RETRIES = 20;

/** The two knex pool methods the write path uses to run its transaction on one raw connection. */
interface PoolClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
}

interface AgentSampleSummary {
  name: string;
  id: number;
  firstTs: string;
  lastTs: string;
  lastMs: number;
  last: PollSample;
}

/** What this process last wrote to an agents row, to skip rewriting it for every sample. */
interface KnownAgentRow {
  firstSeen: string;
  /** The sample time last written to last_seen / last_sample_at (epoch ms). */
  touchedMs: number;
  /** The metadata last written (agentInfoKey). */
  info: string;
  /** The row's state is what a sample sets (up, no failures, no error) and no event came since. */
  settled: boolean;
  /** The latest event time this process wrote for the agent ("" when none). */
  eventTs: string;
}

interface AgentEventSummary {
  id: number;
  firstTs: string;
  lastTs: string;
  state: "up" | "down" | null;
  failures: number;
  error: string | null;
}

const columnList = (columns: readonly string[]): string => columns.map((c) => `\`${c}\``).join(",");

/**
 * The `mysql` store: knex + mysql2. Each batch is written in one transaction as multi-row
 * INSERT IGNOREs keyed by (agent, ts), so a replayed batch adds nothing; any error rejects and
 * leaves nothing half-written that a replay would not complete.
 *
 * The write path runs hand-built statements on a raw pooled connection (knex's pool, not its
 * query builder): that is several times faster for 10,000-row batches, and lets a statement that
 * exceeds queryTimeoutMs destroy its connection at once (knex's own timeout leaves the wedged
 * connection's ROLLBACK waiting behind the stuck statement).
 */
export class MysqlStore implements Store {
  readonly kind = "mysql" as const;
  private db: Knex | null = null;
  private readonly agentIds = new Map<string, number>();
  private readonly agentRows = new Map<string, KnownAgentRow>();
  private readonly queryTimeoutMs: number;
  private readonly storeSnapshotJson: boolean;
  private readonly chunkRows: number;
  private readonly chunkBytes: number;
  private readonly agentTouchIntervalMs: number;
  private readonly writeConcurrency: number;

  constructor(private readonly options: MysqlStoreOptions) {
    assertDatabaseName(options.database);
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.storeSnapshotJson = options.storeSnapshotJson ?? true;
    this.chunkRows = Math.max(1, options.chunkRows ?? 1000);
    this.chunkBytes = Math.max(1024, options.chunkBytes ?? 4 * 1024 * 1024);
    this.agentTouchIntervalMs = Math.max(0, options.agentTouchIntervalMs ?? 30_000);
    this.writeConcurrency = Math.max(1, Math.floor(options.writeConcurrency ?? 2));
  }

  /** Connects, creates the database if missing (and allowed), migrates, applies retention. */
  async open(): Promise<void> {
    if (this.db !== null) return;
    const { host, port, database } = this.options;
    const where = `${host}:${port}/${database}`;
    if (this.options.createDatabase ?? true) {
      try {
        await ensureDatabase(this.options);
      } catch (error) {
        throw new Error(`MySQL ${where}: cannot connect: ${describe(error)}`, { cause: error });
      }
    }
    const db = createKnex(this.options, database, this.options.onWarning);
    try {
      await migrate(db);
    } catch (error) {
      await destroyKnex(db);
      throw new Error(`MySQL ${where}: cannot open: ${describe(error)}`, { cause: error });
    }
    this.db = db;
    if (this.options.retentionDays > 0) {
      try {
        await this.pruneOlderThan(this.options.retentionDays);
      } catch (error) {
        this.options.onWarning?.(`MySQL retention failed: ${describe(error)}`);
      }
    }
  }

  async writeSamples(samples: ReadonlyArray<PollSample>): Promise<void> {
    const db = this.requireOpen();
    const valid: Array<{ sample: PollSample; ts: string; ms: number }> = [];
    const summaries = new Map<string, AgentSampleSummary>();
    for (const sample of samples) {
      const ts = this.checkRecord(sample.agent, sample.ts, "sample");
      if (ts === null) continue;
      valid.push({ sample, ...ts });
      const summary = summaries.get(sample.agent);
      if (summary === undefined) {
        summaries.set(sample.agent, {
          name: sample.agent,
          id: 0,
          firstTs: ts.ts,
          lastTs: ts.ts,
          lastMs: ts.ms,
          last: sample,
        });
      } else {
        if (ts.ts < summary.firstTs) summary.firstTs = ts.ts;
        if (ts.ts >= summary.lastTs) {
          summary.lastTs = ts.ts;
          summary.lastMs = ts.ms;
          summary.last = sample;
        }
      }
    }
    if (valid.length === 0) return;
    await this.resolveAgents(db, summaries);
    for (const summary of summaries.values()) summary.id = this.agentIds.get(summary.name) as number;
    const stale = [...summaries.values()].filter((summary) => this.agentRowIsStale(summary));

    // A large batch goes as up to writeConcurrency transactions in parallel, each with whole
    // samples (row, disks, findings): the server then works on more than one core.
    const lanes = Math.max(1, Math.min(this.writeConcurrency, Math.floor(valid.length / this.chunkRows)));
    const size = Math.ceil(valid.length / lanes);
    const results = await Promise.allSettled(
      Array.from({ length: lanes }, (_, lane) => {
        const statements: Array<Iterable<string>> = [
          this.sampleStatements(valid.slice(lane * size, (lane + 1) * size)),
        ];
        if (lane === 0) statements.push(agentSampleUpdates(stale, this.chunkRows));
        return this.transaction(db, statements);
      }),
    );
    for (const result of results) if (result.status === "rejected") throw result.reason;

    for (const summary of stale) {
      const known = this.agentRows.get(summary.name);
      const eventTs = known?.eventTs ?? "";
      this.agentRows.set(summary.name, {
        firstSeen:
          known === undefined || summary.firstTs < known.firstSeen ? summary.firstTs : known.firstSeen,
        touchedMs: Math.max(known?.touchedMs ?? 0, summary.lastMs),
        info: agentInfoKey(summary.last),
        settled: summary.lastTs >= eventTs,
        eventTs,
      });
    }
  }

  /**
   * The INSERTs for a batch, built a chunk at a time while the previous statement runs on the
   * server: samples, then their disks and findings, chunkRows samples per round.
   */
  private *sampleStatements(valid: ReadonlyArray<{ sample: PollSample; ts: string }>): Generator<string> {
    const sampleHead = `INSERT IGNORE INTO samples (${columnList(
      this.storeSnapshotJson ? SAMPLE_COLUMNS : SAMPLE_COLUMNS.slice(0, -1),
    )})`;
    const diskHead = `INSERT IGNORE INTO disk_samples (${columnList(DISK_COLUMNS)})`;
    const findingHead = `INSERT IGNORE INTO security_findings (${columnList(FINDING_COLUMNS)})`;
    for (let start = 0; start < valid.length; start += this.chunkRows) {
      const sampleValues: string[] = [];
      const diskValues: string[] = [];
      const findingValues: string[] = [];
      for (const { sample, ts } of valid.slice(start, start + this.chunkRows)) {
        const id = this.agentIds.get(sample.agent) as number;
        const snapshotLiteral = this.storeSnapshotJson
          ? quote(JSON.stringify(sample.snapshot) ?? "null")
          : null;
        const agentTs =
          typeof sample.snapshot.timestamp === "string" ? toDbTime(sample.snapshot.timestamp) : null;
        sampleValues.push(sampleRow(id, ts, sample, snapshotLiteral, agentTs));
        for (const row of diskRows(id, ts, sample.snapshot)) diskValues.push(row);
        for (const row of findingRows(id, ts, sample.snapshot)) findingValues.push(row);
      }
      yield* chunkStatements(sampleHead, sampleValues, this.chunkRows, this.chunkBytes);
      yield* chunkStatements(diskHead, diskValues, this.chunkRows * 4, this.chunkBytes);
      yield* chunkStatements(findingHead, findingValues, this.chunkRows * 4, this.chunkBytes);
    }
  }

  /** Whether the agents row needs this batch's update: new metadata, a state to settle, or last_seen due. */
  private agentRowIsStale(summary: AgentSampleSummary): boolean {
    const known = this.agentRows.get(summary.name);
    return (
      known === undefined ||
      !known.settled ||
      summary.firstTs < known.firstSeen ||
      summary.lastMs - known.touchedMs >= this.agentTouchIntervalMs ||
      agentInfoKey(summary.last) !== known.info
    );
  }

  async writeEvents(events: ReadonlyArray<PollEvent>): Promise<void> {
    const db = this.requireOpen();
    const valid: Array<{ event: PollEvent; ts: string; index: number }> = [];
    const firstTs = new Map<string, { firstTs: string; name: string }>();
    for (const event of events) {
      const ts = this.checkRecord(event.agent, event.ts, "event");
      if (ts === null) continue;
      valid.push({ event, ts: ts.ts, index: valid.length });
      const first = firstTs.get(event.agent);
      if (first === undefined || ts.ts < first.firstTs)
        firstTs.set(event.agent, { name: event.agent, firstTs: ts.ts });
    }
    if (valid.length === 0) return;
    await this.resolveAgents(db, firstTs);

    // Each agent's state after its events, taken in time order (stable for equal times:
    // a "poll_error" and the "down" it causes share their ts).
    valid.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.index - b.index));
    const values: string[] = [];
    const agents = new Map<string, AgentEventSummary>();
    for (const { event, ts } of valid) {
      const id = this.agentIds.get(event.agent) as number;
      values.push(eventRow(id, ts, event));
      let summary = agents.get(event.agent);
      if (summary === undefined) {
        summary = { id, firstTs: ts, lastTs: ts, state: null, failures: 0, error: null };
        agents.set(event.agent, summary);
      }
      summary.lastTs = ts;
      if (event.kind === "up") {
        summary.state = "up";
        summary.failures = 0;
        summary.error = null;
      } else {
        if (event.kind === "down") summary.state = "down";
        summary.failures = event.consecutive_failures;
        summary.error = event.error;
      }
    }
    const head = `INSERT IGNORE INTO poll_events (${columnList(EVENT_COLUMNS)})`;
    await this.transaction(db, [
      chunkStatements(head, values, this.chunkRows, this.chunkBytes),
      agentEventUpdates([...agents.values()], this.chunkRows),
    ]);
    for (const [name, summary] of agents) {
      const known = this.agentRows.get(name);
      if (known === undefined) continue;
      known.settled = false;
      if (summary.lastTs > known.eventTs) known.eventTs = summary.lastTs;
    }
  }

  /** Every write is committed before it resolves: nothing is buffered. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    this.agentIds.clear();
    this.agentRows.clear();
    if (db !== null) await destroyKnex(db);
  }

  /**
   * Deletes rows older than `days` days from the time-series tables, in statements of
   * `pruneBatch` rows (short locks, small undo) and at most MAX_PRUNE_ITERATIONS per table per
   * call; the collector calls it hourly, so a larger backlog is worked off over several calls.
   */
  async pruneOlderThan(days: number, now = Date.now()): Promise<PruneResult> {
    const db = this.requireOpen();
    const result: PruneResult = { samples: 0, disk_samples: 0, security_findings: 0, poll_events: 0 };
    if (!(days > 0)) return result;
    const cutoff = toDbTime(now - days * DAY_MS);
    if (cutoff === null) return result;
    const batch = Math.max(1, Math.floor(this.options.pruneBatch ?? 5000));
    for (const table of PRUNED_TABLES) {
      for (let i = 0; i < MAX_PRUNE_ITERATIONS; i++) {
        const response = (await db
          .raw(`DELETE FROM \`${table}\` WHERE ts < ? LIMIT ${batch}`, [cutoff])
          .timeout(this.queryTimeoutMs)) as unknown as [{ affectedRows: number }];
        const deleted = response[0].affectedRows;
        result[table] += deleted;
        if (deleted < batch) break;
      }
    }
    return result;
  }

  private requireOpen(): Knex {
    if (this.db === null) throw new Error("MysqlStore is not open");
    return this.db;
  }

  /** The record's ts as a DATETIME literal and epoch ms, or null (with a warning) when it cannot be stored at all. */
  private checkRecord(agent: unknown, ts: unknown, what: string): { ts: string; ms: number } | null {
    if (typeof agent !== "string" || agent === "" || agent.length > AGENT_NAME_MAX) {
      this.options.onWarning?.(`MySQL: ${what} dropped: invalid agent name ${JSON.stringify(agent)}`);
      return null;
    }
    const ms = typeof ts === "string" ? Date.parse(ts) : typeof ts === "number" ? ts : Number.NaN;
    const value = Number.isFinite(ms) ? toDbTime(ms) : null;
    if (value === null) {
      this.options.onWarning?.(`MySQL: ${what} of ${agent} dropped: invalid ts ${JSON.stringify(ts)}`);
      return null;
    }
    return { ts: value, ms };
  }

  /**
   * Fills the name → id cache for these agents, creating the missing ones. Plain INSERT IGNORE
   * of new names only: INSERT ... ON DUPLICATE KEY UPDATE would use up an AUTO_INCREMENT value
   * on every call, for every agent, and run out of INT UNSIGNED within months at 10,000 agents.
   */
  private async resolveAgents(db: Knex, agents: ReadonlyMap<string, { firstTs: string }>): Promise<void> {
    const missing = [...agents.keys()].filter((name) => !this.agentIds.has(name));
    if (missing.length === 0) return;
    await this.lookupAgents(db, missing);
    const absent = missing.filter((name) => !this.agentIds.has(name));
    if (absent.length > 0) {
      const rows = absent.map((name) => {
        const ts = time(agents.get(name)?.firstTs ?? null);
        return `(${quote(name)},${ts},${ts})`;
      });
      for (const sql of chunkStatements(
        "INSERT IGNORE INTO agents (name, first_seen, last_seen)",
        rows,
        this.chunkRows,
        this.chunkBytes,
      )) {
        await db.raw(sql).timeout(this.queryTimeoutMs);
      }
      await this.lookupAgents(db, absent);
    }
    const unresolved = missing.filter((name) => !this.agentIds.has(name));
    if (unresolved.length > 0)
      throw new Error(`MySQL: agents not found after insert: ${unresolved.join(", ")}`);
  }

  private async lookupAgents(db: Knex, names: readonly string[]): Promise<void> {
    for (let i = 0; i < names.length; i += 1000) {
      const rows = (await db("agents")
        .select("id", "name")
        .whereIn("name", names.slice(i, i + 1000))
        .timeout(this.queryTimeoutMs)) as Array<{ id: number; name: string }>;
      for (const row of rows) this.agentIds.set(row.name, Number(row.id));
    }
  }

  /**
   * Runs the statements in one transaction on one pooled connection. The next statement is
   * built (the iterables are lazy) while the previous one runs on the server; COMMIT is sent
   * only after every statement has succeeded. Any failure destroys the connection, so the
   * server rolls the transaction back.
   */
  private async transaction(db: Knex, parts: ReadonlyArray<Iterable<string>>): Promise<void> {
    const client = db.client as PoolClient;
    const connection = await client.acquireConnection();
    const inFlight: Array<Promise<void>> = [];
    const send = (sql: string): void => {
      const pending = runStatement(connection, sql, this.queryTimeoutMs);
      pending.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
      inFlight.push(pending);
    };
    let failure: unknown = null;
    try {
      send("START TRANSACTION");
      for (const statements of parts) {
        for (const sql of statements) {
          send(sql);
          while (inFlight.length > 2) await inFlight.shift();
        }
      }
      while (inFlight.length > 0) await inFlight.shift();
      send("COMMIT");
      await inFlight.shift();
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      if (failure !== null) {
        // knex's pool drops a connection marked so instead of handing it out again.
        (connection as Connection & { __knex__disposed?: unknown }).__knex__disposed = failure;
        connection.destroy();
      }
      await client.releaseConnection(connection);
    }
  }
}

/** One statement on a raw mysql2 connection, bounded by timeoutMs. */
function runStatement(connection: Connection, sql: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(new Error(`MySQL statement timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    // values null (not undefined): mysql2 then sends the text as it is, instead of scanning
    // megabytes of literals for "?" placeholders first.
    connection.query(sql, null, (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** knex.migrate.latest with the in-code migrations; retried while another collector holds the migration lock. */
async function migrate(db: Knex): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const concurrent = /already locked|already exists/i.test(message);
      if (!concurrent || attempt >= MIGRATION_LOCK_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** The metadata an agents row takes from a sample, to notice when it changes. */
function agentInfoKey(sample: PollSample): string {
  const info = agentInfoLiterals(sample.snapshot);
  return `${info.hostname}|${info.os}|${info.kernel}|${info.arch}|${info.platform}|${info.version}`;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}

/**
 * The agents' rows after a batch of samples: metadata from each agent's latest sample, last_seen
 * and last_sample_at moved forward, state "up" with no failures unless a later event already
 * said otherwise. Written so the result does not depend on the order MySQL applies the SET
 * assignments in (undefined for a multi-table UPDATE): every condition compares with `>=`
 * against a column that only ever moves to GREATEST(old, v.ts).
 */
function agentSampleUpdates(agents: AgentSampleSummary[], chunkRows: number): string[] {
  agents.sort((a, b) => a.id - b.id);
  const row = (agent: AgentSampleSummary, named: boolean): string => {
    const alias = (name: string): string => (named ? ` AS ${name}` : "");
    const info = agentInfoLiterals(agent.last.snapshot);
    return (
      `SELECT ${agent.id}${alias("id")},${time(agent.lastTs)}${alias("ts")},${time(agent.firstTs)}${alias("first_ts")},` +
      `${info.hostname}${alias("hostname")},${info.os}${alias("os")},${info.kernel}${alias("kernel")},` +
      `${info.arch}${alias("arch")},${info.platform}${alias("platform")},${info.version}${alias("version")}`
    );
  };
  const newer = "(a.last_sample_at IS NULL OR v.ts >= a.last_sample_at)";
  const current = "(a.status_at IS NULL OR v.ts >= a.status_at)";
  const keep = (column: string, value: string): string =>
    `a.${column} = IF(${newer}, COALESCE(${value}, a.${column}), a.${column})`;
  const set = [
    keep("hostname", "v.hostname"),
    keep("os", "v.os"),
    keep("kernel", "v.kernel"),
    keep("arch", "v.arch"),
    keep("platform", "v.platform"),
    keep("agent_version", "v.version"),
    "a.first_seen = LEAST(a.first_seen, v.first_ts)",
    "a.last_seen = GREATEST(a.last_seen, v.ts)",
    "a.last_sample_at = GREATEST(COALESCE(a.last_sample_at, v.ts), v.ts)",
    `a.state = IF(${current}, 'up', a.state)`,
    `a.consecutive_failures = IF(${current}, 0, a.consecutive_failures)`,
    `a.last_error = IF(${current}, NULL, a.last_error)`,
    "a.status_at = GREATEST(COALESCE(a.status_at, v.ts), v.ts)",
  ].join(", ");
  const statements: string[] = [];
  for (let i = 0; i < agents.length; i += chunkRows) {
    const union = agents.slice(i, i + chunkRows).map((agent, index) => row(agent, index === 0));
    statements.push(
      "UPDATE agents a JOIN (SELECT id, CAST(ts AS DATETIME(3)) AS ts, CAST(first_ts AS DATETIME(3)) AS first_ts, " +
        `hostname, os, kernel, arch, platform, version FROM (${union.join(" UNION ALL ")}) u) v ON a.id = v.id SET ${set}`,
    );
  }
  return statements;
}

/**
 * The agents' rows after a batch of events: the state the events lead to (a "poll_error" keeps
 * the state, "down" and "up" set it), applied only when newer than what set the row's state.
 */
function agentEventUpdates(agents: AgentEventSummary[], chunkRows: number): string[] {
  agents.sort((a, b) => a.id - b.id);
  const row = (agent: AgentEventSummary, named: boolean): string => {
    const alias = (name: string): string => (named ? ` AS ${name}` : "");
    const state = agent.state === null ? NULL : `'${agent.state}'`;
    return (
      `SELECT ${agent.id}${alias("id")},${time(agent.lastTs)}${alias("ts")},${time(agent.firstTs)}${alias("first_ts")},` +
      `${state}${alias("state")},${uint(agent.failures) === NULL ? "0" : uint(agent.failures)}${alias("failures")},` +
      `${str(agent.error, TEXT_MAX)}${alias("error")}`
    );
  };
  const current = "(a.status_at IS NULL OR v.ts >= a.status_at)";
  const set = [
    "a.first_seen = LEAST(a.first_seen, v.first_ts)",
    "a.last_seen = GREATEST(a.last_seen, v.ts)",
    `a.state = IF(${current}, COALESCE(v.state, a.state), a.state)`,
    `a.consecutive_failures = IF(${current}, v.failures, a.consecutive_failures)`,
    `a.last_error = IF(${current}, v.error, a.last_error)`,
    "a.status_at = GREATEST(COALESCE(a.status_at, v.ts), v.ts)",
  ].join(", ");
  const statements: string[] = [];
  for (let i = 0; i < agents.length; i += chunkRows) {
    const union = agents.slice(i, i + chunkRows).map((agent, index) => row(agent, index === 0));
    statements.push(
      "UPDATE agents a JOIN (SELECT id, CAST(ts AS DATETIME(3)) AS ts, CAST(first_ts AS DATETIME(3)) AS first_ts, " +
        `state, failures, error FROM (${union.join(" UNION ALL ")}) u) v ON a.id = v.id SET ${set}`,
    );
  }
  return statements;
}
