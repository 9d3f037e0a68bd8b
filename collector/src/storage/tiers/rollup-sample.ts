import { valueOf, type Column } from "../columns.js";
import { NULL_CELL, dbl, ubig, uint } from "../mysql/encoding.js";
import type { PollSample } from "../records.js";
import { ROLLUP_COLUMNS } from "./aggregates.js";

/** One sample as the rollups take it: its time and its columns' values, NaN where none. */
export interface RollupSample {
  readonly agent: string;
  /** Epoch ms. */
  readonly t: number;
  /** In the accumulator's column order (ROLLUP_COLUMNS unless it was given others). */
  readonly values: ArrayLike<number>;
}

/**
 * A stored sample's values as its rows hold them: through the same encoders as the samples
 * table (an INT column's value rounded, a negative count NULL, ...), so that a rollup equals the
 * aggregation of the raw rows a reader gets back. Undefined for a ts that is no time (the store
 * cannot keep that sample either).
 */
export function rollupSampleOf(
  sample: PollSample,
  columns: readonly Column[] = ROLLUP_COLUMNS,
): RollupSample | undefined {
  const t = Date.parse(sample.ts);
  if (!Number.isFinite(t)) return undefined;
  const values = new Float64Array(columns.length);
  for (const [c, column] of columns.entries())
    values[c] = storedNumber(column, valueOf(column, sample.snapshot));
  return { agent: sample.agent, t, values };
}

function storedNumber(column: Column, value: unknown): number {
  const cell =
    column.sql === "DOUBLE" ? dbl(value) : column.sql === "INT UNSIGNED" ? uint(value) : ubig(value);
  return cell === NULL_CELL ? Number.NaN : Number(cell);
}
