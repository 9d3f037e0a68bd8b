import type { PollEvent } from "../../storage/index.js";
import type { Alert } from "./types.js";

/**
 * The one agent_down alert per agent (critical). value: failed polls so far; threshold: failed
 * polls when it went down (the collector's alerts.down_after).
 */
export function downAlert(key: string, event: PollEvent, now: Date): Alert {
  const nowIso = now.toISOString();
  return {
    id: `${key}/${now.getTime()}`,
    key,
    agent: event.agent,
    metric: "agent_down",
    severity: "critical",
    state: "firing",
    value: event.consecutive_failures,
    value_at: nowIso,
    fired_value: event.consecutive_failures,
    threshold: event.consecutive_failures,
    started_at: nowIso,
    resolved_at: null,
    last_notified_at: nowIso,
  };
}

/** The agent_down alert after a later failed poll (silent: only the count changes). */
export function stillDown(alert: Alert, event: PollEvent): Alert {
  return { ...alert, value: Math.max(alert.value, event.consecutive_failures), value_at: event.ts };
}

/** The agent_down alert resolved by an "up" event. */
export function backUp(alert: Alert, event: PollEvent, now: Date): Alert {
  const nowIso = now.toISOString();
  return {
    ...alert,
    state: "resolved",
    value: Math.max(alert.value, event.consecutive_failures),
    resolved_at: nowIso,
    last_notified_at: nowIso,
  };
}
