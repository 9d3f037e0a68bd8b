import type { Point } from "../model.js";
import { lttbIndices } from "./lttb.js";

export interface ToPointsOptions {
  /** Points to keep in all (about the chart's plot width in pixels). */
  maxPoints: number;
  /** Consecutive samples further apart than this are not joined by a line. */
  gapMs: number;
}

/**
 * The line to draw for one series: runs of present values (no NaN, no gap between samples)
 * each downsampled with LTTB, with a null point between runs so the chart leaves the gap empty.
 */
export function toPoints(t: Float64Array, y: Float64Array, options: ToPointsOptions): Point[] {
  const runs = presentRuns(t, y, options.gapMs);
  const total = runs.reduce((sum, [start, end]) => sum + end - start, 0);
  const points: Point[] = [];
  for (const [start, end] of runs) {
    if (points.length > 0) {
      const previous = points[points.length - 1]!.x;
      points.push({ x: (previous + t[start]!) / 2, y: null });
    }
    const share = total <= options.maxPoints ? end - start : ((end - start) / total) * options.maxPoints;
    for (const i of lttbIndices(t, y, start, end, Math.max(2, Math.round(share)))) {
      points.push({ x: t[i]!, y: y[i]! });
    }
  }
  return points;
}

/** [start, end) index ranges of consecutive non-NaN values with no gap wider than gapMs. */
export function presentRuns(t: Float64Array, y: Float64Array, gapMs: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i < t.length; i++) {
    const present = !Number.isNaN(y[i]!);
    if (start >= 0 && (!present || t[i]! - t[i - 1]! > gapMs)) {
      runs.push([start, i]);
      start = -1;
    }
    if (present && start < 0) start = i;
  }
  if (start >= 0) runs.push([start, t.length]);
  return runs;
}

/**
 * How far apart two samples may be and still be joined: 2.5 times the usual (median) spacing,
 * so a missed poll or two is bridged but an agent that was down leaves a visible gap.
 */
export function gapThresholdMs(t: Float64Array): number {
  if (t.length < 2) return Number.POSITIVE_INFINITY;
  const step = Math.max(1, Math.floor((t.length - 1) / 1000));
  const spacings: number[] = [];
  for (let i = step; i < t.length; i += step) spacings.push(t[i]! - t[i - 1]!);
  spacings.sort((a, b) => a - b);
  return 2.5 * spacings[Math.floor(spacings.length / 2)]!;
}
