import { extractObservations } from "../../../collector/src/alerts/evaluator/extract.js";
import { DEFAULT_FOR } from "../../../collector/src/alerts/evaluator/rules.js";
import type { Alert, ResolvedRules } from "../../../collector/src/alerts/evaluator/types.js";
import type { AgentHistory } from "../model.js";

/** What an active alert's line shows: its latest value and when it was seen, and the value it fired with. */
export interface AlertReading {
  value: number;
  /** Epoch ms of `value`; undefined when the record does not say (alerts from older collectors). */
  at: number | undefined;
  firedValue: number | undefined;
}

/**
 * The latest value of a firing alert. The alert history holds a record per notification only
 * (no message per value change), so its value is the one of the last notification; the
 * agent's newest sample, when it is newer, is what the collector compared last: its value is
 * taken from it the way the evaluator takes it (per-core load as configured, one per mount).
 */
export function alertReading(alert: Alert, agent: AgentHistory | undefined): AlertReading {
  const recorded = Date.parse(alert.value_at ?? alert.last_notified_at);
  const reading: AlertReading = {
    value: alert.value,
    at: Number.isFinite(recorded) ? recorded : undefined,
    firedValue: alert.fired_value,
  };
  const latest = agent?.series.latest;
  const seen = agent?.lastSeen;
  if (alert.metric === "agent_down" || latest === undefined || seen === undefined) return reading;
  if (reading.at !== undefined && !(seen > reading.at)) return reading;
  const observed = extractObservations(latest, rulesFor(alert, agent)).find(
    (o) => o.metric === alert.metric && o.mount === alert.mount,
  );
  return observed === undefined ? reading : { ...reading, value: observed.value, at: seen };
}

/** The agent's configured rule for the metric (per_core matters), or one at the alert's level. */
function rulesFor(alert: Alert, agent: AgentHistory | undefined): ResolvedRules {
  if (alert.metric === "agent_down") return {};
  const configured = agent?.rules[alert.metric];
  if (configured !== undefined) return { [alert.metric]: configured };
  return {
    [alert.metric]: { warning: alert.threshold, for: DEFAULT_FOR[alert.metric], per_core: false },
  };
}
