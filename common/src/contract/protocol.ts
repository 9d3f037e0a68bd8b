/**
 * The get_metrics wire contract (README "get_metrics contract"). The agent answers with it; the
 * collector and the visualizer import these types. Field names are snake_case with the unit in the name.
 *
 * Wire types: every field ending in _bytes, _per_s, _percent, _celsius or _s, and the load
 * averages, is sent as <double>; counts, pids and ports as <int>; null as <nil/>.
 */

export const PROTOCOL_VERSION = 1;

export interface AgentInfo {
  name: string;
  hostname: string;
  version: string;
  platform: string;
  os: string;
  kernel: string;
  arch: string;
  uptime_s: number;
  boot_time: string;
}

export interface CpuMetrics {
  usage_percent: number;
  user_percent: number;
  system_percent: number;
  iowait_percent: number;
  steal_percent: number;
  per_core_percent: number[];
  count: number;
}

export interface LoadMetrics {
  load_1: number;
  load_5: number;
  load_15: number;
}

export interface TemperatureSensor {
  label: string;
  celsius: number;
}

export interface TemperatureMetrics {
  /** null when the host has no CPU sensor. */
  cpu_celsius: number | null;
  max_celsius: number | null;
  sensors: TemperatureSensor[];
  /** How many sensors there are; `sensors` holds at most the configured limit, hottest first. */
  sensor_count?: number;
}

export interface MemoryMetrics {
  total_bytes: number;
  used_bytes: number;
  available_bytes: number;
  usage_percent: number;
  swap_total_bytes: number;
  swap_used_bytes: number;
  swap_percent: number;
  /**
   * The page cache and reclaimable slab (Cached + SReclaimable), and block-device buffers
   * (Buffers), as free(1) shows them. Since 0.2; older agents leave them out.
   */
  cached_bytes?: number;
  buffers_bytes?: number;
}

export interface DiskMetrics {
  mount: string;
  device: string;
  fstype: string;
  total_bytes: number;
  used_bytes: number;
  usage_percent: number;
  inodes_percent: number | null;
}

export interface DiskIoMetrics {
  read_bytes_per_s: number;
  write_bytes_per_s: number;
  read_ops_per_s: number;
  write_ops_per_s: number;
}

export interface InterfaceMetrics {
  name: string;
  rx_bytes_per_s: number;
  tx_bytes_per_s: number;
}

export interface NetworkMetrics {
  rx_bytes_per_s: number;
  tx_bytes_per_s: number;
  rx_errors: number;
  tx_errors: number;
  interfaces: InterfaceMetrics[];
  /** How many interfaces there are (without lo); `interfaces` holds the busiest, up to the limit. */
  interface_count?: number;
  tcp_connections: number;
}

export interface ProcessMemoryEntry {
  pid: number;
  name: string;
  user: string;
  memory_percent: number;
  rss_bytes: number;
  /** The arguments joined by spaces, secrets as "***", at most 200 characters; absent without any (kernel threads). */
  cmdline?: string;
}

export interface ProcessCpuEntry {
  pid: number;
  name: string;
  user: string;
  cpu_percent: number;
  /** As in ProcessMemoryEntry. */
  cmdline?: string;
}

export interface ProcessMetrics {
  count: number;
  running: number;
  top_memory: ProcessMemoryEntry[];
  top_cpu: ProcessCpuEntry[];
}

export type SecurityStatus = "ok" | "warning" | "critical" | "unavailable";

/**
 * Why a process is suspicious: its executable lies under a suspicious folder, was deleted
 * from disk, runs from memory (memfd, as sandboxes and some runtimes do), or cannot be
 * resolved although the process is a user-space one.
 */
export type SuspiciousReason = "suspicious_dir" | "deleted_exe" | "memfd_exec" | "no_exe";

export interface SuspiciousProcess {
  pid: number;
  name: string;
  user: string;
  exe: string;
  reason: SuspiciousReason;
  /** memfd_exec is "warning" so it does not drown real findings; the others are "critical". */
  severity: "critical" | "warning";
}

export interface SshSource {
  ip: string;
  count: number;
  users: string[];
  /** How many user names were tried (as far as the agent tracks them); `users` is cut to the limit. */
  user_count?: number;
}

export interface SshFailedLogins {
  window_s: number;
  total: number;
  /** The sources with the most failures, up to the limit (`limits.max_ssh_sources`). */
  sources: SshSource[];
  /** How many source IPs failed in the window. */
  source_count?: number;
}

export interface UnexpectedListener {
  proto: string;
  address: string;
  port: number;
  pid: number | null;
  process: string | null;
}

export interface SecurityCheck {
  name: string;
  available: boolean;
  detail: string;
}

export interface SecurityMetrics {
  status: SecurityStatus;
  /** Every finding, also those cut from the lists below. */
  issue_count: number;
  /** Up to the limit, critical ones first. */
  suspicious_processes: SuspiciousProcess[];
  suspicious_process_count?: number;
  ssh_failed_logins: SshFailedLogins;
  /** Up to the limit, those reachable from other hosts (not loopback) first. */
  unexpected_listeners: UnexpectedListener[];
  unexpected_listener_count?: number;
  /** One per check (three): never cut by the agent. */
  checks: SecurityCheck[];
}

export interface FamilyStatus {
  name: string;
  ok: boolean;
  duration_ms: number;
  /** null when ok; "disabled" when switched off in the config. */
  error: string | null;
}

/**
 * The struct returned by get_metrics. A disabled or failing family is absent.
 *
 * Every list is bounded (agent config `limits`): a cut list keeps its most important entries
 * and the `*_count` field beside it says how many there were. The `*_count` fields are
 * optional because older agents do not send them; per_core_percent's total is cpu.count and
 * top_memory/top_cpu's is processes.count.
 */
export interface MetricsSnapshot {
  timestamp: string;
  agent: AgentInfo;
  cpu?: CpuMetrics;
  load?: LoadMetrics;
  temperature?: TemperatureMetrics;
  memory?: MemoryMetrics;
  /** Up to the limit, the fullest ones. */
  disks?: DiskMetrics[];
  /** How many data mounts there are. */
  disk_count?: number;
  disk_io?: DiskIoMetrics;
  network?: NetworkMetrics;
  processes?: ProcessMetrics;
  security?: SecurityMetrics;
  collector_status: FamilyStatus[];
}

/** Metric families that the config can switch off (`metrics.enable_<family>`). */
export const METRIC_FAMILIES = [
  "temperature",
  "cpu",
  "memory",
  "disk",
  "network",
  "processes",
  "security",
] as const;
export type MetricFamily = (typeof METRIC_FAMILIES)[number];

/**
 * Field names whose value travels as <double> even when it is a whole number
 * (README "get_metrics contract"). The encoder uses this to pick the XML-RPC type.
 */
export function isDoubleField(name: string): boolean {
  return (
    name.endsWith("_bytes") ||
    name.endsWith("_per_s") ||
    name.endsWith("_percent") ||
    name.endsWith("_celsius") ||
    name.endsWith("_s") ||
    name === "load_1" ||
    name === "load_5" ||
    name === "load_15" ||
    name === "celsius"
  );
}

export const XMLRPC_METHODS = {
  ping: 'ping() -> "pong". Liveness check.',
  get_metrics:
    "get_metrics() -> struct. The latest host-metrics snapshot (see README, get_metrics contract).",
  "system.listMethods": "system.listMethods() -> array of method names.",
  "system.methodHelp": "system.methodHelp(name) -> string help for a method.",
  "system.multicall":
    "system.multicall([{methodName, params}, ...]) -> array of [result] or fault structs (at most 32 calls).",
} as const;
