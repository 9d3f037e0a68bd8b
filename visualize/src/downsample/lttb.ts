/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013) over xs[start, end): the indices of at
 * most `threshold` points that keep the visual shape of the line. The first and last points
 * are always kept.
 */
export function lttbIndices(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  start: number,
  end: number,
  threshold: number,
): number[] {
  const length = end - start;
  if (threshold >= length || threshold < 3) {
    if (threshold >= length) return range(start, end);
    return length === 1 ? [start] : [start, end - 1];
  }
  const picked = [start];
  const bucketSize = (length - 2) / (threshold - 2);
  let a = start;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    // the average of the next bucket is the third corner of the triangle
    const nextFrom = start + Math.floor((bucket + 1) * bucketSize) + 1;
    const nextTo = Math.min(start + Math.floor((bucket + 2) * bucketSize) + 1, end);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextFrom; i < nextTo; i++) {
      avgX += xs[i]!;
      avgY += ys[i]!;
    }
    const nextCount = nextTo - nextFrom;
    avgX /= nextCount;
    avgY /= nextCount;

    const from = start + Math.floor(bucket * bucketSize) + 1;
    const to = start + Math.floor((bucket + 1) * bucketSize) + 1;
    const ax = xs[a]!;
    const ay = ys[a]!;
    let maxArea = -1;
    let chosen = from;
    for (let i = from; i < to; i++) {
      const area = Math.abs((ax - avgX) * (ys[i]! - ay) - (ax - xs[i]!) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        chosen = i;
      }
    }
    picked.push(chosen);
    a = chosen;
  }
  picked.push(end - 1);
  return picked;
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}
