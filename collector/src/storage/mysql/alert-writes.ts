import type { Knex } from "knex";
import type { AlertRecord } from "../records.js";
import { toDbTime } from "./connection.js";
import { alertUpserts } from "./statements.js";
import { byTime, checkRecord, transact, type WriteContext } from "./write-context.js";

/**
 * Writes the alert history as one alerts row per episode (alert key + started_at): each
 * notification (firing, escalated, repeat, resolved) updates it, unless a newer one already has
 * (a replay, or records out of order, never moves an episode back).
 */
export async function writeAlerts(
  context: WriteContext,
  db: Knex,
  alerts: ReadonlyArray<AlertRecord>,
): Promise<void> {
  const valid: Array<{ record: AlertRecord; ts: string; startedAt: string }> = [];
  const agents = new Map<string, { firstTs: string }>();
  for (const record of alerts) {
    const alert = record.alert;
    const ts = checkRecord(context, alert?.agent, record.ts, "alert");
    if (ts === null) continue;
    const startedAt = typeof alert.started_at === "string" ? toDbTime(alert.started_at) : null;
    if (startedAt === null || typeof alert.key !== "string" || alert.key === "") {
      context.warn(`MySQL: alert ${JSON.stringify(alert.id)} dropped: no key or started_at`);
      continue;
    }
    valid.push({ record, ts, startedAt });
    const known = agents.get(alert.agent);
    if (known === undefined || ts < known.firstTs) agents.set(alert.agent, { firstTs: ts });
  }
  if (valid.length === 0) return;
  await context.agentIds.resolve(db, agents);
  valid.sort(byTime);
  const rows = valid.map((entry) => ({
    ...entry,
    agentId: context.agentIds.get(entry.record.alert.agent) ?? null,
  }));
  const statements = alertUpserts(rows, context.chunkRows, context.chunkBytes);
  await transact(context, db, [statements.map((sql) => ({ sql }))]);
}
