import type { AgentInfo, MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import type { XmlRpcValue } from "../../../../common/src/xmlrpc/index.js";
import { PollError } from "../client/poll-error.js";
import { SNAPSHOT_SPEC } from "./contract-spec.js";
import { isStruct } from "../../../../common/src/xmlrpc/index.js";
import { DEFAULT_NORMALISE_LIMITS, normaliseStruct } from "./normalise-value.js";
import type { NormaliseLimits } from "./normalise-value.js";

export interface NormaliseContext {
  /** The agent's name in the collector's config. */
  agent: string;
  receivedAt: Date;
  /** How many entries of each array are kept (config `max_list_items`). Default DEFAULT_NORMALISE_LIMITS. */
  limits?: NormaliseLimits;
}

/**
 * Whatever an agent's get_metrics sent, in the contract's shape (README "get_metrics contract"): unknown keys
 * dropped, families that are missing or not a struct left out, bad array elements dropped.
 * Our agent's answer passes unchanged.
 *
 * A field inside a family that is missing or of the wrong type is left out rather than
 * dropping the whole family (a home-made agent without steal_percent still reports CPU
 * usage), so for answers from other agents a field the type declares may be undefined.
 * Every array is cut to `context.limits` (the most important entries kept, see ranks.ts), and
 * its `*_count` field, when the agent sent none, gets the length before the cut.
 *
 * Only an answer that is not a struct at all throws (PollError "bad_response").
 */
export function normaliseSnapshot(value: XmlRpcValue, context: NormaliseContext): MetricsSnapshot {
  if (!isStruct(value)) {
    throw new PollError(
      "bad_response",
      `bad response: get_metrics returned ${describe(value)}, not a struct`,
    );
  }
  const known = (normaliseStruct(SNAPSHOT_SPEC, value, context.limits ?? DEFAULT_NORMALISE_LIMITS) ??
    {}) as Partial<MetricsSnapshot>;
  const { timestamp, agent, collector_status, ...families } = known;
  const agentDefaults = {
    name: context.agent,
    hostname: "",
    version: "",
    platform: "",
    os: "",
    kernel: "",
    arch: "",
    boot_time: "",
  };
  return {
    timestamp: timestamp ?? context.receivedAt.toISOString(),
    agent: { ...agentDefaults, ...agent } as AgentInfo,
    ...families,
    collector_status: collector_status ?? [],
  };
}

function describe(value: XmlRpcValue): string {
  if (value === null) return "nil";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (Buffer.isBuffer(value)) return "base64 data";
  return `a ${typeof value}`;
}
