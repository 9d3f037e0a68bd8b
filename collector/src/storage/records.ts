import type { NormalisedSnapshot } from "../polling/normalise/normalised-snapshot.js";
import type { AlertNotification } from "../alerts/evaluator/types.js";

/** One successful poll of one agent. (agent, ts) is its identity: replays never duplicate it. */
export interface PollSample {
  agent: string;
  /** When the poll started, ISO 8601 UTC with milliseconds (the collector's clock). */
  ts: string;
  duration_ms: number;
  /** The agent's answer, normalised to the contract's types (see polling/normalise/normalise-snapshot.ts). */
  snapshot: NormalisedSnapshot;
}

export type PollEventKind = "poll_error" | "down" | "up";

/** A failed poll, or an agent's change of state. */
export interface PollEvent {
  agent: string;
  ts: string;
  kind: PollEventKind;
  /** "timeout", "refused", "fault N: ...", "bad response: ...", ... ; null for "up". */
  error: string | null;
  consecutive_failures: number;
  duration_ms: number;
}

export interface TimeRange {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  /** Only this agent when set. */
  agent?: string | undefined;
}

/** One alert state change (firing, escalated, resolved, repeat) for the alert history. */
export interface AlertRecord extends AlertNotification {
  /** When the collector decided it, ISO 8601 UTC. */
  ts: string;
}
