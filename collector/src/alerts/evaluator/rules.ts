import {
  METRICS,
  type MetricName,
  type ResolvedRules,
  type ThresholdInput,
  type ThresholdRule,
  type ThresholdsInput,
} from "./types.js";

/** The documented defaults (README "Alerts"), used when the global `thresholds` has no entry (swap_usage: none). */
export const DEFAULT_THRESHOLDS: Readonly<ThresholdsInput> = Object.freeze({
  cpu_usage: 80,
  cpu_temperature: 70,
  system_load: 2.0,
  memory_usage: 85,
  disk_usage: 90,
  security_issues: 1,
});

/** The default hysteresis: 5% of the level. */
export const DEFAULT_HYSTERESIS_RATIO = 0.05;

/**
 * The rules for one agent. Per metric, the agent's entry replaces the global one as a whole
 * (no field-wise merge); a global entry that is absent falls back to DEFAULT_THRESHOLDS; null
 * (global or per agent) switches the metric off.
 */
export function resolveRules(
  globalThresholds: ThresholdsInput | undefined,
  agentThresholds?: ThresholdsInput,
): ResolvedRules {
  const rules: ResolvedRules = {};
  for (const metric of METRICS) {
    const rule = toRule(pick(metric, globalThresholds, agentThresholds));
    if (rule) rules[metric] = rule;
  }
  return rules;
}

function pick(
  metric: MetricName,
  globalThresholds: ThresholdsInput | undefined,
  agentThresholds: ThresholdsInput | undefined,
): ThresholdInput | null | undefined {
  const own = agentThresholds?.[metric];
  if (own !== undefined) return own;
  const global = globalThresholds?.[metric];
  return global !== undefined ? global : DEFAULT_THRESHOLDS[metric];
}

/** The long form with defaults applied; undefined when no level is usable. */
export function toRule(input: ThresholdInput | null | undefined): ThresholdRule | undefined {
  if (input == null) return undefined;
  const long = typeof input === "number" ? { warning: input } : input;
  const warning = finite(long.warning);
  const critical = finite(long.critical);
  if (warning === undefined && critical === undefined) return undefined;
  const forCount = finite(long.for);
  const hysteresis = finite(long.hysteresis);
  return {
    warning,
    critical,
    for: forCount === undefined ? 1 : Math.max(1, Math.floor(forCount)),
    hysteresis: hysteresis === undefined ? undefined : Math.max(0, hysteresis),
    per_core: long.per_core === true,
  };
}

/** A rule is usable when it has a level. */
export function isUsable(rule: ThresholdRule | undefined): rule is ThresholdRule {
  return rule !== undefined && (finite(rule.warning) !== undefined || finite(rule.critical) !== undefined);
}

/** The lowest configured level: the one that fires and, minus hysteresis, resolves. */
export function lowestLevel(rule: ThresholdRule): number {
  return rule.warning ?? rule.critical ?? Number.POSITIVE_INFINITY;
}

/** The level below which a value no longer counts as at `level`. */
export function releaseLevel(rule: ThresholdRule, level: number): number {
  const hysteresis = rule.hysteresis ?? Math.abs(level) * DEFAULT_HYSTERESIS_RATIO;
  return level - hysteresis;
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
