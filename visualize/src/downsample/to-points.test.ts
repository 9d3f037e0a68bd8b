import { describe, expect, it } from "vitest";
import { lttbIndices } from "./lttb.js";
import { gapThresholdMs, presentRuns, toPoints } from "./to-points.js";

const series = (values: number[], stepMs = 10_000): { t: Float64Array; y: Float64Array } => ({
  t: Float64Array.from(values, (_, i) => i * stepMs),
  y: Float64Array.from(values),
});

describe("lttbIndices", () => {
  it("keeps every point when there are fewer than asked", () => {
    const { t, y } = series([1, 2, 3]);
    expect(lttbIndices(t, y, 0, 3, 10)).toEqual([0, 1, 2]);
  });

  it("keeps the first, the last and a lone spike", () => {
    const values = Array.from({ length: 10_000 }, () => 5);
    values[4321] = 95;
    const { t, y } = series(values);
    const kept = lttbIndices(t, y, 0, values.length, 100);
    expect(kept).toHaveLength(100);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(9999);
    expect(kept).toContain(4321);
  });

  it("returns indices in ascending order", () => {
    const { t, y } = series(Array.from({ length: 5000 }, (_, i) => Math.sin(i / 50)));
    const kept = lttbIndices(t, y, 0, 5000, 300);
    expect(kept.every((index, i) => i === 0 || index > kept[i - 1]!)).toBe(true);
  });
});

describe("toPoints", () => {
  it("breaks the line at a gap wider than gapMs", () => {
    const t = Float64Array.from([0, 10, 20, 500, 510]);
    const y = Float64Array.from([1, 2, 3, 4, 5]);
    const points = toPoints(t, y, { maxPoints: 100, gapMs: 25 });
    expect(points.map((p) => p.y)).toEqual([1, 2, 3, null, 4, 5]);
    expect(points[3]!.x).toBeGreaterThan(20);
    expect(points[3]!.x).toBeLessThan(500);
  });

  it("breaks the line at missing values and drops them", () => {
    const { t, y } = series([1, Number.NaN, Number.NaN, 4, 5]);
    expect(toPoints(t, y, { maxPoints: 100, gapMs: 25_000 }).map((p) => p.y)).toEqual([1, null, 4, 5]);
  });

  it("returns no points for an all-missing series", () => {
    const { t, y } = series([Number.NaN, Number.NaN]);
    expect(toPoints(t, y, { maxPoints: 100, gapMs: 25_000 })).toEqual([]);
  });

  it("keeps a month at 10 s near the requested point count, spikes included", () => {
    const n = 30 * 8640;
    const values = Array.from({ length: n }, (_, i) => 20 + 5 * Math.sin(i / 1000));
    values[123_456] = 100;
    const { t, y } = series(values);
    const points = toPoints(t, y, { maxPoints: 800, gapMs: 25_000 });
    expect(points.length).toBeLessThanOrEqual(802);
    expect(points.length).toBeGreaterThan(700);
    expect(Math.max(...points.map((p) => p.y ?? 0))).toBe(100);
  });
});

describe("presentRuns and gapThresholdMs", () => {
  it("finds runs of present values", () => {
    const { t, y } = series([Number.NaN, 1, 2, Number.NaN, 3]);
    expect(presentRuns(t, y, 25_000)).toEqual([
      [1, 3],
      [4, 5],
    ]);
  });

  it("bridges a missed poll but not a long outage", () => {
    const t = Float64Array.from([0, 10, 20, 40, 50, 60, 600, 610]).map((s) => s * 1000);
    const gap = gapThresholdMs(t);
    expect(gap).toBe(25_000);
    expect(presentRuns(t, new Float64Array(t.length), gap)).toEqual([
      [0, 6],
      [6, 8],
    ]);
  });

  it("never breaks a single sample", () => {
    expect(gapThresholdMs(Float64Array.of(5))).toBe(Number.POSITIVE_INFINITY);
  });
});
