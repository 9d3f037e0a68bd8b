// The history's tiers: their buckets, the rollup accumulator the writes will feed (issue 15).
export { Aggregates, ROLLUP_COLUMNS } from "./aggregates.js";
export { RollupAccumulator } from "./rollup-accumulator.js";
export type { EmittedBucket, RollupAccumulatorOptions, RollupOutput } from "./rollup-accumulator.js";
export { rollupSampleOf } from "./rollup-sample.js";
export type { RollupSample } from "./rollup-sample.js";
export { ROLLUP_TIERS, TIER_NAMES, bucketStart } from "./tiers.js";
export type { RollupTier, RollupTierName, TierName } from "./tiers.js";
