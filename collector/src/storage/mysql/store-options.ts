import type { MysqlConnectionOptions } from "./connection.js";
import type { BulkMode } from "./statements.js";

export interface MysqlStoreOptions extends MysqlConnectionOptions {
  /** Day partitions wholly older than this many days are dropped by pruneOlderThan (at open, then hourly by the caller); 0 keeps everything. */
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
  /** Resolved alert episodes deleted per retention statement (default 5000). */
  pruneBatch?: number;
  /** Time allowed for one partition statement (default 120000 ms). */
  partitionTimeoutMs?: number;
  /** "Now" for the partition maintenance at open (default Date.now): tests and benches set the day the history starts. */
  clock?: () => number;
  /** The partitions made and dropped, one line per statement. */
  onInfo?: (message: string) => void;
  /** Records that cannot be stored at all (invalid time or agent name), a fallback to INSERT, retention failures at open. */
  onWarning?: (message: string) => void;
}
