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
  /** One point per agent per step of this many ms, aggregated as the catalog says (series-step.ts); every sample when undefined. */
  step?: number | undefined;
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

/**
 * A row's values before any is read: every series column missing. A plain array: a typed array
 * per row cost more than reading the row (allocating one goes through the runtime).
 */
export function missingValues(): number[] {
  return new Array<number>(SERIES_COLUMNS.length).fill(Number.NaN);
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

/** One agent's rows since the last take, column by column, in arrays that double when full. */
class PendingSeries {
  length = 0;
  t: Float64Array;
  columns: Float64Array[];
  readonly disks = new Map<string, Float64Array>();

  constructor(columnCount: number) {
    this.t = new Float64Array(64);
    this.columns = Array.from({ length: columnCount }, () => new Float64Array(64));
  }

  add(row: SeriesRow, indexes: readonly number[]): void {
    const i = this.length;
    if (i === this.t.length) this.grow();
    this.t[i] = row.time;
    for (let c = 0; c < indexes.length; c++) this.columns[c]![i] = row.values[indexes[c]!] ?? Number.NaN;
    const { mounts, percents } = row;
    for (let d = 0; d < mounts.length; d++) {
      let usage = this.disks.get(mounts[d]!);
      if (usage === undefined) {
        usage = new Float64Array(this.t.length).fill(Number.NaN);
        this.disks.set(mounts[d]!, usage);
      }
      usage[i] = percents[d]!;
    }
    // a known mount this row lacks stays NaN: the arrays are filled with NaN where new
    this.length = i + 1;
  }

  /** The rows so far as a batch (copies), then none: the arrays are used again. */
  take(agent: string, columns: readonly Column[]): SeriesBatch {
    const n = this.length;
    const values: Record<string, Float64Array> = {};
    for (const [c, column] of columns.entries()) values[column.name] = this.columns[c]!.slice(0, n);
    const disks = new Map<string, Float64Array>();
    for (const [mount, usage] of this.disks) {
      disks.set(mount, usage.slice(0, n));
      usage.fill(Number.NaN, 0, n);
    }
    this.length = 0;
    return { agent, t: this.t.slice(0, n), values, disks };
  }

  private grow(): void {
    const grown = (array: Float64Array): Float64Array => {
      const bigger = new Float64Array(array.length * 2).fill(Number.NaN);
      bigger.set(array);
      return bigger;
    };
    this.t = grown(this.t);
    this.columns = this.columns.map(grown);
    for (const [mount, usage] of this.disks) this.disks.set(mount, grown(usage));
  }
}

/**
 * Gathers rows as a reader releases them (time order within an agent) into one batch per agent,
 * copied into typed arrays as they come: rows held until the batch is made would outlive the
 * young generation, and collecting them cost a third of a read. A row no newer than its
 * agent's previous one, over all batches, is dropped: a replayed duplicate, or a straggler the
 * reader could not put in order.
 */
export class SeriesBatcher {
  private readonly pending = new Map<string, PendingSeries>();
  /** Rows added since the last take. */
  size = 0;
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
      pending = new PendingSeries(this.columns.length);
      this.pending.set(row.agent, pending);
    }
    pending.add(row, this.indexes);
    this.size++;
  }

  /** The rows added since the last take, a batch per agent. */
  take(): SeriesBatch[] {
    const batches: SeriesBatch[] = [];
    for (const [agent, pending] of this.pending)
      if (pending.length > 0) batches.push(pending.take(agent, this.columns));
    this.size = 0;
    return batches;
  }
}
