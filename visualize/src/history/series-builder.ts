import type { NormalisedSnapshot } from "../../../collector/src/polling/normalise/normalised-snapshot.js";
import {
  emptyFigures,
  readFigures,
  type FigureValues,
  type SampleFigures,
  type PollSample,
} from "../../../collector/src/storage/index.js";
import type { AgentSeries } from "../model.js";

/** The value columns of an AgentSeries (besides t and disks). */
export const COLUMNS = [
  "cpu",
  "cpuCoreMin",
  "cpuCoreMax",
  "temperature",
  "load1",
  "load5",
  "load15",
  "memory",
  "swap",
  "rxBytesPerS",
  "txBytesPerS",
  "securityIssues",
  "sshFailed",
] as const;
export type Column = (typeof COLUMNS)[number];

/**
 * Accumulates one agent's samples, oldest first, into an AgentSeries: typed arrays that double
 * when full, NaN for what a sample lacks. A sample not newer than the previous one (a duplicate)
 * is ignored. Takes whole samples or the figures a reader took off its stored lines.
 */
export class SeriesBuilder {
  private length = 0;
  private t: Float64Array;
  private readonly columns: Record<Column, Float64Array>;
  /** Usage per mount, in order of first appearance; NaN before a mount appeared. */
  private readonly disks = new Map<string, Float64Array>();
  /** The previous sample's mounts and their columns: most samples list the same mounts. */
  private lastMounts: string[] = [];
  private lastMountColumns: Float64Array[] = [];
  private cpuCount: number | undefined;
  private newestSample: PollSample | undefined;
  private newestFigures: SampleFigures | undefined;
  /** Reused for every whole sample added. */
  private readonly scratch: FigureValues = emptyFigures();

  constructor(
    readonly agent: string,
    initialCapacity = 1024,
  ) {
    const capacity = Math.max(1, Math.ceil(initialCapacity));
    this.t = new Float64Array(capacity);
    this.columns = Object.fromEntries(COLUMNS.map((name) => [name, new Float64Array(capacity)])) as Record<
      Column,
      Float64Array
    >;
  }

  /** Samples so far. */
  get size(): number {
    return this.length;
  }

  /** Epoch ms of the newest sample, undefined before the first. */
  get lastTime(): number | undefined {
    return this.length === 0 ? undefined : this.t[this.length - 1];
  }

  /** Adds a sample; false when it was ignored (not newer than the previous one, or without a time). */
  add(sample: PollSample): boolean {
    if (!this.append(readFigures(sample, this.scratch))) return false;
    this.newestSample = sample;
    this.newestFigures = undefined;
    return true;
  }

  /** add() for a sample's figures; the newest one's sample() gives the series' latest snapshot. */
  addFigures(figures: SampleFigures): boolean {
    if (!this.append(figures)) return false;
    this.newestFigures = figures;
    this.newestSample = undefined;
    return true;
  }

  /** The series so far, trimmed to its length (the builder can go on). */
  build(): AgentSeries {
    const n = this.length;
    const trim = (column: Float64Array): Float64Array => column.slice(0, n);
    const { columns } = this;
    return {
      agent: this.agent,
      t: trim(this.t),
      cpu: trim(columns.cpu),
      cpuCoreMin: trim(columns.cpuCoreMin),
      cpuCoreMax: trim(columns.cpuCoreMax),
      temperature: trim(columns.temperature),
      load1: trim(columns.load1),
      load5: trim(columns.load5),
      load15: trim(columns.load15),
      memory: trim(columns.memory),
      swap: trim(columns.swap),
      disks: new Map([...this.disks].map(([mount, usage]) => [mount, trim(usage)])),
      rxBytesPerS: trim(columns.rxBytesPerS),
      txBytesPerS: trim(columns.txBytesPerS),
      securityIssues: trim(columns.securityIssues),
      sshFailed: trim(columns.sshFailed),
      latest: this.latest(),
      cpuCount: this.cpuCount,
    };
  }

  private latest(): NormalisedSnapshot | undefined {
    return (this.newestSample ?? this.newestFigures?.sample())?.snapshot;
  }

  private append(f: FigureValues): boolean {
    const i = this.length;
    const previous = i === 0 ? Number.NEGATIVE_INFINITY : (this.t[i - 1] as number);
    if (!(f.time > previous)) return false;
    if (i === this.t.length) this.grow();
    const { columns } = this;
    this.t[i] = f.time;
    columns.cpu[i] = f.cpuPercent;
    columns.cpuCoreMin[i] = f.cpuCoreMin;
    columns.cpuCoreMax[i] = f.cpuCoreMax;
    columns.temperature[i] = f.temperatureCelsius;
    columns.load1[i] = f.load1;
    columns.load5[i] = f.load5;
    columns.load15[i] = f.load15;
    columns.memory[i] = f.memoryPercent;
    columns.swap[i] = f.swapPercent;
    columns.rxBytesPerS[i] = f.rxBytesPerS;
    columns.txBytesPerS[i] = f.txBytesPerS;
    columns.securityIssues[i] = f.securityIssues;
    columns.sshFailed[i] = f.sshFailed;
    this.appendDisks(i, f.diskMounts, f.diskPercents);
    if (!Number.isNaN(f.cpuCount)) this.cpuCount = f.cpuCount;
    this.length = i + 1;
    return true;
  }

  private appendDisks(i: number, mounts: readonly string[], percents: readonly number[]): void {
    const known = this.lastMountColumns;
    let same = mounts.length === this.lastMounts.length;
    for (let d = 0; same && d < mounts.length; d++) same = mounts[d] === this.lastMounts[d];
    if (!same) {
      this.lastMounts = [...mounts];
      this.lastMountColumns = mounts.map((mount) => {
        let usage = this.disks.get(mount);
        if (usage === undefined) {
          usage = new Float64Array(this.t.length).fill(Number.NaN);
          this.disks.set(mount, usage);
        }
        return usage;
      });
    }
    // absent mounts (fewer listed than known) get a gap
    if (this.disks.size > mounts.length || !same)
      for (const usage of this.disks.values()) usage[i] = Number.NaN;
    const columns = same ? known : this.lastMountColumns;
    for (let d = 0; d < mounts.length; d++) (columns[d] as Float64Array)[i] = percents[d] as number;
  }

  private grow(): void {
    const grown = (column: Float64Array): Float64Array => {
      const bigger = new Float64Array(column.length * 2);
      bigger.set(column);
      return bigger;
    };
    this.t = grown(this.t);
    for (const name of COLUMNS) this.columns[name] = grown(this.columns[name]);
    for (const [mount, usage] of this.disks) this.disks.set(mount, grown(usage));
    this.lastMountColumns = this.lastMounts.map((mount) => this.disks.get(mount) as Float64Array);
  }
}

/** A SeriesBuilder per agent, made when the agent first appears. */
export class SeriesBuilders {
  private readonly builders = new Map<string, SeriesBuilder>();

  constructor(private readonly capacity: number) {}

  of(agent: string): SeriesBuilder {
    let builder = this.builders.get(agent);
    if (builder === undefined) {
      builder = new SeriesBuilder(agent, this.capacity);
      this.builders.set(agent, builder);
    }
    return builder;
  }

  build(): Map<string, AgentSeries> {
    return new Map([...this.builders].map(([agent, builder]) => [agent, builder.build()]));
  }
}
