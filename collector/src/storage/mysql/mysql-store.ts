import { Readable } from "node:stream";
import type { Knex } from "knex";
import type { Connection } from "mysql2";
import type { AlertRecord, PollEvent, PollSample } from "../records.js";
import type { Store } from "../store.js";
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  assertDatabaseName,
  createKnex,
  destroyKnex,
  ensureDatabase,
  pingServer,
  toDbTime,
} from "./connection.js";
import type { MysqlConnectionOptions } from "./connection.js";
import { field, insertStatements } from "./encoding.js";
import { MIGRATIONS_TABLE, migrationSource, syncSampleColumns } from "./migrations.js";
import {
  DISK_COLUMNS,
  EVENT_COLUMNS,
  FINDING_COLUMNS,
  SAMPLE_COLUMNS,
  diskRows,
  eventRow,
  findingRows,
  sampleRow,
  snapshotJson,
} from "./rows.js";
import {
  agentEventUpdates,
  agentInfoKey,
  agentInserts,
  agentSampleUpdates,
  alertUpserts,
  bulkOperations,
  columnList,
  isLoadDataRefused,
} from "./statements.js";
import type { AgentEventSummary, AgentSampleSummary, BulkMode, Operation } from "./statements.js";

export interface MysqlStoreOptions extends MysqlConnectionOptions {
  /** Rows older than this many days are deleted by pruneOlderThan (at open, then hourly by the caller); 0 keeps everything. */
  retentionDays: number;
  /**
   * Keep the whole snapshot as JSON in samples.snapshot (per-core usage, sensors, interfaces,
   * top processes, security checks). Default false: it more than halves the write rate, and
   * every charted metric has its own column.
   */
  storeSnapshotJson?: boolean;
  /** Create the database at open() when it is missing and the account may (default true). */
  createDatabase?: boolean;
  /**
   * How samples, disks and findings go in: "load-data" (LOAD DATA LOCAL INFILE, about half the
   * server CPU of INSERT), "insert" (multi-row INSERT IGNORE), or "auto" (default): LOAD DATA
   * when the server's local_infile is on, INSERT otherwise or once the server refuses it.
   */
  bulkLoad?: "auto" | BulkMode;
  /**
   * A batch of at least 500 samples is written as up to this many transactions in parallel on
   * as many pooled connections (default 2), each holding whole samples (row, disks, findings)
   * and at least 250 of them: the server then works on more than one core. A failure in any rejects the call;
   * the replay completes the batch (rows are keyed, IGNOREd when present). 1 writes every batch
   * as one transaction.
   */
  writeConcurrency?: number;
  /** Samples per statement (default 500); their disks and findings go in statements of up to 4× as many rows. */
  chunkRows?: number;
  /** Characters per statement or LOAD DATA file, below max_allowed_packet (default 2 MiB, at most 8 MiB). */
  chunkBytes?: number;
  /**
   * agents.last_seen / last_sample_at follow the samples to within this many ms (default 30000):
   * an agents row is rewritten for a sample only when that much time has passed since its last
   * rewrite, or its metadata or state changes. The samples table always has the exact times.
   */
  agentTouchIntervalMs?: number;
  /** Rows deleted per retention statement (default 5000). */
  pruneBatch?: number;
  /** Records that cannot be stored at all (invalid time or agent name), a fallback to INSERT, retention failures at open. */
  onWarning?: (message: string) => void;
}

export interface PruneResult {
  samples: number;
  disk_samples: number;
  security_findings: number;
  poll_events: number;
  /** Resolved alert episodes. */
  alerts: number;
}

/** The tables retention applies to: every one that grows with time. */
const PRUNED_TABLES = ["samples", "disk_samples", "security_findings", "poll_events"] as const;
/** Upper bound of DELETE statements per table per pruneOlderThan call. */
const MAX_PRUNE_ITERATIONS = 2000;
const DAY_MS = 86_400_000;
const AGENT_NAME_MAX = 255;
const MIGRATION_LOCK_RETRIES = 20;
/** A batch is split into parallel transactions only when each gets at least this many samples. */
const MIN_LANE_SAMPLES = 250;

/** The two knex pool methods the write path uses to run its transaction on one raw connection. */
interface PoolClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
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

interface ValidSample {
  sample: PollSample;
  ts: string;
  ms: number;
}

/**
 * The `mysql` store: knex + mysql2. Rows are keyed by (ts, agent[, mount | seq | kind]) and
 * added with IGNORE, so a replayed batch adds nothing; any error rejects, and the caller's
 * replay completes whatever was not committed.
 *
 * The write path runs hand-built statements on a raw pooled connection (knex's pool and
 * migrations, not its query builder): several times faster for 10,000-row batches, and a
 * statement that exceeds queryTimeoutMs can destroy its connection at once (knex's own timeout
 * leaves the wedged connection's ROLLBACK waiting behind the stuck statement).
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
  private bulkMode: BulkMode = "insert";
  private opening: Promise<void> | undefined;
  /** Aborted by abort(): the statements in progress reject and their connections are destroyed. */
  private aborter = new AbortController();

  constructor(private readonly options: MysqlStoreOptions) {
    assertDatabaseName(options.database);
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.storeSnapshotJson = options.storeSnapshotJson ?? false;
    this.chunkRows = Math.max(1, Math.floor(options.chunkRows ?? 500));
    this.chunkBytes = Math.min(8 << 20, Math.max(1024, options.chunkBytes ?? 2 << 20));
    this.agentTouchIntervalMs = Math.max(0, options.agentTouchIntervalMs ?? 30_000);
    this.writeConcurrency = Math.max(1, Math.floor(options.writeConcurrency ?? 2));
  }

  /** How bulk rows are written now ("auto" resolves at open, and falls back to "insert" on refusal). */
  get bulkLoad(): BulkMode {
    return this.bulkMode;
  }

  /** Connects, creates the database if missing (and allowed), migrates, applies retention. */
  open(): Promise<void> {
    if (this.db !== null) return Promise.resolve();
    // a probe may ask again while an open still runs (it was given up on, not stopped)
    this.opening ??= this.openNow().finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** Opens when it never did; otherwise a fresh connection runs SELECT 1. */
  async probe(timeoutMs: number): Promise<void> {
    if (this.db === null) await this.open();
    else await pingServer(this.options, timeoutMs);
  }

  /**
   * Rejects the statements in progress and destroys their connections, and swaps the pool for
   * a new one: connections still being made to a server that does not answer are left behind
   * with the old pool, so they cannot hold up the next write.
   */
  abort(): void {
    this.aborter.abort(new Error("the write was given up: the MySQL server did not answer in time"));
    this.aborter = new AbortController();
    const old = this.db;
    if (old === null) return;
    this.db = createKnex(this.options, this.options.database, this.options.onWarning);
    void destroyKnex(old, 0);
  }

  private async openNow(): Promise<void> {
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
      const added = await syncSampleColumns(db);
      if (added.length > 0)
        this.options.onWarning?.(
          `MySQL ${where}: added samples columns ${added.join(", ")} (new in this release)`,
        );
      this.bulkMode = await chooseBulkMode(db, this.options.bulkLoad ?? "auto");
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
    const valid: ValidSample[] = [];
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

    try {
      await this.writeSampleLanes(db, valid, stale);
    } catch (error) {
      if (this.bulkMode !== "load-data" || !isLoadDataRefused(error)) throw error;
      this.bulkMode = "insert";
      this.options.onWarning?.(`MySQL refuses LOAD DATA LOCAL INFILE (${describe(error)}); using INSERT`);
      await this.writeSampleLanes(db, valid, stale);
    }

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
   * A large batch goes as up to writeConcurrency transactions in parallel, each with whole
   * samples (row, disks, findings); the agents rows are updated in the first.
   */
  private async writeSampleLanes(
    db: Knex,
    valid: readonly ValidSample[],
    stale: AgentSampleSummary[],
  ): Promise<void> {
    const lanes = Math.max(1, Math.min(this.writeConcurrency, Math.floor(valid.length / MIN_LANE_SAMPLES)));
    const size = Math.ceil(valid.length / lanes);
    const results = await Promise.allSettled(
      Array.from({ length: lanes }, (_, lane) => {
        const operations: Array<Iterable<Operation>> = [
          this.sampleOperations(valid.slice(lane * size, (lane + 1) * size)),
        ];
        if (lane === 0) operations.push(agentSampleUpdates(stale, this.chunkRows).map((sql) => ({ sql })));
        return this.transaction(db, operations);
      }),
    );
    for (const result of results) if (result.status === "rejected") throw result.reason;
  }

  /**
   * The statements for some samples, built a chunk at a time while the previous statement runs
   * on the server: chunkRows samples, then their disks, then their findings.
   */
  private *sampleOperations(valid: readonly ValidSample[]): Generator<Operation> {
    const sampleColumns = this.storeSnapshotJson ? SAMPLE_COLUMNS : SAMPLE_COLUMNS.slice(0, -1);
    for (let start = 0; start < valid.length; start += this.chunkRows) {
      const sampleLines: string[] = [];
      const diskLines: string[] = [];
      const findingLines: string[] = [];
      for (const { sample, ts } of valid.slice(start, start + this.chunkRows)) {
        const id = this.agentIds.get(sample.agent) as number;
        const snapshotField = this.storeSnapshotJson ? field(snapshotJson(sample.snapshot)) : null;
        const agentTs =
          typeof sample.snapshot.timestamp === "string" ? toDbTime(sample.snapshot.timestamp) : null;
        sampleLines.push(sampleRow(id, ts, sample, snapshotField, agentTs));
        for (const row of diskRows(id, ts, sample.snapshot)) diskLines.push(row);
        for (const row of findingRows(id, ts, sample.snapshot)) findingLines.push(row);
      }
      const mode = this.bulkMode;
      const max = this.chunkRows * 4;
      yield* bulkOperations(mode, "samples", sampleColumns, sampleLines, this.chunkRows, this.chunkBytes);
      yield* bulkOperations(mode, "disk_samples", DISK_COLUMNS, diskLines, max, this.chunkBytes);
      yield* bulkOperations(mode, "security_findings", FINDING_COLUMNS, findingLines, max, this.chunkBytes);
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
    const firstTs = new Map<string, { firstTs: string }>();
    for (const event of events) {
      const ts = this.checkRecord(event.agent, event.ts, "event");
      if (ts === null) continue;
      valid.push({ event, ts: ts.ts, index: valid.length });
      const first = firstTs.get(event.agent);
      if (first === undefined || ts.ts < first.firstTs) firstTs.set(event.agent, { firstTs: ts.ts });
    }
    if (valid.length === 0) return;
    await this.resolveAgents(db, firstTs);

    // Each agent's state after its events, taken in time order (stable for equal times:
    // a "poll_error" and the "down" it causes share their ts).
    valid.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.index - b.index));
    const lines: string[] = [];
    const agents = new Map<string, AgentEventSummary>();
    for (const { event, ts } of valid) {
      const id = this.agentIds.get(event.agent) as number;
      lines.push(eventRow(id, ts, event));
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
      insertStatements(head, lines, this.chunkRows, this.chunkBytes).map((sql) => ({ sql })),
      agentEventUpdates([...agents.values()], this.chunkRows).map((sql) => ({ sql })),
    ]);
    for (const [name, summary] of agents) {
      const known = this.agentRows.get(name);
      if (known === undefined) continue;
      known.settled = false;
      if (summary.lastTs > known.eventTs) known.eventTs = summary.lastTs;
    }
  }

  /**
   * The alert history as one alerts row per episode (alert key + started_at): each notification
   * (firing, escalated, repeat, resolved) updates it, unless a newer one already has (a replay,
   * or records out of order, never moves an episode back).
   */
  async writeAlerts(alerts: ReadonlyArray<AlertRecord>): Promise<void> {
    const db = this.requireOpen();
    const valid: Array<{ record: AlertRecord; ts: string; startedAt: string; index: number }> = [];
    const agents = new Map<string, { firstTs: string }>();
    for (const record of alerts) {
      const alert = record.alert;
      const ts = this.checkRecord(alert?.agent, record.ts, "alert");
      if (ts === null) continue;
      const startedAt = typeof alert.started_at === "string" ? toDbTime(alert.started_at) : null;
      if (startedAt === null || typeof alert.key !== "string" || alert.key === "") {
        this.options.onWarning?.(`MySQL: alert ${JSON.stringify(alert.id)} dropped: no key or started_at`);
        continue;
      }
      valid.push({ record, ts: ts.ts, startedAt, index: valid.length });
      const known = agents.get(alert.agent);
      if (known === undefined || ts.ts < known.firstTs) agents.set(alert.agent, { firstTs: ts.ts });
    }
    if (valid.length === 0) return;
    await this.resolveAgents(db, agents);
    valid.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.index - b.index));
    const rows = valid.map((entry) => ({
      ...entry,
      agentId: this.agentIds.get(entry.record.alert.agent) ?? null,
    }));
    const statements = alertUpserts(rows, this.chunkRows, this.chunkBytes);
    await this.transaction(db, [statements.map((sql) => ({ sql }))]);
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
   * Deletes rows older than `days` days from the time-series tables (and alert episodes resolved
   * that long ago), in statements of `pruneBatch` rows (short locks, small undo) and at most
   * MAX_PRUNE_ITERATIONS per table per call; the collector calls it hourly, so a larger backlog
   * is worked off over several calls.
   */
  async pruneOlderThan(days: number, now = Date.now()): Promise<PruneResult> {
    const db = this.requireOpen();
    const result: PruneResult = {
      samples: 0,
      disk_samples: 0,
      security_findings: 0,
      poll_events: 0,
      alerts: 0,
    };
    if (!(days > 0)) return result;
    const cutoff = toDbTime(now - days * DAY_MS);
    if (cutoff === null) return result;
    const batch = Math.max(1, Math.floor(this.options.pruneBatch ?? 5000));
    const deletions: Array<[keyof PruneResult, string]> = [
      ...PRUNED_TABLES.map((table): [keyof PruneResult, string] => [
        table,
        `DELETE FROM ${table} WHERE ts < ?`,
      ]),
      ["alerts", "DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ?"],
    ];
    for (const [table, sql] of deletions) {
      for (let i = 0; i < MAX_PRUNE_ITERATIONS; i++) {
        const response = (await db
          .raw(`${sql} LIMIT ${batch}`, [cutoff])
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

  /** The record's ts as a DATETIME value and epoch ms, or null (with a warning) when it cannot be stored at all. */
  private checkRecord(agent: unknown, ts: unknown, what: string): { ts: string; ms: number } | null {
    if (typeof agent !== "string" || agent === "" || agent.length > AGENT_NAME_MAX) {
      this.options.onWarning?.(`MySQL: ${what} dropped: invalid agent name ${JSON.stringify(agent)}`);
      return null;
    }
    const ms = typeof ts === "string" ? Date.parse(ts) : typeof ts === "number" ? ts : Number.NaN;
    const value = typeof ts === "string" || typeof ts === "number" ? toDbTime(ts) : null;
    if (value === null || !Number.isFinite(ms)) {
      this.options.onWarning?.(`MySQL: ${what} of ${agent} dropped: invalid ts ${JSON.stringify(ts)}`);
      return null;
    }
    return { ts: value, ms };
  }

  /**
   * Fills the name → id cache for these agents, creating the missing ones (INSERT IGNORE of the
   * names not found, so AUTO_INCREMENT values are used only for new agents).
   */
  private async resolveAgents(db: Knex, agents: ReadonlyMap<string, { firstTs: string }>): Promise<void> {
    const missing = [...agents.keys()].filter((name) => !this.agentIds.has(name));
    if (missing.length === 0) return;
    await this.lookupAgents(db, missing);
    const absent = missing.filter((name) => !this.agentIds.has(name));
    if (absent.length > 0) {
      const rows = absent.map((name) => ({ name, firstTs: agents.get(name)?.firstTs ?? "" }));
      for (const sql of agentInserts(rows, this.chunkRows)) await db.raw(sql).timeout(this.queryTimeoutMs);
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
   * Runs the operations in one transaction on one pooled connection. The next statement is
   * built (the iterables are lazy) while the previous one runs on the server; COMMIT is sent
   * only after every statement has succeeded. Any failure destroys the connection, so the
   * server rolls the transaction back.
   */
  private async transaction(db: Knex, parts: ReadonlyArray<Iterable<Operation>>): Promise<void> {
    const client = db.client as PoolClient;
    const signal = this.aborter.signal;
    const connection = await client.acquireConnection();
    const inFlight: Array<Promise<void>> = [];
    const send = (operation: Operation): void => {
      const pending = runOperation(connection, operation, this.queryTimeoutMs, signal);
      pending.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
      inFlight.push(pending);
    };
    let failure: unknown = null;
    try {
      send({ sql: "START TRANSACTION" });
      for (const operations of parts) {
        for (const operation of operations) {
          send(operation);
          while (inFlight.length > 2) await inFlight.shift();
        }
      }
      while (inFlight.length > 0) await inFlight.shift();
      send({ sql: "COMMIT" });
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

/** One statement on a raw mysql2 connection, bounded by timeoutMs and by `signal`. */
function runOperation(
  connection: Connection,
  operation: Operation,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => done(new Error(`MySQL statement timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    // the caller's transaction destroys the connection once this rejects
    const onAbort = (): void => done(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort);
    // values null (not undefined): mysql2 then sends the text as it is, instead of scanning
    // megabytes of literals for "?" placeholders first.
    const { data } = operation;
    if (data === undefined) {
      connection.query(operation.sql, null, done);
    } else {
      // Whatever file name the server asks for, it gets this batch's data and nothing else.
      connection.query({ sql: operation.sql, infileStreamFactory: () => Readable.from([data]) }, null, done);
    }
  });
}

/** "auto": LOAD DATA LOCAL when the server allows it (local_infile), else INSERT. */
async function chooseBulkMode(db: Knex, wanted: "auto" | BulkMode): Promise<BulkMode> {
  if (wanted !== "auto") return wanted;
  try {
    const [rows] = (await db.raw("SELECT @@GLOBAL.local_infile AS v")) as unknown as [Array<{ v: unknown }>];
    const value = rows[0]?.v;
    return value === 1 || value === "1" || value === "ON" ? "load-data" : "insert";
  } catch {
    return "insert";
  }
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
