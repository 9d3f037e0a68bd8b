import { SAMPLE_SCALARS, type Column } from "../columns.js";

/** The catalog's numeric columns: the ones rolled up (security_status is text: its issue count is rolled up). */
export const ROLLUP_COLUMNS: readonly Column[] = SAMPLE_SCALARS.filter(
  (column) => column.sql !== "VARCHAR(16)",
);

/**
 * What a bucket knows of each column's values, in a form that merges exactly: two buckets'
 * aggregates merged equal the aggregates of all their samples together (sums up to the order of
 * float additions). Per column: how many values there were (nulls are not values), their sum,
 * min, max, and the newest one with its time (`last` is by time, not by arrival).
 * Immutable once emitted by the accumulator: a correction is a new object.
 */
export class Aggregates {
  /** Samples counted, with or without values. */
  samples = 0;
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly last: Float64Array;
  /** The time of `last`, epoch ms; -Infinity when the column has no value. */
  readonly lastAt: Float64Array;

  constructor(readonly columns: readonly Column[]) {
    const n = columns.length;
    // one buffer for the six: a buffer each cost 25 % more memory (measured: 13.2 against 10.6 KiB an agent)
    const all = new Float64Array(6 * n);
    this.count = all.subarray(0, n);
    this.sum = all.subarray(n, 2 * n);
    this.min = all.subarray(2 * n, 3 * n).fill(Number.POSITIVE_INFINITY);
    this.max = all.subarray(3 * n, 4 * n).fill(Number.NEGATIVE_INFINITY);
    this.last = all.subarray(4 * n, 5 * n).fill(Number.NaN);
    this.lastAt = all.subarray(5 * n).fill(Number.NEGATIVE_INFINITY);
  }

  /** One sample at time `t`: its values in `columns` order, NaN where there is none. */
  addSample(t: number, values: ArrayLike<number>): void {
    this.samples++;
    for (let c = 0; c < this.columns.length; c++) {
      const value = values[c] ?? Number.NaN;
      if (Number.isNaN(value)) continue;
      this.count[c]!++;
      this.sum[c]! += value;
      if (value < this.min[c]!) this.min[c] = value;
      if (value > this.max[c]!) this.max[c] = value;
      if (t > this.lastAt[c]!) {
        this.last[c] = value;
        this.lastAt[c] = t;
      }
    }
  }

  /** Adds another bucket's aggregates (of other samples) into these. */
  merge(other: Aggregates): void {
    this.samples += other.samples;
    for (let c = 0; c < this.columns.length; c++) {
      if (other.count[c] === 0) continue;
      this.count[c]! += other.count[c]!;
      this.sum[c]! += other.sum[c]!;
      if (other.min[c]! < this.min[c]!) this.min[c] = other.min[c]!;
      if (other.max[c]! > this.max[c]!) this.max[c] = other.max[c]!;
      if (other.lastAt[c]! > this.lastAt[c]!) {
        this.last[c] = other.last[c]!;
        this.lastAt[c] = other.lastAt[c]!;
      }
    }
  }

  copy(): Aggregates {
    const out = new Aggregates(this.columns);
    out.merge(this);
    return out;
  }

  /** The column's rolled-up value as the catalog's aggregation says; NaN when it had no value. */
  value(c: number): number {
    if (this.count[c] === 0) return Number.NaN;
    switch (this.columns[c]!.aggregate) {
      case "avg":
        return this.sum[c]! / this.count[c]!;
      case "max":
        return this.max[c]!;
      case "last":
        return this.last[c]!;
      case "sum":
        return this.sum[c]!;
    }
  }

  /** The lowest value, NaN when none. */
  low(c: number): number {
    return this.count[c] === 0 ? Number.NaN : this.min[c]!;
  }

  /** The highest value, NaN when none. */
  high(c: number): number {
    return this.count[c] === 0 ? Number.NaN : this.max[c]!;
  }
}
