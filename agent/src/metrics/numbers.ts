export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Clamps to [0, 100]; NaN (e.g. 0/0) becomes 0. */
export function clampPercent(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value > 100 ? 100 : value;
}

/** Difference of two monotonic counters; a counter that went backwards (wrap, reset) gives 0. */
export function counterDelta(current: number, previous: number): number {
  const delta = current - previous;
  return delta > 0 ? delta : 0;
}
