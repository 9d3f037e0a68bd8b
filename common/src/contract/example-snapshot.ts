import type { MetricsSnapshot } from "./protocol.js";

/**
 * A snapshot like a real 8-core host's: every family, 3 disks, top processes, one SSH source,
 * varied by `seed`. The demo history and the tests of every package draw on it.
 */
export function makeSnapshot(agent: string, ts: string, seed = 0): MetricsSnapshot {
  const f = (base: number, spread: number): number =>
    Math.round((base + (((seed * 7919) % 1000) / 1000) * spread) * 100) / 100;
  return {
    timestamp: ts,
    agent: {
      name: agent,
      hostname: `${agent}.example.net`,
      version: "0.1.0",
      platform: "linux",
      os: "Debian GNU/Linux 12 (bookworm)",
      kernel: "6.1.0-18-amd64",
      arch: "x64",
      uptime_s: 86_400 + seed,
      boot_time: "2024-05-01T00:00:00.000Z",
    },
    cpu: {
      usage_percent: f(20, 60),
      user_percent: f(12, 40),
      system_percent: f(5, 10),
      iowait_percent: 1.5,
      steal_percent: 0.25,
      per_core_percent: [60, 20, 20, 20, 20, 20, 20, f(10, 80)],
      count: 8,
    },
    load: { load_1: f(0.5, 2), load_5: 0.98, load_15: 0.71 },
    temperature: {
      cpu_celsius: f(45, 20),
      max_celsius: f(50, 20),
      sensors: [
        { label: "coretemp Package id 0", celsius: 55 },
        { label: "coretemp Core 0", celsius: 49 },
        { label: "coretemp Core 1", celsius: 51 },
        { label: "nvme Composite", celsius: 37.9 },
        { label: "acpitz", celsius: 27.8 },
      ],
    },
    memory: {
      total_bytes: 33_376_579_584,
      used_bytes: 11_518_685_184 + seed,
      available_bytes: 21_857_894_400 - seed,
      usage_percent: f(30, 40),
      swap_total_bytes: 2_147_479_552,
      swap_used_bytes: 536_870_912,
      swap_percent: 25,
      cached_bytes: 14_156_390_400 - seed * 4096,
      buffers_bytes: 512_000_000,
    },
    disks: [
      {
        mount: "/",
        device: "/dev/mapper/vg0-root",
        fstype: "ext4",
        total_bytes: 502_468_108_288,
        used_bytes: 317_361_745_920,
        usage_percent: f(60, 30),
        inodes_percent: 8.45,
      },
      {
        mount: "/boot/efi",
        device: "/dev/nvme0n1p1",
        fstype: "vfat",
        total_bytes: 535_805_952,
        used_bytes: 6_266_880,
        usage_percent: 1.17,
        inodes_percent: null,
      },
      {
        mount: "/srv/backup data",
        device: "/dev/sda1",
        fstype: "xfs",
        total_bytes: 4_000_650_883_072,
        used_bytes: 2_457_665_536_000,
        usage_percent: 61.43,
        inodes_percent: 0.52,
      },
    ],
    disk_io: {
      read_bytes_per_s: f(0, 1e7),
      write_bytes_per_s: f(0, 5e6),
      read_ops_per_s: 120,
      write_ops_per_s: 45.5,
    },
    network: {
      rx_bytes_per_s: f(0, 1e6),
      tx_bytes_per_s: f(0, 5e5),
      rx_errors: 0,
      tx_errors: 2,
      interfaces: [
        { name: "eth0", rx_bytes_per_s: 1000, tx_bytes_per_s: 500 },
        { name: "lo", rx_bytes_per_s: 10, tx_bytes_per_s: 10 },
      ],
      tcp_connections: 57,
    },
    processes: {
      count: 312,
      running: 2,
      top_memory: [
        { pid: 1201, name: "postgres", user: "postgres", memory_percent: 12.5, rss_bytes: 4_171_022_336 },
        { pid: 982, name: "java", user: "tomcat", memory_percent: 8.1, rss_bytes: 2_703_564_800 },
        { pid: 2210, name: "node", user: "app", memory_percent: 3.2, rss_bytes: 1_068_040_192 },
        { pid: 77, name: "systemd-journald", user: "root", memory_percent: 0.4, rss_bytes: 133_505_024 },
        { pid: 1, name: "systemd", user: "root", memory_percent: 0.1, rss_bytes: 13_107_200 },
      ],
      top_cpu: [
        { pid: 2210, name: "node", user: "app", cpu_percent: 35.2 },
        { pid: 1201, name: "postgres", user: "postgres", cpu_percent: 12.1 },
        { pid: 982, name: "java", user: "tomcat", cpu_percent: 4.4 },
        { pid: 5011, name: "sshd", user: "root", cpu_percent: 0.3 },
        { pid: 1, name: "systemd", user: "root", cpu_percent: 0.1 },
      ],
    },
    security: {
      status: "warning",
      issue_count: 1,
      suspicious_processes: [],
      ssh_failed_logins: {
        window_s: 900,
        total: 14,
        sources: [{ ip: "203.0.113.7", count: 14, users: ["root", "admin"] }],
      },
      unexpected_listeners: [],
      checks: [
        { name: "suspicious_processes", available: true, detail: "312 processes checked" },
        { name: "ssh_failed_logins", available: true, detail: "/var/log/auth.log" },
        { name: "unexpected_listeners", available: true, detail: "baseline of 6 ports" },
      ],
    },
    collector_status: [
      { name: "cpu", ok: true, duration_ms: 1, error: null },
      { name: "memory", ok: true, duration_ms: 0, error: null },
      { name: "disk", ok: true, duration_ms: 3, error: null },
      { name: "network", ok: true, duration_ms: 1, error: null },
      { name: "processes", ok: true, duration_ms: 14, error: null },
      { name: "security", ok: true, duration_ms: 6, error: null },
      { name: "temperature", ok: true, duration_ms: 2, error: null },
    ],
  };
}
