import type { MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import type { ResolvedRules } from "../../../collector/src/alerts/evaluator/types.js";
import { seriesValues, type AgentHistory, type AgentSeries } from "../../src/model.js";

export interface FakeHistoryOptions {
  agent?: string;
  /** Epoch ms of the first sample. */
  from: number;
  hours?: number;
  stepS?: number;
  /** The agent was down (no samples) in [start, end) hours after `from`. */
  gapHours?: [number, number];
  temperature?: boolean;
  perCore?: boolean;
  mounts?: string[];
  cpuCount?: number;
  rules?: ResolvedRules;
  sshSources?: Array<{ ip: string; count: number }>;
  seed?: number;
}

/** A made-up agent history with smooth, noisy, plausible values (tests and benchmarks). */
export function fakeHistory(options: FakeHistoryOptions): AgentHistory {
  const stepMs = (options.stepS ?? 10) * 1000;
  const total = Math.round(((options.hours ?? 24) * 3_600_000) / stepMs);
  const [gapStart, gapEnd] = (options.gapHours ?? [0, 0]).map((h) => options.from + h * 3_600_000);
  const times: number[] = [];
  for (let i = 0; i < total; i++) {
    const t = options.from + i * stepMs;
    if (!(t >= gapStart! && t < gapEnd!)) times.push(t);
  }
  const n = times.length;
  let state = options.seed ?? 1;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const wave = (i: number, period: number, phase: number): number =>
    Math.sin((i / period) * 2 * Math.PI + phase);
  const fill = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  const phase = random() * 6;
  const cpu = fill((i) =>
    clamp(35 + 25 * wave(i, 8640, phase) + 15 * (random() - 0.5) + (random() < 0.002 ? 40 : 0)),
  );
  const mounts = options.mounts ?? ["/", "/var", "/home"];
  const disks = new Map<string, Float64Array>();
  mounts.forEach((mount, m) => {
    const base = 20 + ((m * 37 + (options.seed ?? 1) * 11) % 60);
    disks.set(
      mount,
      fill((i) => clamp(base + (8 * i) / n + 0.3 * random())),
    );
  });
  const cpuCount = options.cpuCount ?? 4;
  // drawn in this order: the random numbers, and so the charts, stay those of a given seed
  const coreMin =
    options.perCore === false ? fill(() => Number.NaN) : fill((i) => clamp(cpu[i]! - 10 - 10 * random()));
  const coreMax =
    options.perCore === false ? fill(() => Number.NaN) : fill((i) => clamp(cpu[i]! + 10 + 20 * random()));
  const temperature =
    options.temperature === false ? fill(() => Number.NaN) : fill((i) => 45 + cpu[i]! / 4 + random());
  const load1 = fill((i) => (cpu[i]! / 100) * cpuCount * (1 + 0.3 * random()));
  const load5 = fill((i) => (cpu[i]! / 100) * cpuCount);
  const load15 = fill((i) => (cpu[i]! / 100) * cpuCount * 0.9);
  const memory = fill((i) => clamp(55 + 10 * wave(i, 20_000, phase) + 2 * random()));
  const swap = fill((i) => clamp(5 + 3 * wave(i, 30_000, phase)));
  const rx = fill((i) => 3_000_000 * (1.2 + wave(i, 5000, phase)) * (0.8 + 0.4 * random()));
  const tx = fill((i) => 800_000 * (1.2 + wave(i, 7000, phase)) * (0.8 + 0.4 * random()));
  const securityIssues = fill((i) => (i > n * 0.6 && i < n * 0.8 ? 2 : i > n * 0.3 && i < n * 0.4 ? 1 : 0));
  const sshFailed = fill((i) => Math.round(Math.max(0, 40 * wave(i, 3000, phase) + 10 * random())));
  const series: AgentSeries = {
    agent: options.agent ?? "web-01",
    t: Float64Array.from(times),
    values: seriesValues(n, {
      cpu_usage_percent: cpu,
      cpu_count: fill(() => cpuCount),
      load_1: load1,
      load_5: load5,
      load_15: load15,
      cpu_temperature_celsius: temperature,
      memory_total_bytes: fill(() => 16 * 2 ** 30),
      memory_usage_percent: memory,
      swap_percent: swap,
      net_rx_bytes_per_s: rx,
      net_tx_bytes_per_s: tx,
      security_issue_count: securityIssues,
      ssh_failed_total: sshFailed,
      worst_disk_usage_percent: worstDisk(disks, n),
      cpu_core_min_percent: coreMin,
      cpu_core_max_percent: coreMax,
    }),
    disks,
    latest: snapshot(options),
    cpuCount,
  };
  return { series, events: [], down: false, lastSeen: times.at(-1), rules: options.rules ?? {} };
}

/** Per sample, the fullest mount's usage; NaN without mounts. */
function worstDisk(disks: ReadonlyMap<string, Float64Array>, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    const usages = [...disks.values()].map((usage) => usage[i]!);
    return usages.length === 0 ? Number.NaN : Math.max(...usages);
  });
}

function clamp(value: number): number {
  return Math.min(100, Math.max(0, value));
}

function snapshot(options: FakeHistoryOptions): MetricsSnapshot {
  const sources = (options.sshSources ?? []).map((s) => ({ ...s, users: ["root"] }));
  return {
    timestamp: new Date(options.from).toISOString(),
    agent: {
      name: options.agent ?? "web-01",
      hostname: "web-01",
      version: "0.1.0",
      platform: "linux",
      os: "Debian",
      kernel: "6.1",
      arch: "x64",
      uptime_s: 1000,
      boot_time: new Date(options.from).toISOString(),
    },
    security: {
      status: "warning",
      issue_count: 2,
      suspicious_processes: [],
      ssh_failed_logins: { window_s: 600, total: sources.reduce((sum, s) => sum + s.count, 0), sources },
      unexpected_listeners: [],
      checks: [],
    },
    collector_status: [],
  };
}
