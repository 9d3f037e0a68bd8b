import type { AlertMetric, NotificationKind, Severity } from "../../alerts/evaluator/types.js";
import type { AlertRecord, PollEvent, PollEventKind } from "../records.js";
import { fromDbTime } from "./connection.js";
import { num0, type Num } from "./rebuild-snapshot.js";

/** A poll_events row as read back. */
export interface EventRow {
  agent_id: number;
  ts: string;
  kind: string;
  error: string | null;
  consecutive_failures: Num;
  duration_ms: Num;
}

/** An alerts row (one per episode) as read back. */
export interface AlertRow {
  id: number;
  alert_key: string;
  agent_id: number | null;
  metric: string;
  mount: string | null;
  severity: string;
  state: string;
  value: Num;
  threshold: Num;
  started_at: string;
  resolved_at: string | null;
  last_notified_at: string | null;
  last_kind: string | null;
  message: string | null;
  updated_at: string;
}

/** Events of one agent at one ts in the order the collector emits them: the failure before the "down" it causes. */
export const EVENT_RANK = "CASE kind WHEN 'poll_error' THEN 1 WHEN 'down' THEN 2 WHEN 'up' THEN 3 ELSE 4 END";

/** Whether two event rows share their (ts, agent): a page keeps such a group whole. */
export function sameGroup(a: EventRow, b: EventRow): boolean {
  return a.ts === b.ts && a.agent_id === b.agent_id;
}

/** A poll_events row as the event the collector wrote. */
export function toPollEvent(row: EventRow, agent: string): PollEvent {
  return {
    agent,
    ts: fromDbTime(row.ts),
    kind: row.kind as PollEventKind,
    error: row.error,
    consecutive_failures: num0(row.consecutive_failures),
    duration_ms: num0(row.duration_ms),
  };
}

/** An episode's row as the record of its latest notification. */
export function toAlertRecord(row: AlertRow, agentName: (id: number) => string): AlertRecord {
  const startedAt = fromDbTime(row.started_at);
  const ts = fromDbTime(row.updated_at);
  return {
    kind: (row.last_kind ?? (row.state === "resolved" ? "resolved" : "firing")) as NotificationKind,
    ts,
    message: row.message ?? "",
    alert: {
      id: `${row.alert_key}/${Date.parse(startedAt)}`,
      key: row.alert_key,
      agent: row.agent_id === null ? agentOfKey(row) : agentName(Number(row.agent_id)),
      metric: row.metric as AlertMetric,
      ...(row.mount === null ? {} : { mount: row.mount }),
      severity: row.severity as Severity,
      state: row.state === "resolved" ? "resolved" : "firing",
      value: num0(row.value),
      threshold: num0(row.threshold),
      started_at: startedAt,
      resolved_at: row.resolved_at === null ? null : fromDbTime(row.resolved_at),
      last_notified_at: row.last_notified_at === null ? ts : fromDbTime(row.last_notified_at),
    },
  };
}

/** The agent part of an alert key (agent/metric or agent/metric/mount), for a row without agent_id. */
function agentOfKey(row: AlertRow): string {
  const suffix = row.mount === null ? `/${row.metric}` : `/${row.metric}/${row.mount}`;
  if (row.alert_key.endsWith(suffix)) return row.alert_key.slice(0, -suffix.length);
  const slash = row.alert_key.indexOf("/");
  return slash === -1 ? row.alert_key : row.alert_key.slice(0, slash);
}
