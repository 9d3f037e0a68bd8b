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
 *   level, `critical_streak` those at or above critical; any other value resets them.
 * - Not firing: fires critical once `critical_streak` reaches `for`, else warning once `streak`
 *   does (so a jump straight to critical fires one critical alert, not warning + escalated).
 * - Firing warning: escalates once `critical_streak` reaches `for`. Announced ("escalated")
 *   only when critical was not the severity last announced: a silent de-escalation followed by
 *   a new rise is not news, so a value swinging across the critical band cannot storm.
 * - Firing critical: falls back to warning silently below critical − hysteresis (when a warning
 *   level exists).
 * - Resolves only below lowest level − hysteresis; values in between keep it firing.
 */
export function step(entry: EntryState, rule: ThresholdRule, value: number, now: Date): StepResult {
  const nowIso = now.toISOString();
  const atCritical = rule.critical !== undefined && value >= rule.critical;
  const breaching = atCritical || (rule.warning !== undefined && value >= rule.warning);
  const next: EntryState = {
    ...entry,
    streak: breaching ? entry.streak + 1 : 0,
    critical_streak: atCritical ? entry.critical_streak + 1 : 0,
    pending_since: breaching ? (entry.pending_since ?? nowIso) : null,
  };
  const current = entry.alert;
  if (!current) return fireIfDue(next, rule, value, nowIso);

  const lowest = lowestLevel(rule);
  if (value < releaseLevel(rule, lowest)) {
    const resolved: Alert = {
      ...current,
      state: "resolved",
      value,
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
  } else if (severity === "critical" && shouldDeescalate(rule, value)) {
    severity = "warning";
  }
  const announce = severity === "critical" && entry.notified_severity !== "critical";
  const alert: Alert = {
    ...current,
    severity,
    value,
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
    threshold: levelOf(rule, severity),
    started_at: startedAt,
    resolved_at: null,
    last_notified_at: nowIso,
  };
  return { entry: { ...next, notified_severity: severity, alert }, change: "fired", alert };
}

function shouldDeescalate(rule: ThresholdRule, value: number): boolean {
  if (rule.critical === undefined) return rule.warning !== undefined; // critical level removed from the config
  return rule.warning !== undefined && value < releaseLevel(rule, rule.critical);
}

/** The level that goes with a severity (the lowest one when that level is not configured). */
export function levelOf(rule: ThresholdRule, severity: Severity): number {
  return (severity === "critical" ? rule.critical : rule.warning) ?? lowestLevel(rule);
}
