// A series read gathered per agent, for comparing reads with what was written (not a test itself).
import type { HistoryReader, SeriesBatch, SeriesQuery } from "../../src/storage/index.js";

/** Per agent: each sample's time, its values by column, its disks' usage by mount (NaN where absent). */
export type SeriesRead = Map<
  string,
  { t: number[]; values: Record<string, number[]>; disks: Map<string, number[]> }
>;

/** Appends a batch to its agent's read, padding mounts the batch lacks (and new ones before it) with NaN. */
export function addBatch(out: SeriesRead, batch: SeriesBatch): void {
  let series = out.get(batch.agent);
  if (series === undefined) {
    series = { t: [], values: {}, disks: new Map() };
    out.set(batch.agent, series);
  }
  const before = series.t.length;
  series.t.push(...batch.t);
  for (const [name, values] of Object.entries(batch.values))
    (series.values[name] ??= Array<number>(before).fill(Number.NaN)).push(...values);
  for (const [mount, usage] of batch.disks) {
    const column = series.disks.get(mount) ?? Array<number>(before).fill(Number.NaN);
    while (column.length < before) column.push(Number.NaN);
    column.push(...usage);
    series.disks.set(mount, column);
  }
  for (const column of series.disks.values()) while (column.length < series.t.length) column.push(Number.NaN);
}

/** The whole read of a query, gathered. */
export async function readSeries(reader: HistoryReader, query: SeriesQuery): Promise<SeriesRead> {
  const out: SeriesRead = new Map();
  for await (const batch of reader.series(query)) addBatch(out, batch);
  return out;
}
