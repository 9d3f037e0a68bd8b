import type { CpuMetrics, MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import type { FamilyCollector, HostPaths } from "./family.js";
import { readLoad } from "./load.js";
import { clampPercent, counterDelta, round } from "./numbers.js";
import { readText } from "./read.js";

/** Jiffies from one /proc/stat cpu line. guest and guest_nice are left out: user already includes them. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStatCpu {
  total: CpuTimes;
  /** Per cpuN line, keyed by N, in file order (offline CPUs have no line). */
  cores: Map<number, CpuTimes>;
}

export interface CpuPercentages {
  usage: number;
  user: number;
  system: number;
  iowait: number;
  steal: number;
}

const ZERO: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
const FIELDS = Object.keys(ZERO) as (keyof CpuTimes)[];

function parseCpuTimes(columns: string[]): CpuTimes {
  const times = { ...ZERO };
  // Older kernels have fewer columns; missing ones stay 0.
  FIELDS.forEach((field, i) => {
    const value = Number(columns[i] ?? 0);
    times[field] = Number.isFinite(value) ? value : 0;
  });
  return times;
}

export function parseProcStatCpu(text: string): ProcStatCpu {
  let total: CpuTimes | undefined;
  const cores = new Map<number, CpuTimes>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("cpu")) continue;
    const [name = "", ...columns] = line.trim().split(/\s+/);
    if (name === "cpu") total = parseCpuTimes(columns);
    else if (/^cpu\d+$/.test(name)) cores.set(Number(name.slice(3)), parseCpuTimes(columns));
  }
  if (total === undefined) throw new Error("no aggregate cpu line in /proc/stat");
  return { total, cores };
}

function sum(times: CpuTimes): number {
  return FIELDS.reduce((acc, field) => acc + times[field], 0);
}

/**
 * Shares of the time elapsed between two readings. Without a previous reading (or when the
 * counters went backwards, e.g. after CPU hotplug) the shares are since boot.
 */
export function cpuPercentages(previous: CpuTimes | undefined, current: CpuTimes): CpuPercentages {
  const base = previous === undefined || sum(previous) > sum(current) ? ZERO : previous;
  const d = { ...ZERO };
  // Per field: iowait (and on some kernels idle) can dip slightly; such a field counts as 0.
  for (const field of FIELDS) d[field] = counterDelta(current[field], base[field]);
  const total = sum(d);
  const percent = (part: number): number => (total > 0 ? round(clampPercent((part / total) * 100), 2) : 0);
  return {
    usage: total > 0 ? round(clampPercent(100 * (1 - (d.idle + d.iowait) / total)), 2) : 0,
    user: percent(d.user + d.nice),
    system: percent(d.system + d.irq + d.softirq),
    iowait: percent(d.iowait),
    steal: percent(d.steal),
  };
}

export function cpuMetrics(previous: ProcStatCpu | undefined, current: ProcStatCpu): CpuMetrics {
  const overall = cpuPercentages(previous?.total, current.total);
  const perCore = [...current.cores].map(([n, times]) => cpuPercentages(previous?.cores.get(n), times).usage);
  return {
    usage_percent: overall.usage,
    user_percent: overall.user,
    system_percent: overall.system,
    iowait_percent: overall.iowait,
    steal_percent: overall.steal,
    per_core_percent: perCore,
    count: current.cores.size,
  };
}

/** Family "cpu": /proc/stat deltas between samples, plus /proc/loadavg. */
export class CpuCollector implements FamilyCollector {
  readonly family = "cpu" as const;
  private previous: ProcStatCpu | undefined;

  constructor(private readonly paths: HostPaths) {}

  async collect(): Promise<Partial<MetricsSnapshot>> {
    const current = parseProcStatCpu(readText(`${this.paths.proc}/stat`));
    const load = readLoad(this.paths);
    const cpu = cpuMetrics(this.previous, current);
    this.previous = current;
    return { cpu, load };
  }
}
