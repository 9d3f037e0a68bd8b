import { lowestLevel, releaseLevel } from "./rules.js";
import type { EntryState } from "./state.js";
import type { Alert, Severity, ThresholdRule } from "./types.js";

export type Change = "fired" | "escalated" | "resolved";

export interface StepResult {
  /** The entry after this value; its alert is null once resolved. */
  entry: EntryState;
  change: Change | null;
  /** The alert to announce when `change` is set (the resolved one for "resolved"). */
  alert: Alert | null;
}

/**
 * One value through the state machine ok → pending → firing(warning|critical) → resolved.
 *
 * - A breach is value >= level. `streak` counts consecutive samples at or above the lowest
 *   level, `critical_streak` those at critical: at or above the critical level, or, when the
 *   observation says so (`agentCritical`: the agent's own security status is "critical"), at
 *   or above the lowest level. Any other value resets them.
 * - Not firing: fires critical once `critical_streak` reaches `for`, else warning once `streak`
 *   does (so a jump straight to critical fires one critical alert, not warning + escalated).
 * - Firing warning: escalates once `critical_streak` reaches `for`. Announced ("escalated",
 *   one notification) only when critical was not the severity last announced: a silent
 *   de-escalation followed by a new rise is not news, so a value swinging across the critical
 *   band cannot storm.
 * - Firing critical: falls back to warning silently (no notification; the alert's severity,
 *   and so the pages and the next repeat, say warning) once the value is below critical −
 *   hysteresis and the agent no longer says critical, when a warning level exists. It is
 *   better news but not a resolution, and announcing it would double the messages of a value
 *   hovering at the critical level.
 * - Resolves only below lowest level − hysteresis; values in between keep it firing.
 * - Every sample updates the alert's `value` and `value_at` (no notification);
 *   `fired_value` keeps the value that fired it.
 */
export function step(
  entry: EntryState,
  rule: ThresholdRule,
  value: number,
  now: Date,
  agentCritical = false,
): StepResult {
  const nowIso = now.toISOString();
  const lowest = lowestLevel(rule);
  const atCritical =
    (rule.critical !== undefined && value >= rule.critical) || (agentCritical && value >= lowest);
  const breaching = atCritical || (rule.warning !== undefined && value >= rule.warning);
  const next: EntryState = {
    ...entry,
    streak: breaching ? entry.streak + 1 : 0,
    critical_streak: atCritical ? entry.critical_streak + 1 : 0,
    pending_since: breaching ? (entry.pending_since ?? nowIso) : null,
  };
  const current = entry.alert;
  if (!current) return fireIfDue(next, rule, value, nowIso);

  if (value < releaseLevel(rule, lowest)) {
    const resolved: Alert = {
      ...current,
      state: "resolved",
      value,
      value_at: nowIso,
      resolved_at: nowIso,
      last_notified_at: nowIso,
    };
    return {
      entry: { ...next, pending_since: null, notified_severity: null, alert: null },
      change: "resolved",
      alert: resolved,
    };
  }

  let severity: Severity = current.severity;
  if (severity === "warning" && next.critical_streak >= rule.for) {
    severity = "critical";
  } else if (severity === "critical" && shouldDeescalate(rule, value, agentCritical)) {
    severity = "warning";
  }
  const announce = severity === "critical" && entry.notified_severity !== "critical";
  const alert: Alert = {
    ...current,
    severity,
    value,
    value_at: nowIso,
    threshold: levelOf(rule, severity),
    last_notified_at: announce ? nowIso : current.last_notified_at,
  };
  return {
    entry: { ...next, notified_severity: announce ? "critical" : entry.notified_severity, alert },
    change: announce ? "escalated" : null,
    alert: announce ? alert : null,
  };
}

function fireIfDue(next: EntryState, rule: ThresholdRule, value: number, nowIso: string): StepResult {
  const severity: Severity | null =
    next.critical_streak >= rule.for
      ? "critical"
      : rule.warning !== undefined && next.streak >= rule.for
        ? "warning"
        : null;
  if (!severity) return { entry: next, change: null, alert: null };
  const startedAt = next.pending_since ?? nowIso;
  const alert: Alert = {
    id: `${next.key}/${Date.parse(startedAt)}`,
    key: next.key,
    agent: next.agent,
    metric: next.metric,
    ...(next.mount !== null ? { mount: next.mount } : {}),
    severity,
    state: "firing",
    value,
    value_at: nowIso,
    fired_value: value,
    threshold: levelOf(rule, severity),
    started_at: startedAt,
    resolved_at: null,
    last_notified_at: nowIso,
  };
  return { entry: { ...next, notified_severity: severity, alert }, change: "fired", alert };
}

/**
 * Critical falls back to warning when a warning level exists and nothing holds it at critical:
 * neither the agent's word nor a value at or above critical − hysteresis (a critical level
 * removed from the config holds nothing).
 */
function shouldDeescalate(rule: ThresholdRule, value: number, agentCritical: boolean): boolean {
  if (rule.warning === undefined || agentCritical) return false;
  return rule.critical === undefined || value < releaseLevel(rule, rule.critical);
}

/** The level that goes with a severity (the lowest one when that level is not configured). */
export function levelOf(rule: ThresholdRule, severity: Severity): number {
  return (severity === "critical" ? rule.critical : rule.warning) ?? lowestLevel(rule);
}
