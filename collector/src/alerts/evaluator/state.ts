import * as v from "valibot";
import { METRICS } from "./types.js";
import type { Alert, AlertMetric, Severity } from "./types.js";

export const STATE_VERSION = 1;

/** What is known about one alert key: its `for` progress and its firing alert, if any. */
export interface EntryState {
  key: string;
  agent: string;
  metric: AlertMetric;
  mount: string | null;
  /** Consecutive samples at or above the lowest level. */
  streak: number;
  /** Consecutive samples at or above the critical level. */
  critical_streak: number;
  /** ISO time of the first sample of the current streak (the alert's started_at). */
  pending_since: string | null;
  /** The severity last announced (firing, escalated, repeat) for the firing alert. */
  notified_severity: Severity | null;
  /** Context of the latest value for messages ("status critical"). */
  detail: string | null;
  /** The firing alert; null while ok or pending. */
  alert: Alert | null;
}

/** The evaluator's memory, plain JSON: persist it and hand it back after a restart. */
export interface EvaluatorState {
  version: typeof STATE_VERSION;
  /** Entries that are pending or firing, sorted by key. */
  entries: EntryState[];
  /** Agents that went down and have not delivered a sample since: their metric alerts are held. */
  held_agents: string[];
}

export function emptyState(): EvaluatorState {
  return { version: STATE_VERSION, entries: [], held_agents: [] };
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const iso = v.pipe(v.string(), v.isoTimestamp());
const severity = v.picklist(["warning", "critical"]);
const metric = v.picklist([...METRICS, "agent_down"]);

const alertSchema = v.object({
  id: v.string(),
  key: v.string(),
  agent: v.string(),
  metric,
  mount: v.optional(v.string()),
  severity,
  state: v.literal("firing"),
  value: v.number(),
  value_at: v.optional(iso),
  fired_value: v.optional(v.number()),
  threshold: v.number(),
  started_at: iso,
  resolved_at: v.null(),
  last_notified_at: iso,
});

const stateSchema = v.object({
  version: v.literal(STATE_VERSION),
  entries: v.array(
    v.object({
      key: v.string(),
      agent: v.string(),
      metric,
      mount: v.nullable(v.string()),
      streak: count,
      critical_streak: count,
      pending_since: v.nullable(iso),
      notified_severity: v.nullable(severity),
      detail: v.nullable(v.string()),
      alert: v.nullable(alertSchema),
    }),
  ),
  held_agents: v.array(v.string()),
});

/**
 * Checks a persisted state (JSON.parse of exportState()). Throws an Error naming the first
 * problem when it is not a state this version understands; the caller decides whether to
 * start afresh.
 */
export function parseEvaluatorState(input: unknown): EvaluatorState {
  if (typeof input === "object" && input !== null && "version" in input && input.version !== STATE_VERSION) {
    throw new Error(`alert state: unsupported version ${JSON.stringify(input.version)}`);
  }
  const result = v.safeParse(stateSchema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((item) => String(item.key)).join(".") ?? "";
    throw new Error(`alert state: ${path ? `${path}: ` : ""}${issue.message}`);
  }
  return result.output;
}
