import type { Knex } from "knex";
import { toDbTime } from "./connection.js";
import { DAY_MS, maintainPartitions, type MaintenanceResult, type PartitionLog } from "./partitions.js";

export interface PruneResult extends MaintenanceResult {
  /** Resolved alert episodes deleted. */
  alerts: number;
}

/** Upper bound of DELETE statements on alerts per pruneOlderThan call. */
const MAX_PRUNE_ITERATIONS = 2000;

/**
 * Retention, run at open and hourly by the collector. The raw tables (samples, disk_samples,
 * security_findings, poll_events) are partitioned by day: partitions.ts makes the days ahead and
 * drops the day partitions wholly older than `days` (so a row is kept between `days` and
 * `days` + 1 days), with no row-by-row DELETE on them. Alert episodes resolved that long ago
 * are deleted in statements of `batchRows` (alerts is small and not partitioned: an episode
 * lives as long as it fires). `days` is storage.retention_days, the raw tier; issue 15's
 * storage.retention.raw replaces it. 0 keeps everything (the days ahead are still made).
 */
export async function pruneOlderThan(
  db: Knex,
  options: {
    days: number;
    now: number;
    batchRows: number;
    /** Per DELETE statement. */
    timeoutMs: number;
    /** Per partition statement, which waits for the transactions using its table. */
    partitionTimeoutMs: number;
    log: PartitionLog;
  },
): Promise<PruneResult> {
  const { days, now, timeoutMs } = options;
  const partitions = await maintainPartitions(db, {
    retentionDays: days,
    now,
    timeoutMs: options.partitionTimeoutMs,
    log: options.log,
  });
  const result: PruneResult = { ...partitions, alerts: 0 };
  if (!(days > 0)) return result;
  const cutoff = toDbTime(now - days * DAY_MS);
  if (cutoff === null) return result;
  const batch = Math.max(1, Math.floor(options.batchRows));
  const sql = `DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ? LIMIT ${batch}`;
  for (let i = 0; i < MAX_PRUNE_ITERATIONS; i++) {
    const response = (await db.raw(sql, [cutoff]).timeout(timeoutMs)) as unknown as [
      { affectedRows: number },
    ];
    result.alerts += response[0].affectedRows;
    if (response[0].affectedRows < batch) break;
  }
  return result;
}
