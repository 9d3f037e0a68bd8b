import type { Point } from "../model.js";

/** Buckets of a range: `count` equal slices from `from`. */
export interface Buckets {
  from: number;
  width: number;
  count: number;
}

/**
 * Buckets for a band or bucketed lines: about `maxBuckets`, but no narrower than two sample
 * spacings, or every other bucket would be empty and look like a gap.
 */
export function bucketsFor(from: number, to: number, spacingMs: number, maxBuckets: number): Buckets {
  const span = Math.max(to - from, 1);
  const count = Math.max(1, Math.min(Math.round(maxBuckets), Math.floor(span / (2 * spacingMs))));
  return { from, width: span / count, count };
}

const bucketX = (buckets: Buckets, b: number): number => buckets.from + (b + 0.5) * buckets.width;

export const bucketCentres = (buckets: Buckets): Float64Array =>
  Float64Array.from({ length: buckets.count }, (_, b) => bucketX(buckets, b));

/** Per bucket, the lowest of `low` and the highest of `high` (NaN where the bucket is empty). */
export function bucketEnvelope(
  t: Float64Array,
  low: Float64Array,
  high: Float64Array,
  buckets: Buckets,
): { low: Float64Array; high: Float64Array } {
  const lo = new Float64Array(buckets.count).fill(Number.NaN);
  const hi = new Float64Array(buckets.count).fill(Number.NaN);
  for (let i = 0; i < t.length; i++) {
    const b = Math.floor((t[i]! - buckets.from) / buckets.width);
    if (b < 0 || b >= buckets.count || Number.isNaN(low[i]!) || Number.isNaN(high[i]!)) continue;
    if (!(low[i]! >= lo[b]!)) lo[b] = low[i]!;
    if (!(high[i]! <= hi[b]!)) hi[b] = high[i]!;
  }
  return { low: lo, high: hi };
}

/** The mean of y in each bucket, NaN where the bucket has no value. */
export function bucketMeans(t: Float64Array, y: Float64Array, buckets: Buckets): Float64Array {
  const sum = new Float64Array(buckets.count);
  const count = new Uint32Array(buckets.count);
  for (let i = 0; i < t.length; i++) {
    const b = Math.floor((t[i]! - buckets.from) / buckets.width);
    if (b < 0 || b >= buckets.count || Number.isNaN(y[i]!)) continue;
    sum[b]! += y[i]!;
    count[b]!++;
  }
  return sum.map((total, b) => (count[b]! > 0 ? total / count[b]! : Number.NaN));
}

/** Points at the bucket centres, null (a break) for each run of empty buckets. */
export function bucketPoints(values: ArrayLike<number>, buckets: Buckets): Point[] {
  const points: Point[] = [];
  for (let b = 0; b < buckets.count; b++) {
    const y = values[b]!;
    if (!Number.isNaN(y)) points.push({ x: bucketX(buckets, b), y });
    else if (points.length > 0 && points.at(-1)!.y !== null) points.push({ x: bucketX(buckets, b), y: null });
  }
  return points;
}
