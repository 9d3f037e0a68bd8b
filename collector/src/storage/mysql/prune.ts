import type { Knex } from "knex";
import { toDbTime } from "./connection.js";

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

/**
 * Deletes rows older than `days` days from the time-series tables (and alert episodes resolved
 * that long ago), in statements of `pruneBatch` rows (short locks, small undo) and at most
 * MAX_PRUNE_ITERATIONS per table per call; the collector calls it hourly, so a larger backlog
 * is worked off over several calls.
 */
export async function pruneOlderThan(
  db: Knex,
  days: number,
  now: number,
  batchRows: number,
  timeoutMs: number,
): Promise<PruneResult> {
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
  const batch = Math.max(1, Math.floor(batchRows));
  const deletions: Array<[keyof PruneResult, string]> = [
    ...PRUNED_TABLES.map((table): [keyof PruneResult, string] => [
      table,
      `DELETE FROM ${table} WHERE ts < ?`,
    ]),
    ["alerts", "DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ?"],
  ];
  for (const [table, sql] of deletions) {
    for (let i = 0; i < MAX_PRUNE_ITERATIONS; i++) {
      const response = (await db.raw(`${sql} LIMIT ${batch}`, [cutoff]).timeout(timeoutMs)) as unknown as [
        { affectedRows: number },
      ];
      const deleted = response[0].affectedRows;
      result[table] += deleted;
      if (deleted < batch) break;
    }
  }
  return result;
}
