import { describe, expect, it } from "vitest";
import type {
  AgentInfo,
  DiskMetrics,
  MetricsSnapshot,
  SshSource,
  SuspiciousProcess,
  UnexpectedListener,
} from "../../../common/src/contract/protocol.js";
import { DEFAULT_SNAPSHOT_LIMITS, boundSnapshot } from "./bound-snapshot.js";

const N = 2000;
/** Users per SSH source: above the limit, but not 2,000 × 2,000 strings. */
const USERS = 120;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const agent: AgentInfo = {
  name: "a",
  hostname: "a",
  version: "0",
  platform: "linux",
  os: "o",
  kernel: "k",
  arch: "x64",
  uptime_s: 1,
  boot_time: "2026-01-01T00:00:00.000Z",
};

function listener(i: number): UnexpectedListener {
  // Every 50th one listens on all addresses; the others on loopback.
  const address = i % 50 === 49 ? "0.0.0.0" : "127.0.0.1";
  return { proto: "tcp", address, port: 10_000 + i, pid: 100, process: "node" };
}

function suspicious(i: number): SuspiciousProcess {
  const critical = i % 100 === 0;
  return {
    pid: 1000 + i,
    name: "x",
    user: "root",
    exe: critical ? "/tmp/x" : "/memfd:x (deleted)",
    reason: critical ? "suspicious_dir" : "memfd_exec",
    severity: critical ? "critical" : "warning",
  };
}

function disk(i: number): DiskMetrics {
  return {
    mount: `/mnt/${i}`,
    device: `/dev/loop${i}`,
    fstype: "ext4",
    total_bytes: 100,
    used_bytes: i % 100,
    usage_percent: i % 100,
    inodes_percent: i === 3 ? 99.5 : null,
  };
}

/** Sources as the failure window gives them: most failures first. */
const source = (i: number): SshSource => ({
  ip: `10.0.${i >> 8}.${i & 255}`,
  count: N - i,
  users: range(USERS).map((u) => `user${String(u).padStart(3, "0")}`),
});

function hugeSnapshot(): MetricsSnapshot {
  return {
    timestamp: "2026-01-01T00:00:00.000Z",
    agent,
    cpu: {
      usage_percent: 1,
      user_percent: 1,
      system_percent: 0,
      iowait_percent: 0,
      steal_percent: 0,
      per_core_percent: range(N).map((i) => i % 100),
      count: N,
    },
    temperature: {
      cpu_celsius: 40,
      max_celsius: 90,
      sensors: range(N).map((i) => ({ label: `s${i}`, celsius: i === 1234 ? 90 : 40 })),
    },
    disks: range(N).map(disk),
    network: {
      rx_bytes_per_s: 0,
      tx_bytes_per_s: 0,
      rx_errors: 0,
      tx_errors: 0,
      interfaces: range(N).map((i) => ({ name: `veth${i}`, rx_bytes_per_s: i, tx_bytes_per_s: 0 })),
      tcp_connections: 0,
    },
    processes: {
      count: N,
      running: 1,
      top_memory: range(N).map((i) => ({ pid: i, name: "p", user: "u", memory_percent: 1, rss_bytes: 1 })),
      top_cpu: range(N).map((i) => ({ pid: i, name: "p", user: "u", cpu_percent: 1 })),
    },
    security: {
      status: "critical",
      issue_count: 3 * N,
      suspicious_processes: range(N).map(suspicious),
      ssh_failed_logins: { window_s: 900, total: 12345, sources: range(N).map(source) },
      unexpected_listeners: range(N).map(listener),
      checks: [
        { name: "suspicious_processes", available: true, detail: "" },
        { name: "ssh_brute_force", available: true, detail: "" },
        { name: "unexpected_listeners", available: true, detail: "" },
      ],
    },
    collector_status: [],
  };
}

/** Every array anywhere in a value, with its path. */
function arrays(value: unknown, path = "$"): [string, unknown[]][] {
  if (Array.isArray(value)) {
    return [[path, value], ...value.flatMap((item, i) => arrays(item, `${path}[${i}]`))];
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => arrays(child, `${path}.${key}`));
  }
  return [];
}

describe("boundSnapshot", () => {
  const limits = DEFAULT_SNAPSHOT_LIMITS;
  const bounded = boundSnapshot(hugeSnapshot(), limits);

  it("leaves no list longer than its limit", () => {
    for (const [path, list] of arrays(bounded)) {
      const max = path === "$.cpu.per_core_percent" ? limits.maxCpuCores : limits.maxListItems;
      expect(list.length, path).toBeLessThanOrEqual(max);
    }
  });

  it("keeps the listeners reachable from other hosts first, and counts all of them", () => {
    const security = bounded.security;
    expect(security?.unexpected_listener_count).toBe(N);
    expect(security?.unexpected_listeners).toHaveLength(50);
    // The 40 on 0.0.0.0, then the first 10 loopback ones, in the list's order (by port).
    const kept = security?.unexpected_listeners.map((l) => l.port - 10_000);
    expect(kept?.filter((i) => i % 50 === 49)).toHaveLength(40);
    expect(kept?.filter((i) => i % 50 !== 49)).toEqual(range(10));
    expect(kept).toEqual([...(kept ?? [])].sort((a, b) => a - b));
  });

  it("keeps critical suspicious processes before warnings, and issue_count untouched", () => {
    const security = bounded.security;
    expect(security?.suspicious_process_count).toBe(N);
    const kept = security?.suspicious_processes ?? [];
    expect(kept).toHaveLength(50);
    expect(kept.filter((p) => p.severity === "critical")).toHaveLength(20);
    expect(security?.issue_count).toBe(3 * N);
    expect(security?.checks).toHaveLength(3);
  });

  it("keeps the SSH sources with the most failures, and cuts each one's users", () => {
    const logins = bounded.security?.ssh_failed_logins;
    expect(logins?.source_count).toBe(N);
    expect(logins?.total).toBe(12345);
    expect(logins?.sources.map((s) => s.count)).toEqual(range(10).map((i) => N - i));
    for (const s of logins?.sources ?? []) {
      expect(s.users).toEqual(range(50).map((u) => `user${String(u).padStart(3, "0")}`));
      expect(s.user_count).toBe(USERS);
    }
  });

  it("keeps the fullest disks (by space or inodes), busiest interfaces and hottest sensors", () => {
    expect(bounded.disk_count).toBe(N);
    const disks = bounded.disks ?? [];
    expect(disks).toHaveLength(50);
    expect(disks.map((d) => d.mount)).toContain("/mnt/3"); // 3 % used, 99.5 % inodes
    // 20 disks each at 99 % and 98 %, then the first 9 at 97 %.
    expect(disks.filter((d) => d.usage_percent >= 98)).toHaveLength(40);
    expect(disks.filter((d) => d.usage_percent === 97)).toHaveLength(9);

    expect(bounded.network?.interface_count).toBe(N);
    expect(bounded.network?.interfaces.map((nic) => nic.name)).toEqual(
      range(50).map((i) => `veth${N - 50 + i}`),
    );
    expect(bounded.temperature?.sensor_count).toBe(N);
    expect(bounded.temperature?.sensors.map((sensor) => sensor.label)).toEqual([
      ...range(49).map((i) => `s${i}`),
      "s1234",
    ]);
  });

  it("keeps the first cores of per_core_percent (its index is the core)", () => {
    expect(bounded.cpu?.per_core_percent).toEqual(range(1024).map((i) => i % 100));
    expect(bounded.cpu?.count).toBe(N);
  });

  it("follows smaller configured limits", () => {
    const small = boundSnapshot(hugeSnapshot(), { maxListItems: 3, maxSshSources: 2, maxCpuCores: 4 });
    expect(small.security?.unexpected_listeners.map((l) => l.address)).toEqual(Array(3).fill("0.0.0.0"));
    expect(small.security?.ssh_failed_logins.sources).toHaveLength(2);
    expect(small.cpu?.per_core_percent).toEqual([0, 1, 2, 3]);
    expect(small.processes?.top_cpu).toHaveLength(3);
  });

  it("passes a small snapshot through with its counts added", () => {
    const snapshot: MetricsSnapshot = {
      timestamp: "2026-01-01T00:00:00.000Z",
      agent,
      disks: [disk(1), disk(2)],
      collector_status: [{ name: "disk", ok: true, duration_ms: 1, error: null }],
    };
    expect(boundSnapshot(snapshot, limits)).toStrictEqual({ ...snapshot, disk_count: 2 });
  });
});
