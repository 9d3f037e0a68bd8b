import type { PollSample } from "./records.js";

/** The chartable values of one sample; a missing value (family or field absent, nil temperature) is NaN. */
export interface FigureValues {
  agent: string;
  ts: string;
  /** ts as epoch ms. */
  time: number;
  cpuPercent: number;
  /** Lowest and highest per-core usage; NaN without per-core figures. */
  cpuCoreMin: number;
  cpuCoreMax: number;
  cpuCount: number;
  temperatureCelsius: number;
  load1: number;
  load5: number;
  load15: number;
  memoryPercent: number;
  swapPercent: number;
  /** The disks in the snapshot's order: diskPercents[i] is the usage of diskMounts[i]. */
  diskMounts: string[];
  diskPercents: number[];
  rxBytesPerS: number;
  txBytesPerS: number;
  /** security.issue_count; NaN when the security status is "unavailable". */
  securityIssues: number;
  sshFailed: number;
}

/**
 * The figures of one sample, flat: what the dashboard draws, without the snapshot's lists. A
 * reader can take these off a stored line several times faster than it can decode the whole
 * snapshot (see HistoryReader.figures).
 */
export interface SampleFigures extends FigureValues {
  /**
   * The whole sample, decoded on demand; undefined when its stored form is damaged. A reader
   * may keep the stored form of each agent's newest sample of the read only: ask at the end of
   * the read, of those (undefined for the others then).
   */
  sample(): PollSample | undefined;
}

/** The reference definition of every figure; a reader's fast path must give the same. */
export function figuresOf(sample: PollSample): SampleFigures {
  const figures = readFigures(sample, new FiguresRecord());
  figures.sample = () => sample;
  return figures;
}

/**
 * A sample's figures, every value missing (NaN) until set, and no stored sample: the one shape
 * of the figures records the file reader makes (a reader that keeps samples overrides sample()).
 */
export class FiguresRecord implements SampleFigures {
  cpuPercent = Number.NaN;
  cpuCoreMin = Number.NaN;
  cpuCoreMax = Number.NaN;
  cpuCount = Number.NaN;
  temperatureCelsius = Number.NaN;
  load1 = Number.NaN;
  load5 = Number.NaN;
  load15 = Number.NaN;
  memoryPercent = Number.NaN;
  swapPercent = Number.NaN;
  diskMounts: string[] = [];
  diskPercents: number[] = [];
  rxBytesPerS = Number.NaN;
  txBytesPerS = Number.NaN;
  securityIssues = Number.NaN;
  sshFailed = Number.NaN;

  constructor(
    public agent = "",
    public ts = "",
    public time = Number.NaN,
  ) {}

  sample(): PollSample | undefined {
    return undefined;
  }
}

export function emptyFigures(): FigureValues {
  return new FiguresRecord();
}

/** Fills `out` with the sample's figures and returns it; `out` can be reused from sample to sample. */
export function readFigures<T extends FigureValues>(sample: PollSample, out: T): T {
  const { cpu, temperature, load, memory, disks, network, security } = sample.snapshot;
  out.agent = sample.agent;
  out.ts = sample.ts;
  out.time = Date.parse(sample.ts);
  out.cpuPercent = num(cpu?.usage_percent);
  out.cpuCoreMin = Number.NaN;
  out.cpuCoreMax = Number.NaN;
  for (const core of Array.isArray(cpu?.per_core_percent) ? cpu.per_core_percent : []) {
    if (typeof core !== "number") continue;
    if (Number.isNaN(out.cpuCoreMin) || core < out.cpuCoreMin) out.cpuCoreMin = core;
    if (Number.isNaN(out.cpuCoreMax) || core > out.cpuCoreMax) out.cpuCoreMax = core;
  }
  out.cpuCount = num(cpu?.count);
  out.temperatureCelsius = num(temperature?.cpu_celsius);
  out.load1 = num(load?.load_1);
  out.load5 = num(load?.load_5);
  out.load15 = num(load?.load_15);
  out.memoryPercent = num(memory?.usage_percent);
  out.swapPercent = num(memory?.swap_percent);
  out.diskMounts.length = 0;
  out.diskPercents.length = 0;
  for (const disk of Array.isArray(disks) ? disks : []) {
    if (typeof disk?.mount !== "string") continue;
    out.diskMounts.push(disk.mount);
    out.diskPercents.push(num(disk.usage_percent));
  }
  out.rxBytesPerS = num(network?.rx_bytes_per_s);
  out.txBytesPerS = num(network?.tx_bytes_per_s);
  out.securityIssues = security?.status === "unavailable" ? Number.NaN : num(security?.issue_count);
  out.sshFailed = num(security?.ssh_failed_logins?.total);
  return out;
}

/** A number as stored, NaN for anything else (null, absent, a string from a foreign agent). */
function num(value: unknown): number {
  return typeof value === "number" ? value : Number.NaN;
}
