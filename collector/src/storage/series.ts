import { SERIES_COLUMNS, seriesValue, type Column } from "./columns.js";
import type { PollSample } from "./records.js";

/** What HistoryReader.series reads. */
export interface SeriesQuery {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  /** Only these agents; every agent when undefined. */
  agents?: ReadonlySet<string> | undefined;
  /** Names of series columns (SERIES_COLUMNS); all of them when undefined. */
  columns?: readonly string[] | undefined;
}

/** Consecutive samples of one agent, column by column. */
export interface SeriesBatch {
  agent: string;
  /** Sample times, epoch ms, strictly ascending. */
  t: Float64Array;
  /** One array per column of the query, by name, t.length long; NaN where the value is missing. */
  values: Record<string, Float64Array>;
  /** Usage % per mount, in order of appearance, t.length long; NaN where a sample lacks the mount. */
  disks: Map<string, Float64Array>;
}

/** One sample as a reader takes it off its store: every series column, in SERIES_COLUMNS order. */
export interface SeriesRow {
  agent: string;
  time: number;
  values: ArrayLike<number>;
  mounts: readonly string[];
  percents: ArrayLike<number>;
}

/** The query's columns, checked: a name that is no series column is a caller's bug. */
export function queryColumns(query: SeriesQuery): readonly Column[] {
  if (query.columns === undefined) return SERIES_COLUMNS;
  return query.columns.map((name) => {
    const column = SERIES_COLUMNS.find((c) => c.name === name);
    if (column === undefined) throw new Error(`${name} is not a series column`);
    return column;
  });
}

/** The series row of a whole sample: the reference every store's fast path must agree with. */
export function seriesRowOf(sample: PollSample): SeriesRow {
  const { snapshot } = sample;
  const mounts: string[] = [];
  const percents: number[] = [];
  for (const disk of Array.isArray(snapshot.disks) ? snapshot.disks : []) {
    if (typeof disk?.mount !== "string") continue;
    mounts.push(disk.mount);
    const usage = disk.usage_percent;
    percents.push(typeof usage === "number" && Number.isFinite(usage) ? usage : Number.NaN);
  }
  return {
    agent: sample.agent,
    time: Date.parse(sample.ts),
    values: SERIES_COLUMNS.map((column) => seriesValue(column, snapshot)),
    mounts,
    percents,
  };
}

interface Pending {
  times: number[];
  rows: SeriesRow[];
}

/**
 * Gathers rows as a reader releases them (time order within an agent) into one batch per agent.
 * A row no newer than its agent's previous one, over all batches, is dropped: a replayed
 * duplicate, or a straggler the reader could not put in order.
 */
export class SeriesBatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly lastTimes = new Map<string, number>();
  /** Where each of the query's columns is in a row's values. */
  private readonly indexes: number[];

  constructor(private readonly columns: readonly Column[]) {
    this.indexes = columns.map((column) => SERIES_COLUMNS.indexOf(column));
  }

  add(row: SeriesRow): void {
    const last = this.lastTimes.get(row.agent);
    if (last !== undefined && !(row.time > last)) return;
    this.lastTimes.set(row.agent, row.time);
    let pending = this.pending.get(row.agent);
    if (pending === undefined) {
      pending = { times: [], rows: [] };
      this.pending.set(row.agent, pending);
    }
    pending.times.push(row.time);
    pending.rows.push(row);
  }

  /** The rows added since the last take, a batch per agent. */
  take(): SeriesBatch[] {
    const batches = [...this.pending].map(([agent, pending]) => this.batchOf(agent, pending));
    this.pending.clear();
    return batches;
  }

  private batchOf(agent: string, { times, rows }: Pending): SeriesBatch {
    const n = rows.length;
    const values: Record<string, Float64Array> = {};
    for (const [c, column] of this.columns.entries()) {
      const array = new Float64Array(n);
      const index = this.indexes[c]!;
      for (let i = 0; i < n; i++) array[i] = rows[i]!.values[index] ?? Number.NaN;
      values[column.name] = array;
    }
    const disks = new Map<string, Float64Array>();
    for (let i = 0; i < n; i++) {
      const { mounts, percents } = rows[i]!;
      for (let d = 0; d < mounts.length; d++) {
        let usage = disks.get(mounts[d]!);
        if (usage === undefined) {
          usage = new Float64Array(n).fill(Number.NaN);
          disks.set(mounts[d]!, usage);
        }
        usage[i] = percents[d]!;
      }
    }
    return { agent, t: Float64Array.from(times), values, disks };
  }
}
