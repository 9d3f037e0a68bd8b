import type { Column } from "../columns.js";
import { Aggregates } from "./aggregates.js";
import { AgentRollups } from "./agent-rollups.js";
import type { RollupSample } from "./rollup-sample.js";
import { ROLLUP_TIERS, bucketStart, type RollupTierName } from "./tiers.js";

/** A rollup bucket as the store gives it back. */
export interface StoredBucket {
  tier: RollupTierName;
  start: number;
  aggregates: Aggregates;
}

/** What to read back from the store to resume an agent (RollupAccumulator.resumeFrom). */
export interface ResumeReads {
  /** Raw samples from this time on. */
  raw: number;
  /** Per tier, the stored buckets starting at or after this. */
  buckets: Record<RollupTierName, number>;
}

/**
 * For an agent whose newest stored sample is at `newest`: its raw samples of the late window
 * and of the open 5m bucket, and each tier's buckets of the late window and the finer buckets
 * of the open coarser ones.
 */
export function resumeReads(newest: number, lateWindowMs: number): ResumeReads {
  const windowStart = newest - lateWindowMs;
  const buckets = {} as Record<RollupTierName, number>;
  for (const [i, tier] of ROLLUP_TIERS.entries()) {
    const parent = ROLLUP_TIERS[i + 1];
    const inWindow = bucketStart(tier, windowStart);
    buckets[tier.name] = parent === undefined ? inWindow : Math.min(inWindow, bucketStart(parent, newest));
  }
  return { raw: Math.min(windowStart, bucketStart(ROLLUP_TIERS[0]!, newest)), buckets };
}

/**
 * Rule 6: an agent's state rebuilt from what resumeReads said to read. The open 5m bucket from
 * its raw rows, an open 1h or 1d bucket from the stored buckets of the finer tier in it (an open
 * bucket holds exactly its closed finer buckets), and the late window's times and buckets.
 */
export function resumedRollups(
  columns: readonly Column[],
  samples: Iterable<RollupSample>,
  buckets: Iterable<StoredBucket>,
  lateWindowMs: number,
): AgentRollups {
  const state = new AgentRollups();
  // each time once: the raw rows the open 5m bucket is rebuilt from, deduplicated by count()
  const counted: RollupSample[] = [];
  for (const sample of samples) {
    if (!state.count(sample.t)) continue;
    counted.push(sample);
    if (sample.t > state.newest) state.newest = sample.t;
  }
  for (const bucket of buckets)
    state.emitted[ROLLUP_TIERS.findIndex((tier) => tier.name === bucket.tier)]?.set(
      bucket.start,
      bucket.aggregates,
    );
  if (state.newest === Number.NEGATIVE_INFINITY) return state;
  for (const [i, tier] of ROLLUP_TIERS.entries()) {
    const start = bucketStart(tier, state.newest);
    if (state.emitted[i]!.has(start)) continue;
    const aggregates = new Aggregates(columns);
    if (i === 0) {
      for (const sample of counted)
        if (bucketStart(tier, sample.t) === start) aggregates.addSample(sample.t, sample.values);
    } else {
      for (const [childStart, child] of state.emitted[i - 1]!)
        if (bucketStart(tier, childStart) === start) aggregates.merge(child);
    }
    state.open[i] = { start, aggregates };
  }
  state.forget(state.newest - lateWindowMs);
  return state;
}
