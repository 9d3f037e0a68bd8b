export { AlertEvaluator, alertKey, type EvaluatorOptions } from "./evaluator.js";
export { DEFAULT_FOR, DEFAULT_THRESHOLDS, resolveRules, toRule } from "./rules.js";
export { STATE_VERSION, parseEvaluatorState, type EntryState, type EvaluatorState } from "./state.js";
export type {
  Alert,
  AlertMetric,
  AlertNotification,
  MetricName,
  NotificationKind,
  ResolvedRules,
  Severity,
  ThresholdInput,
  ThresholdRule,
  ThresholdsInput,
} from "./types.js";
export { METRICS } from "./types.js";
