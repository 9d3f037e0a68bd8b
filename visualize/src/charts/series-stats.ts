/** The newest non-NaN value, undefined when there is none. */
export function lastPresent(y: ArrayLike<number>): number | undefined {
  for (let i = y.length - 1; i >= 0; i--) if (!Number.isNaN(y[i]!)) return y[i]!;
  return undefined;
}

/** The largest non-NaN value, undefined when there is none. */
export function maxPresent(y: ArrayLike<number>): number | undefined {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < y.length; i++) if (y[i]! > max) max = y[i]!;
  return max === Number.NEGATIVE_INFINITY ? undefined : max;
}

export function hasPresent(y: ArrayLike<number>): boolean {
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) return true;
  return false;
}

/** Per sample, the fullest mount's usage (NaN where no mount reported). */
export function worstDisk(disks: Map<string, Float64Array>, length: number): Float64Array {
  const worst = new Float64Array(length).fill(Number.NaN);
  for (const usage of disks.values()) {
    for (let i = 0; i < length; i++) {
      const value = usage[i]!;
      if (value > worst[i]! || (Number.isNaN(worst[i]!) && !Number.isNaN(value))) worst[i] = value;
    }
  }
  return worst;
}
