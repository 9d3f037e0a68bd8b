import type { Knex } from "knex";
import { errorText } from "../../../../common/src/error-text.js";
import type { AlertRecord, PollEvent, PollSample } from "../records.js";
import type { Store } from "../store.js";
import { AgentIds } from "./agent-ids.js";
import { AgentRows } from "./agent-rows.js";
import { writeAlerts } from "./alert-writes.js";
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  assertDatabaseName,
  createKnex,
  destroyKnex,
  pingServer,
} from "./connection.js";
import { writeEvents } from "./event-writes.js";
import { openDatabase } from "./open-database.js";
import { pruneOlderThan, type PruneResult } from "./prune.js";
import { SampleWriter } from "./sample-writes.js";
import type { BulkMode } from "./statements.js";
import type { MysqlStoreOptions } from "./store-options.js";
import type { WriteContext } from "./write-context.js";

export type { MysqlStoreOptions } from "./store-options.js";
export type { PruneResult } from "./prune.js";

/** An ALTER on a partition waits for the transactions using the table (metadata lock). */
const PARTITION_TIMEOUT_MS = 120_000;

/**
 * The `mysql` store: knex + mysql2. Rows are keyed by (ts, agent[, mount | seq | kind]) and
 * added with IGNORE, so a replayed batch adds nothing; any error rejects, and the caller's
 * replay completes whatever was not committed.
 *
 * The write path runs hand-built statements on a raw pooled connection (knex's pool and
 * migrations, not its query builder): several times faster for 10,000-row batches, and a
 * statement that exceeds queryTimeoutMs can destroy its connection at once (knex's own timeout
 * leaves the wedged connection's ROLLBACK waiting behind the stuck statement).
 *
 * This class holds the pool and its life (open, probe, abort, close, retention); samples are
 * written by sample-writes.ts, events by event-writes.ts and alerts by alert-writes.ts.
 */
export class MysqlStore implements Store {
  readonly kind = "mysql" as const;
  private db: Knex | null = null;
  private readonly agentIds: AgentIds;
  private readonly agentRows: AgentRows;
  private readonly queryTimeoutMs: number;
  private readonly writes: WriteContext;
  private readonly samples: SampleWriter;
  private opening: Promise<void> | undefined;
  /** Aborted by abort(): the statements in progress reject and their connections are destroyed. */
  private aborter = new AbortController();

  constructor(private readonly options: MysqlStoreOptions) {
    assertDatabaseName(options.database);
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    const chunkRows = Math.max(1, Math.floor(options.chunkRows ?? 500));
    this.agentIds = new AgentIds(this.queryTimeoutMs, chunkRows);
    this.agentRows = new AgentRows(Math.max(0, options.agentTouchIntervalMs ?? 30_000));
    this.writes = {
      agentIds: this.agentIds,
      agentRows: this.agentRows,
      queryTimeoutMs: this.queryTimeoutMs,
      chunkRows,
      chunkBytes: Math.min(8 << 20, Math.max(1024, options.chunkBytes ?? 2 << 20)),
      warn: (message) => this.options.onWarning?.(message),
      signal: () => this.aborter.signal,
    };
    this.samples = new SampleWriter(this.writes, {
      storeSnapshotJson: options.storeSnapshotJson ?? false,
      writeConcurrency: Math.max(1, Math.floor(options.writeConcurrency ?? 2)),
    });
  }

  /** How bulk rows are written now ("auto" resolves at open, and falls back to "insert" on refusal). */
  get bulkLoad(): BulkMode {
    return this.samples.bulkMode;
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
    const { db, bulkMode } = await openDatabase(this.options);
    this.samples.bulkMode = bulkMode;
    this.db = db;
    // the days ahead are made even when retention keeps everything
    try {
      await this.pruneOlderThan(this.options.retentionDays, this.options.clock?.() ?? Date.now());
    } catch (error) {
      this.options.onWarning?.(`MySQL retention failed: ${errorText(error)}`);
    }
  }

  async writeSamples(samples: ReadonlyArray<PollSample>): Promise<void> {
    await this.samples.write(this.requireOpen(), samples);
  }

  async writeEvents(events: ReadonlyArray<PollEvent>): Promise<void> {
    await writeEvents(this.writes, this.requireOpen(), events);
  }

  /** One alerts row per episode, see alert-writes.ts. */
  async writeAlerts(alerts: ReadonlyArray<AlertRecord>): Promise<void> {
    await writeAlerts(this.writes, this.requireOpen(), alerts);
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
   * Makes the raw tables' day partitions ahead of `now` and drops those wholly older than
   * `days` days (0 keeps everything), and deletes alert episodes resolved that long ago; see
   * prune.ts. Every partition statement is logged through onInfo.
   */
  pruneOlderThan(days: number, now = Date.now()): Promise<PruneResult> {
    return pruneOlderThan(this.requireOpen(), {
      days,
      now,
      batchRows: this.options.pruneBatch ?? 5000,
      timeoutMs: this.queryTimeoutMs,
      partitionTimeoutMs: this.options.partitionTimeoutMs ?? PARTITION_TIMEOUT_MS,
      log: { info: (message) => this.options.onInfo?.(message) },
    });
  }

  private requireOpen(): Knex {
    if (this.db === null) throw new Error("MysqlStore is not open");
    return this.db;
  }
}
