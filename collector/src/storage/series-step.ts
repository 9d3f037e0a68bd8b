import { SERIES_COLUMNS, type Column } from "./columns.js";
import { Aggregates } from "./tiers/aggregates.js";
import { SeriesBatcher, missingValues, type SeriesBatch } from "./series.js";

/**
 * A series read with a step (SeriesQuery.step): one point per agent per bucket
 * [k·step, (k+1)·step), at the bucket's start, each column aggregated as the catalog says
 * (avg, max, last, sum over the bucket's values that are there; NaN when none is) and each
 * mount's usage by its highest (a disk's worst moment is what a long-range look wants). Done
 * here on the batches either backend reads, so both give the same points; the tiers of stored
 * rollups (issue 15) will answer long ranges without reading raw samples at all.
 */
export async function* stepped(
  batches: AsyncIterable<SeriesBatch>,
  step: number,
  columns: readonly Column[],
): AsyncGenerator<SeriesBatch> {
  if (!(step > 0) || !Number.isFinite(step))
    throw new Error(`a series step must be a positive number of ms, not ${step}`);
  const out = new SeriesBatcher(columns);
  const open = new Map<string, Bucket>();
  for await (const batch of batches) {
    let bucket = open.get(batch.agent);
    for (let i = 0; i < batch.t.length; i++) {
      const start = Math.floor(batch.t[i]! / step) * step;
      if (bucket?.start !== start) {
        if (bucket !== undefined) bucket.addTo(out);
        bucket = new Bucket(batch.agent, start, columns);
        open.set(batch.agent, bucket);
      }
      bucket.add(batch, i);
    }
    if (out.size > 0) yield* out.take();
  }
  for (const bucket of open.values()) bucket.addTo(out);
  yield* out.take();
}

/** One agent's samples in one step, aggregated as they come (the tiers' Aggregates). */
class Bucket {
  private readonly aggregates: Aggregates;
  /** One sample's values in `columns` order, reused from sample to sample. */
  private readonly row: Float64Array;
  private readonly disks = new Map<string, number>();

  constructor(
    readonly agent: string,
    readonly start: number,
    private readonly columns: readonly Column[],
  ) {
    this.aggregates = new Aggregates(columns);
    this.row = new Float64Array(columns.length);
  }

  add(batch: SeriesBatch, i: number): void {
    for (const [c, column] of this.columns.entries())
      this.row[c] = batch.values[column.name]?.[i] ?? Number.NaN;
    this.aggregates.addSample(batch.t[i]!, this.row);
    for (const [mount, usage] of batch.disks) {
      const value = usage[i]!;
      if (Number.isNaN(value)) continue;
      const high = this.disks.get(mount);
      if (high === undefined || value > high) this.disks.set(mount, value);
    }
  }

  addTo(out: SeriesBatcher): void {
    const values = missingValues();
    for (const [c, column] of this.columns.entries())
      values[SERIES_COLUMNS.indexOf(column)] = this.aggregates.value(c);
    out.add({
      agent: this.agent,
      time: this.start,
      values,
      mounts: [...this.disks.keys()],
      percents: [...this.disks.values()],
    });
  }
}
