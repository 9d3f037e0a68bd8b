// Hand-built History + DashboardCharts for the dashboard tests (excluded from the build by name).
import type { MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import type { Alert } from "../../../collector/src/alerts/evaluator/types.js";
import type { AlertRecord, PollEvent } from "../../../collector/src/storage/records.js";
import {
  seriesValues,
  type AgentCharts,
  type AgentHistory,
  type ChartFile,
  type DashboardCharts,
  type History,
  type PlotKind,
} from "../../src/model.js";

export const T0 = Date.parse("2024-05-01T10:00:00Z");
export const MIN = 60_000;
export const GENERATED_AT = T0 + 60 * MIN;

export const EVIL = `evil"<script>alert(1)</script>`;
export const EVIL_PROCESS = "<script>alert('proc')</script>";
export const EVIL_USER = `"><img src=x onerror=alert(2)>`;

function snapshot(
  agent: string,
  at: number,
  o: Partial<MetricsSnapshot> & { cpu_p?: number; mem_p?: number },
) {
  const { cpu_p = 10, mem_p = 20, ...rest } = o;
  const s: MetricsSnapshot = {
    timestamp: new Date(at).toISOString(),
    agent: {
      name: agent,
      hostname: `${agent}.example`,
      version: "0.1.0",
      platform: "linux",
      os: "Debian 12",
      kernel: "6.1.0",
      arch: "x64",
      uptime_s: 3 * 86_400 + 3600,
      boot_time: new Date(at - (3 * 86_400 + 3600) * 1000).toISOString(),
    },
    cpu: {
      usage_percent: cpu_p,
      user_percent: cpu_p / 2,
      system_percent: cpu_p / 2,
      iowait_percent: 0,
      steal_percent: 0,
      per_core_percent: [cpu_p, cpu_p],
      count: 2,
    },
    load: { load_1: 0.5, load_5: 0.4, load_15: 0.3 },
    temperature: { cpu_celsius: 48, max_celsius: 52, sensors: [{ label: "Package id 0", celsius: 48 }] },
    memory: {
      total_bytes: 8 * 2 ** 30,
      used_bytes: (8 * 2 ** 30 * mem_p) / 100,
      available_bytes: 8 * 2 ** 30 * (1 - mem_p / 100),
      usage_percent: mem_p,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
      swap_percent: 0,
    },
    disks: [
      {
        mount: "/",
        device: "/dev/sda1",
        fstype: "ext4",
        total_bytes: 100e9,
        used_bytes: 30e9,
        usage_percent: 30,
        inodes_percent: 5,
      },
    ],
    processes: {
      count: 120,
      running: 1,
      top_cpu: [{ pid: 10, name: "nginx", user: "www-data", cpu_percent: 3 }],
      top_memory: [{ pid: 11, name: "postgres", user: "postgres", memory_percent: 9, rss_bytes: 700e6 }],
    },
    security: {
      status: "ok",
      issue_count: 0,
      suspicious_processes: [],
      ssh_failed_logins: { window_s: 3600, total: 0, sources: [] },
      unexpected_listeners: [],
      checks: [{ name: "listeners", available: true, detail: "ok" }],
    },
    collector_status: [],
    ...rest,
  };
  return s;
}

function agentHistory(
  agent: string,
  latest: MetricsSnapshot | undefined,
  extra: Partial<Omit<AgentHistory, "series">> = {},
): AgentHistory {
  const n = 3;
  const t = Float64Array.from([T0 + 10 * MIN, T0 + 20 * MIN, T0 + 30 * MIN]);
  const col = (v: number) => new Float64Array(n).fill(v);
  return {
    series: {
      agent,
      t,
      values: seriesValues(n, {
        cpu_usage_percent: col(10),
        cpu_core_min_percent: col(5),
        cpu_core_max_percent: col(15),
        load_1: col(0.5),
        load_5: col(0.4),
        load_15: col(0.3),
        memory_usage_percent: col(20),
        swap_percent: col(0),
        worst_disk_usage_percent: col(30),
        net_rx_bytes_per_s: col(1000),
        net_tx_bytes_per_s: col(1000),
        security_issue_count: col(0),
        ssh_failed_total: col(0),
        cpu_count: col(2),
      }),
      disks: new Map([["/", col(30)]]),
      latest,
      cpuCount: 2,
    },
    events: [],
    down: false,
    lastSeen: latest === undefined ? undefined : Date.parse(latest.timestamp),
    rules: {},
    ...extra,
  };
}

function alert(
  agent: string,
  metric: Alert["metric"],
  severity: Alert["severity"],
  startedAt: number,
): Alert {
  return {
    id: `${agent}/${metric}/${startedAt}`,
    key: `${agent}/${metric}`,
    agent,
    metric,
    severity,
    state: "firing",
    value: severity === "critical" ? 97 : 85,
    threshold: severity === "critical" ? 95 : 80,
    started_at: new Date(startedAt).toISOString(),
    resolved_at: null,
    last_notified_at: new Date(startedAt).toISOString(),
  };
}

function record(kind: AlertRecord["kind"], a: Alert, at: number, message?: string): AlertRecord {
  const resolved = kind === "resolved";
  return {
    kind,
    ts: new Date(at).toISOString(),
    alert: resolved ? { ...a, state: "resolved", resolved_at: new Date(at).toISOString() } : a,
    message: message ?? `${a.agent} ${a.metric} ${kind}`,
  };
}

function event(agent: string, kind: PollEvent["kind"], at: number, error: string | null = null): PollEvent {
  return { agent, kind, ts: new Date(at).toISOString(), error, consecutive_failures: 3, duration_ms: 5000 };
}

export function buildHistory(): History {
  const last = T0 + 58 * MIN;
  const appCpu = alert("app-02", "cpu_usage", "critical", T0 + 20 * MIN);
  const appMem = alert("app-02", "memory_usage", "warning", T0 + 5 * MIN);
  const midMem = alert("mid-01", "memory_usage", "warning", T0 + 25 * MIN);
  const evilDisk: Alert = {
    ...alert(EVIL, "disk_usage", "warning", T0 + 40 * MIN),
    mount: "/mnt/<b>x</b>",
  };
  const alerts: AlertRecord[] = [
    record("firing", appMem, T0 + 5 * MIN),
    record("firing", appCpu, T0 + 20 * MIN),
    record("firing", midMem, T0 + 25 * MIN),
    record("resolved", appMem, T0 + 30 * MIN),
    record("escalated", appCpu, T0 + 35 * MIN),
    record("firing", evilDisk, T0 + 40 * MIN, `disk ${EVIL} <script>alert(3)</script>`),
  ];
  return {
    from: T0,
    to: T0 + 60 * MIN,
    alerts,
    agents: [
      agentHistory("web-01", snapshot("web-01", last, { cpu_p: 12, mem_p: 30 })),
      agentHistory("db-01", snapshot("db-01", T0 + 15 * MIN, { cpu_p: 5 }), {
        down: true,
        events: [
          event("db-01", "poll_error", T0 + 16 * MIN, "timeout"),
          event("db-01", "down", T0 + 18 * MIN, "timeout"),
          event("db-01", "up", T0 + 22 * MIN),
          event("db-01", "down", T0 + 45 * MIN, "refused"),
        ],
      }),
      agentHistory(
        "edge-01",
        snapshot("edge-01", last, {
          cpu_p: 40,
          temperature: { cpu_celsius: null, max_celsius: null, sensors: [] },
        }),
      ),
      agentHistory("app-02", snapshot("app-02", last, { cpu_p: 97, mem_p: 50 })),
      agentHistory("mid-01", snapshot("mid-01", last, { cpu_p: 20, mem_p: 85 })),
      agentHistory(
        EVIL,
        snapshot(EVIL, last, {
          cpu_p: 60,
          processes: {
            count: 3,
            running: 1,
            top_cpu: [{ pid: 66, name: EVIL_PROCESS, user: EVIL_USER, cpu_percent: 60 }],
            top_memory: [{ pid: 66, name: EVIL_PROCESS, user: "root", memory_percent: 1, rss_bytes: 1e6 }],
          },
          security: {
            status: "warning",
            issue_count: 2,
            suspicious_processes: [
              {
                pid: 66,
                name: EVIL_PROCESS,
                user: "root",
                exe: "/tmp/<script>",
                reason: "memfd_exec",
                severity: "warning",
              },
            ],
            ssh_failed_logins: {
              window_s: 3600,
              total: 40,
              sources: [{ ip: "203.0.113.9", count: 40, users: [EVIL_USER, "root"] }],
            },
            unexpected_listeners: [
              { proto: "tcp", address: "0.0.0.0", port: 4444, pid: 66, process: EVIL_PROCESS },
            ],
            checks: [{ name: "ssh-log", available: false, detail: "<no access>" }],
          },
        }),
      ),
      agentHistory("new-01", undefined),
    ],
  };
}

function chart(dir: string, plot: PlotKind | "overview", title: string): ChartFile {
  return { plot, title, file: `charts/${dir}/${plot}.png`, width: 800, height: 300 };
}

function agentCharts(agent: string, dir: string, noTemperature = false): AgentCharts {
  const plots: PlotKind[] = ["cpu", "temperature", "load", "memory", "disk"];
  const spark = (metric: string): ChartFile => ({
    plot: "cpu",
    title: `${metric} sparkline`,
    file: `charts/${dir}/spark-${metric}.png`,
    width: 120,
    height: 32,
  });
  return {
    agent,
    charts: plots
      .filter((p) => !(noTemperature && p === "temperature"))
      .map((p) => chart(dir, p, `${agent} ${p}`)),
    sparklines: { cpu: spark("cpu"), memory: spark("memory"), disk: spark("disk"), load: spark("load") },
    notes: noTemperature ? [{ plot: "temperature", text: "No temperature sensor on this host" }] : [],
    csv: `csv/${dir}.csv`,
  };
}

export function buildCharts(): DashboardCharts {
  return {
    agents: [
      agentCharts("web-01", "web-01"),
      agentCharts("db-01", "db-01"),
      agentCharts("edge-01", "edge-01", true),
      agentCharts("app-02", "app-02"),
      agentCharts("mid-01", "mid-01"),
      // A file name with characters that must be percent-encoded in URLs.
      agentCharts(EVIL, "evil #1 ?&"),
    ],
    overview: [chart("all", "overview", "CPU, all agents")],
    csv: "data.csv",
  };
}

/** Every file the charts reference, relative to the output folder. */
export function chartFiles(charts: DashboardCharts): string[] {
  return [
    charts.csv,
    ...charts.overview.map((c) => c.file),
    ...charts.agents.flatMap((a) => [
      a.csv,
      ...a.charts.map((c) => c.file),
      ...Object.values(a.sparklines).map((c) => c.file),
    ]),
  ];
}
