/** The metrics a threshold can be configured for (collector config `thresholds`). */
export const METRICS = [
  "cpu_usage",
  "cpu_temperature",
  "system_load",
  "memory_usage",
  "swap_usage",
  "disk_usage",
  "security_issues",
] as const;
export type MetricName = (typeof METRICS)[number];

/** What an alert is about: a metric, or the agent not answering. */
export type AlertMetric = MetricName | "agent_down";

export type Severity = "warning" | "critical";

/** A threshold as written in the config: a warning level, or the long form. */
export type ThresholdInput =
  | number
  | {
      warning?: number | undefined;
      critical?: number | undefined;
      /** Consecutive breaching samples before firing [DEFAULT_FOR: 3, security_issues 1]. */
      for?: number | undefined;
      /** Absolute; resolve below level − hysteresis [5% of the level]. */
      hysteresis?: number | undefined;
      /** system_load only: compare load_1 / cpu.count [false]. */
      per_core?: boolean | undefined;
    };

/** `thresholds` (global or per agent). null switches a metric off. */
export type ThresholdsInput = Partial<Record<MetricName, ThresholdInput | null | undefined>>;

/** A threshold ready for evaluation: at least one level, `for` ≥ 1. */
export interface ThresholdRule {
  warning?: number | undefined;
  critical?: number | undefined;
  for: number;
  /** Absolute, for both levels; undefined → 5% of each level. */
  hysteresis?: number | undefined;
  per_core: boolean;
}

/** The rules for one agent; a metric without a rule is not evaluated. */
export type ResolvedRules = Partial<Record<MetricName, ThresholdRule>>;

export interface Alert {
  /** Unique per episode: `${key}/${startedAtMs}`. */
  id: string;
  /** agent/metric, or agent/metric/mount for disk_usage (so "web-01/disk_usage//var"). */
  key: string;
  agent: string;
  metric: AlertMetric;
  mount?: string;
  severity: Severity;
  state: "firing" | "resolved";
  /** The latest value seen (agent_down: consecutive failed polls), updated at every sample. */
  value: number;
  /** When `value` was seen (the collector's time of that sample); absent in alerts recorded by older collectors. */
  value_at?: string;
  /** The value of the sample that fired the alert; absent in alerts recorded by older collectors. */
  fired_value?: number;
  /** The level of the current severity (agent_down: failed polls when it went down). */
  threshold: number;
  started_at: string;
  resolved_at: string | null;
  last_notified_at: string;
}

export type NotificationKind = "firing" | "escalated" | "resolved" | "repeat";

export interface AlertNotification {
  kind: NotificationKind;
  alert: Alert;
  /** One line for logs, e-mail subjects and chat. */
  message: string;
}
