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

/**
 * Samples in a row a breach must last before it fires, where a threshold sets no `for`.
 *
 * Resource metrics: 3, so a spike that one or two polls see (a build, a backup's first
 * minute, the dashboard's own redraw) is not news; at the quick start's 10 s poll an alert
 * fires after 30 s of breach, at the default 30 s after 90 s. security_issues: 1, because a
 * finding is already a judgement by the agent (failed logins are counted over
 * `security.ssh_window_s`, listeners against a baseline), and a process run from /tmp that
 * exits before a third poll is exactly what must not be missed. The agent's ignore list
 * (`security.ignore_exe`) is where security noise is removed, not a delay here.
 */
export const DEFAULT_FOR: Readonly<Record<MetricName, number>> = Object.freeze({
  cpu_usage: 3,
  cpu_temperature: 3,
  system_load: 3,
  memory_usage: 3,
  swap_usage: 3,
  disk_usage: 3,
  security_issues: 1,
});

/**
 * The default hysteresis: 5% of the level, so 4 points for cpu_usage 80, 3.5 °C for
 * cpu_temperature 70 (more than sensors jitter, 1–2 °C), 0.1 for system_load 2. For load it is
 * less than load_1 moves between two 10 s polls on a busy host (about 0.3 at load 2), but a
 * wider band helps little there: in a simulation of a load sitting right on the level, 0.2
 * instead of 0.1 cut the episodes from 26 to 20 an hour. What removes spikes is `for`
 * (replay.test.ts); a load that sits on its threshold needs another threshold (or per_core).
 */
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
    const rule = toRule(pick(metric, globalThresholds, agentThresholds), DEFAULT_FOR[metric]);
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

/**
 * The long form with defaults applied; undefined when no level is usable. `defaultFor`: the
 * `for` when the input sets none (DEFAULT_FOR of the metric; resolveRules passes it).
 */
export function toRule(input: ThresholdInput | null | undefined, defaultFor = 1): ThresholdRule | undefined {
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
    for: Math.max(1, Math.floor(forCount ?? defaultFor)),
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
