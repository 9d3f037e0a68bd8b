/**
 * The tiers of history: raw samples, and rollups of them at 5 minutes, 1 hour and 1 day. A
 * rollup bucket of width w holds the samples with ts in [start, start + w), start =
 * floor(ts / w) · w in epoch ms: epoch ms count from UTC midnight, so 1d buckets start on UTC
 * midnight and 1h buckets on the UTC hour (a host's local day is not a bucket: its length
 * changes with daylight saving time).
 */
export type RollupTierName = "5m" | "1h" | "1d";
export type TierName = "raw" | RollupTierName;

export interface RollupTier {
  readonly name: RollupTierName;
  /** Bucket width, ms. Each width divides the next one's, so a bucket lies in one coarser bucket. */
  readonly widthMs: number;
}

const MINUTE = 60_000;

/** Finest first: each tier is rolled up from the one before it. */
export const ROLLUP_TIERS: readonly RollupTier[] = [
  { name: "5m", widthMs: 5 * MINUTE },
  { name: "1h", widthMs: 60 * MINUTE },
  { name: "1d", widthMs: 24 * 60 * MINUTE },
];

/** Every tier, finest first: the keys of storage.retention. */
export const TIER_NAMES: readonly TierName[] = ["raw", ...ROLLUP_TIERS.map((tier) => tier.name)];

/** The start of the tier's bucket holding time `t` (epoch ms). */
export function bucketStart(tier: RollupTier, t: number): number {
  return Math.floor(t / tier.widthMs) * tier.widthMs;
}
