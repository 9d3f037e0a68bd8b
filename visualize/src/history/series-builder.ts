import { SERIES_COLUMNS, type SeriesBatch } from "../../../collector/src/storage/index.js";
import type { AgentSeries } from "../model.js";

/**
 * Accumulates one agent's series batches, oldest first, into an AgentSeries: typed arrays that
 * double when full. A batch's samples not newer than the newest so far are dropped (a part read
 * in parallel may overlap the one before).
 */
export class SeriesBuilder {
  private length = 0;
  private t: Float64Array;
  private readonly values: Record<string, Float64Array> = {};
  /** Usage per mount, in order of first appearance; NaN before a mount appeared. */
  private readonly disks = new Map<string, Float64Array>();

  constructor(
    readonly agent: string,
    initialCapacity = 1024,
  ) {
    const capacity = Math.max(1, Math.ceil(initialCapacity));
    this.t = new Float64Array(capacity);
    for (const column of SERIES_COLUMNS)
      this.values[column.name] = new Float64Array(capacity).fill(Number.NaN);
  }

  /** Samples so far. */
  get size(): number {
    return this.length;
  }

  /** Epoch ms of the newest sample, undefined before the first. */
  get lastTime(): number | undefined {
    return this.length === 0 ? undefined : this.t[this.length - 1];
  }

  /** Appends a batch of this agent; gives the number of its samples kept. */
  add(batch: SeriesBatch): number {
    const last = this.lastTime ?? Number.NEGATIVE_INFINITY;
    let from = 0;
    while (from < batch.t.length && !(batch.t[from]! > last)) from++;
    const count = batch.t.length - from;
    if (count === 0) return 0;
    const at = this.length;
    while (at + count > this.t.length) this.grow();
    this.t.set(batch.t.subarray(from), at);
    for (const [name, values] of Object.entries(batch.values))
      this.values[name]?.set(values.subarray(from), at);
    for (const [mount, usage] of batch.disks) {
      let column = this.disks.get(mount);
      if (column === undefined) {
        column = new Float64Array(this.t.length).fill(Number.NaN);
        this.disks.set(mount, column);
      }
      column.set(usage.subarray(from), at);
    }
    this.length = at + count;
    return count;
  }

  /** The series so far, trimmed to its length (the builder can go on). */
  build(): AgentSeries {
    const n = this.length;
    const trim = (column: Float64Array): Float64Array => column.slice(0, n);
    const values = Object.fromEntries(
      Object.entries(this.values).map(([name, column]) => [name, trim(column)]),
    );
    const counts = values.cpu_count!;
    let cpuCount: number | undefined;
    for (let i = n - 1; i >= 0 && cpuCount === undefined; i--)
      if (!Number.isNaN(counts[i])) cpuCount = counts[i];
    return {
      agent: this.agent,
      t: trim(this.t),
      values,
      disks: new Map([...this.disks].map(([mount, usage]) => [mount, trim(usage)])),
      latest: undefined,
      cpuCount,
    };
  }

  private grow(): void {
    const grown = (column: Float64Array): Float64Array => {
      const bigger = new Float64Array(column.length * 2).fill(Number.NaN);
      bigger.set(column);
      return bigger;
    };
    this.t = grown(this.t);
    for (const name of Object.keys(this.values)) this.values[name] = grown(this.values[name]!);
    for (const [mount, usage] of this.disks) this.disks.set(mount, grown(usage));
  }
}

/** A SeriesBuilder per agent, made when the agent first appears. */
export class SeriesBuilders {
  private readonly builders = new Map<string, SeriesBuilder>();

  constructor(private readonly capacity: number) {}

  /** Adds the batch to its agent's series; gives the number of samples kept. */
  add(batch: SeriesBatch): number {
    let builder = this.builders.get(batch.agent);
    if (builder === undefined) {
      builder = new SeriesBuilder(batch.agent, this.capacity);
      this.builders.set(batch.agent, builder);
    }
    return builder.add(batch);
  }

  build(): Map<string, AgentSeries> {
    return new Map([...this.builders].map(([agent, builder]) => [agent, builder.build()]));
  }
}
