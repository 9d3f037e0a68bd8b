import { createHash } from "node:crypto";

function score(agentName: string, collectorIndex: number): bigint {
  return createHash("sha256").update(`${agentName}\0${collectorIndex}`).digest().readBigUInt64BE(0);
}

/**
 * Rendezvous (highest random weight) hashing: the collector with the highest score for an
 * agent owns it, so adding or removing a collector moves only that collector's share.
 */
export function ownerOf(agentName: string, count: number): number {
  let best = 0;
  let bestScore = -1n;
  for (let index = 0; index < count; index++) {
    const s = score(agentName, index);
    if (s > bestScore) {
      best = index;
      bestScore = s;
    }
  }
  return best;
}

export function shareOf<T extends { name: string }>(
  agents: ReadonlyArray<T>,
  shard: { index: number; count: number },
): T[] {
  if (shard.count === 1) return [...agents];
  return agents.filter((agent) => ownerOf(agent.name, shard.count) === shard.index);
}

/** A stable offset in [0, intervalMs) per agent, so polls spread over the interval. */
export function pollOffsetMs(agentName: string, intervalMs: number): number {
  const hash = createHash("sha256").update(agentName).digest().readUInt32BE(0);
  return hash % Math.max(1, Math.floor(intervalMs));
}
