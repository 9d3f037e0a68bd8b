import type { Knex } from "knex";

/**
 * Day partitions of the raw time-series tables (see migration 003 in migrations.ts).
 *
 * Each table is `PARTITION BY RANGE COLUMNS(ts)`: one partition per UTC day, named after the
 * last day it holds (p20261204 holds ts < '2026-12-05 00:00:00'), then the catch-all
 * `pmax VALUES LESS THAN (MAXVALUE)`. With pmax an insert never fails, however far the
 * maintenance fell behind or however far in the future a timestamp is; new days are split
 * off pmax by REORGANIZE PARTITION, which only copies the rows pmax holds, none while the
 * maintenance keeps DAYS_AHEAD days in front of the clock. Retention drops a day partition
 * once its upper bound is past the horizon: a file removed at once, instead of millions of
 * deleted rows (undo, purge, replication of every row).
 *
 * Two collectors (shards) of one database may run this at the same time. The server
 * serialises the ALTERs (metadata lock); the one that comes second finds its partition made
 * (ER_SAME_NAME_PARTITION, ER_RANGE_NOT_INCREASING_ERROR) or gone already
 * (ER_DROP_PARTITION_NON_EXISTENT), reads information_schema again and goes on from there.
 * Plain MySQL syntax (no MariaDB-only IF EXISTS), so both servers take it.
 */
export const PARTITIONED_TABLES = ["samples", "disk_samples", "security_findings", "poll_events"] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** Day partitions kept ready in front of today (today itself and this many more). */
export const DAYS_AHEAD = 7;
/** A table whose history has more days than this gets one partition for everything older. */
const MAX_HISTORY_PARTITIONS = 1000;

export const DAY_MS = 86_400_000;
const CATCH_ALL = "pmax";
/** Rounds of read-and-alter per table per call when other collectors keep changing the table. */
const MAX_ROUNDS = 8;

const ER_DROP_PARTITION_NON_EXISTENT = 1507;
const ER_SAME_NAME_PARTITION = 1517;
const ER_RANGE_NOT_INCREASING_ERROR = 1493;
const ER_TABLEACCESS_DENIED_ERROR = 1142;

export interface Partition {
  readonly name: string;
  /** Exclusive upper bound of ts, ms since the epoch; null for MAXVALUE. */
  readonly bound: number | null;
}

export interface PartitionLog {
  info(message: string): void;
}

export interface MaintenanceResult {
  created: Array<{ table: PartitionedTable; name: string }>;
  dropped: Array<{ table: PartitionedTable; name: string }>;
}

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** p20261204 for a partition whose upper bound is 2026-12-05 00:00 (the last day it holds). */
export function partitionName(bound: number): string {
  return `p${new Date(bound - DAY_MS).toISOString().slice(0, 10).replaceAll("-", "")}`;
}

function boundLiteral(bound: number): string {
  return `'${new Date(bound).toISOString().slice(0, 10)} 00:00:00'`;
}

/** `PARTITION p… VALUES LESS THAN ('…')` for each bound, then pmax. */
function partitionList(bounds: readonly number[]): string {
  return [
    ...bounds.map((bound) => `PARTITION ${partitionName(bound)} VALUES LESS THAN (${boundLiteral(bound)})`),
    `PARTITION ${CATCH_ALL} VALUES LESS THAN (MAXVALUE)`,
  ].join(", ");
}

/** Upper bounds of day partitions from the one holding `first` through `last` (both day starts), at most `max`. */
function dayBounds(first: number, last: number, max: number): number[] {
  const start = Math.max(first, last - (max - 1) * DAY_MS);
  const bounds: number[] = [];
  for (let day = start; day <= last; day += DAY_MS) bounds.push(day + DAY_MS);
  return bounds;
}

/**
 * The statement that partitions a table: a day partition per day from `oldest` through
 * `newest` (its rows' range; the last MAX_HISTORY_PARTITIONS days at most, the first partition
 * then holding everything older), then pmax; only pmax for an empty table. The days ahead are
 * the maintenance's job.
 */
export function partitionBySql(
  table: PartitionedTable,
  range: { oldest: number; newest: number } | null,
): string {
  const bounds =
    range === null
      ? []
      : dayBounds(startOfDay(range.oldest), startOfDay(range.newest), MAX_HISTORY_PARTITIONS);
  return `ALTER TABLE ${table} PARTITION BY RANGE COLUMNS(ts) (${partitionList(bounds)})`;
}

/** The table's partitions in order, [] when it is not partitioned. */
export async function listPartitions(db: Knex, table: PartitionedTable): Promise<Partition[]> {
  const [rows] = (await db.raw(
    `SELECT PARTITION_NAME AS name, PARTITION_DESCRIPTION AS description FROM information_schema.PARTITIONS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL
     ORDER BY PARTITION_ORDINAL_POSITION`,
    [table],
  )) as unknown as [Array<{ name: string; description: string }>];
  return rows.map((row) => ({ name: row.name, bound: parseBound(row.description) }));
}

/** "'2026-12-05 00:00:00'" or "'2026-12-05'" (as the server shows RANGE COLUMNS bounds), or MAXVALUE. */
function parseBound(description: string): number | null {
  if (/^MAXVALUE$/i.test(description.trim())) return null;
  const text = description.replace(/'/g, "").trim();
  const ms = Date.parse(`${text.length === 10 ? `${text} 00:00:00` : text}`.replace(" ", "T") + "Z");
  if (!Number.isFinite(ms)) throw new Error(`unexpected partition bound ${description}`);
  return ms;
}

function errnoOf(error: unknown): unknown {
  return (error as { errno?: unknown } | null)?.errno;
}

/**
 * Keeps every raw table's day partitions DAYS_AHEAD days ahead of `now`, then drops those
 * wholly past `retentionDays` (0 keeps everything). Each statement is logged once.
 */
export async function maintainPartitions(
  db: Knex,
  options: { retentionDays: number; now: number; timeoutMs: number; log: PartitionLog },
): Promise<MaintenanceResult> {
  const result: MaintenanceResult = { created: [], dropped: [] };
  for (const table of PARTITIONED_TABLES) {
    for (const name of await createAhead(db, table, options)) result.created.push({ table, name });
    for (const name of await dropExpired(db, table, options)) result.dropped.push({ table, name });
  }
  return result;
}

async function partitionsOf(db: Knex, table: PartitionedTable): Promise<Partition[]> {
  const partitions = await listPartitions(db, table);
  if (partitions.at(-1)?.bound !== null)
    throw new Error(
      `${table} is not partitioned by day with a ${CATCH_ALL} partition (migration 003_day_partitions); retention cannot run`,
    );
  return partitions;
}

async function createAhead(
  db: Knex,
  table: PartitionedTable,
  options: { now: number; timeoutMs: number; log: PartitionLog },
): Promise<string[]> {
  const wanted = startOfDay(options.now) + (DAYS_AHEAD + 1) * DAY_MS;
  const created: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const partitions = await partitionsOf(db, table);
    const last = partitions.findLast((p) => p.bound !== null)?.bound ?? null;
    if (last !== null && last >= wanted) return created;
    // after a stop the days missed are made too (pmax holds their rows, the split moves them);
    // beyond MAX_HISTORY_PARTITIONS days, the first new partition takes the oldest of them
    const first = last ?? startOfDay(options.now);
    const bounds = dayBounds(first, wanted - DAY_MS, MAX_HISTORY_PARTITIONS);
    const names = bounds.map(partitionName);
    try {
      await db
        .raw(`ALTER TABLE ${table} REORGANIZE PARTITION ${CATCH_ALL} INTO (${partitionList(bounds)})`)
        .timeout(options.timeoutMs);
    } catch (error) {
      const errno = errnoOf(error);
      // another collector split pmax meanwhile: read again
      if (errno === ER_SAME_NAME_PARTITION || errno === ER_RANGE_NOT_INCREASING_ERROR) continue;
      throw error;
    }
    options.log.info(
      `created ${names.length === 1 ? "partition" : "partitions"} ${names.length > 2 ? `${names[0]}..${names.at(-1)}` : names.join(", ")} of ${table} (${DAYS_AHEAD} days ahead)`,
    );
    created.push(...names);
  }
  throw new Error(
    `${table}: partitions ahead not made after ${MAX_ROUNDS} rounds (other collectors altering it?)`,
  );
}

async function dropExpired(
  db: Knex,
  table: PartitionedTable,
  options: { retentionDays: number; now: number; timeoutMs: number; log: PartitionLog },
): Promise<string[]> {
  if (!(options.retentionDays > 0)) return [];
  const cutoff = options.now - options.retentionDays * DAY_MS;
  // pmax is never dropped, nor the newest day partition (the table keeps one below pmax)
  const expired = (await partitionsOf(db, table))
    .slice(0, -2)
    .filter((p): p is Partition & { bound: number } => p.bound !== null && p.bound <= cutoff);
  const dropped: string[] = [];
  for (const partition of expired) {
    try {
      await db.raw(`ALTER TABLE ${table} DROP PARTITION ${partition.name}`).timeout(options.timeoutMs);
    } catch (error) {
      if (errnoOf(error) === ER_DROP_PARTITION_NON_EXISTENT) continue; // another collector dropped it
      if (errnoOf(error) === ER_TABLEACCESS_DENIED_ERROR)
        throw new Error(
          `cannot drop partition ${partition.name} of ${table}: the account lacks the DROP privilege, ` +
            "which retention by partition needs (GRANT DROP ON <database>.* TO <the collector's account>; see db/README.md)",
          { cause: error },
        );
      throw error;
    }
    options.log.info(
      `dropped partition ${partition.name} of ${table} (retention ${options.retentionDays} d)`,
    );
    dropped.push(partition.name);
  }
  return dropped;
}
