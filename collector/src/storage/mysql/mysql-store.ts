import type { Knex } from "knex";
import type { AlertRecord, PollEvent, PollSample } from "../records.js";
import type { Store } from "../store.js";
import { AgentIds } from "./agent-ids.js";
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  assertDatabaseName,
  createKnex,
  destroyKnex,
  ensureDatabase,
  pingServer,
  toDbTime,
} from "./connection.js";
import { field, insertStatements } from "./encoding.js";
import { syncSampleColumns } from "./migrations.js";
import { errorText } from "../../../../common/src/error-text.js";
import { chooseBulkMode, migrate } from "./open-database.js";
import { pruneOlderThan, type PruneResult } from "./prune.js";
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
  agentSampleUpdates,
  alertUpserts,
  bulkOperations,
  columnList,
  isLoadDataRefused,
} from "./statements.js";
import type { AgentEventSummary, AgentSampleSummary, BulkMode, Operation } from "./statements.js";
import type { MysqlStoreOptions } from "./store-options.js";
import { runTransaction } from "./transaction.js";

export type { MysqlStoreOptions } from "./store-options.js";
export type { PruneResult } from "./prune.js";

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
const AGENT_NAME_MAX = 255;
/** A batch is split into parallel transactions only when each gets at least this many samples. */
const MIN_LANE_SAMPLES = 250;

export class MysqlStore implements Store {
  readonly kind = "mysql" as const;
  private db: Knex | null = null;
  private readonly agentIds: AgentIds;
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
    this.agentIds = new AgentIds(this.queryTimeoutMs, this.chunkRows);
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
        throw new Error(`MySQL ${where}: cannot connect: ${errorText(error)}`, { cause: error });
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
      throw new Error(`MySQL ${where}: cannot open: ${errorText(error)}`, { cause: error });
    }
    this.db = db;
    if (this.options.retentionDays > 0) {
      try {
        await this.pruneOlderThan(this.options.retentionDays);
      } catch (error) {
        this.options.onWarning?.(`MySQL retention failed: ${errorText(error)}`);
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
    await this.agentIds.resolve(db, summaries);
    for (const summary of summaries.values()) summary.id = this.agentIds.get(summary.name) as number;
    const stale = [...summaries.values()].filter((summary) => this.agentRowIsStale(summary));

    try {
      await this.writeSampleLanes(db, valid, stale);
    } catch (error) {
      if (this.bulkMode !== "load-data" || !isLoadDataRefused(error)) throw error;
      this.bulkMode = "insert";
      this.options.onWarning?.(`MySQL refuses LOAD DATA LOCAL INFILE (${errorText(error)}); using INSERT`);
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
        return runTransaction(db, operations, this.queryTimeoutMs, this.aborter.signal);
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
    await this.agentIds.resolve(db, firstTs);

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
    await runTransaction(
      db,
      [
        insertStatements(head, lines, this.chunkRows, this.chunkBytes).map((sql) => ({ sql })),
        agentEventUpdates([...agents.values()], this.chunkRows).map((sql) => ({ sql })),
      ],
      this.queryTimeoutMs,
      this.aborter.signal,
    );
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
    await this.agentIds.resolve(db, agents);
    valid.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.index - b.index));
    const rows = valid.map((entry) => ({
      ...entry,
      agentId: this.agentIds.get(entry.record.alert.agent) ?? null,
    }));
    const statements = alertUpserts(rows, this.chunkRows, this.chunkBytes);
    await runTransaction(db, [statements.map((sql) => ({ sql }))], this.queryTimeoutMs, this.aborter.signal);
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
   * that long ago), in statements of `pruneBatch` rows; see prune.ts.
   */
  pruneOlderThan(days: number, now = Date.now()): Promise<PruneResult> {
    return pruneOlderThan(
      this.requireOpen(),
      days,
      now,
      this.options.pruneBatch ?? 5000,
      this.queryTimeoutMs,
    );
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
}
