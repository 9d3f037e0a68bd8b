import type { Aggregates } from "./aggregates.js";
import { ROLLUP_TIERS, bucketStart } from "./tiers.js";

/** A tier's open bucket: the one holding its agent's newest sample, until it closes. */
export interface OpenBucket {
  start: number;
  aggregates: Aggregates;
}

/**
 * One agent's rollup state (rollup-accumulator.ts has the rules): each tier's open bucket, and
 * what the late window keeps to take late samples exactly.
 */
export class AgentRollups {
  /** The newest sample's time, -Infinity before the first. */
  newest = Number.NEGATIVE_INFINITY;
  /** Samples before it are stale (rule 5); only buckets ending after it are kept. */
  horizon = Number.NEGATIVE_INFINITY;
  /** Per tier (ROLLUP_TIERS order): the bucket holding `newest`, until it closes. */
  readonly open: Array<OpenBucket | undefined> = ROLLUP_TIERS.map(() => undefined);
  /** Per tier: the emitted buckets ending after `horizon`, by start. */
  readonly emitted: Array<Map<number, Aggregates>> = ROLLUP_TIERS.map(() => new Map<number, Aggregates>());
  /** The times counted in each 5m bucket ending after `horizon`, by the bucket's start (rule 4). */
  private readonly times = new Map<number, Set<number>>();

  /** Counts the time `t`; false when it was counted before (a duplicate, rule 4). */
  count(t: number): boolean {
    const start = bucketStart(ROLLUP_TIERS[0]!, t);
    let times = this.times.get(start);
    if (times === undefined) this.times.set(start, (times = new Set()));
    else if (times.has(t)) return false;
    times.add(t);
    return true;
  }

  /** Rule 5: moves the horizon up to `horizon` and drops what ends before it. */
  forget(horizon: number): void {
    if (horizon <= this.horizon) return;
    this.horizon = horizon;
    for (const [i, tier] of ROLLUP_TIERS.entries())
      for (const start of this.emitted[i]!.keys())
        if (start + tier.widthMs <= horizon) this.emitted[i]!.delete(start);
    const width = ROLLUP_TIERS[0]!.widthMs;
    for (const start of this.times.keys()) if (start + width <= horizon) this.times.delete(start);
  }
}
