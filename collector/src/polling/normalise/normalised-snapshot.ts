import type { AgentInfo, FamilyStatus, MetricsSnapshot } from "../../../../common/src/contract/protocol.js";

/**
 * A value as the normaliser may hand it on: every struct field may be missing, at any depth.
 * Our agent sends every field, but any XML-RPC agent can be polled, and the normaliser drops a
 * field of the wrong type rather than the whole family (see normalise-snapshot.ts). Code that
 * formats or stores a sample takes this type, so the compiler refuses a `disk.usage_percent.toFixed()`
 * that would throw for one agent's odd answer and fail a whole batch for everyone.
 */
export type Received<T> =
  T extends ReadonlyArray<infer E>
    ? Array<Received<E>>
    : T extends object
      ? { [K in keyof T]?: Received<T[K]> }
      : T;

/** A sample's snapshot after normalisation: the three top-level members are always there. */
export type NormalisedSnapshot = Received<
  Omit<MetricsSnapshot, "timestamp" | "agent" | "collector_status">
> & {
  timestamp: string;
  agent: Received<AgentInfo> & { name: string };
  collector_status: Array<Received<FamilyStatus>>;
};
