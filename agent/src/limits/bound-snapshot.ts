import type {
  CpuMetrics,
  MetricsSnapshot,
  NetworkMetrics,
  ProcessMetrics,
  SecurityMetrics,
  TemperatureMetrics,
} from "../../../common/src/contract/protocol.js";
import {
  DEFAULT_MAX_CPU_CORES,
  DEFAULT_MAX_LIST_ITEMS,
  boundList,
} from "../../../common/src/contract/bound-list.js";
import {
  rankDisks,
  rankInterfaces,
  rankSensors,
  rankSshSources,
  rankSuspiciousProcesses,
  rankUnexpectedListeners,
} from "../../../common/src/contract/ranks.js";

/** The agent config's `limits`, in the sampler's terms. */
export interface SnapshotLimits {
  /** Every list not named below. */
  maxListItems: number;
  /** ssh_failed_logins.sources: each carries its user names, so fewer are kept by default. */
  maxSshSources: number;
  /** cpu.per_core_percent, positional: cut at the end only. */
  maxCpuCores: number;
}

export const DEFAULT_SSH_SOURCES = 10;

export const DEFAULT_SNAPSHOT_LIMITS: Readonly<SnapshotLimits> = {
  maxListItems: DEFAULT_MAX_LIST_ITEMS,
  maxSshSources: DEFAULT_SSH_SOURCES,
  maxCpuCores: DEFAULT_MAX_CPU_CORES,
};

/**
 * The snapshot with every host-sized list cut to its limit and its `*_count` set, so that the
 * get_metrics answer stays small whatever the host runs (2,000 listening sockets made a
 * 164 KB sample). Pure: the families build their full lists (issue_count and the security
 * status are computed from them) and this is the one place that cuts them.
 *
 * Not cut: collector_status (one per family) and security.checks (one per check) are bounded
 * by the code, and cutting them would hide why a family or check is missing.
 */
export function boundSnapshot(snapshot: MetricsSnapshot, limits: SnapshotLimits): MetricsSnapshot {
  const out: MetricsSnapshot = { ...snapshot };
  if (snapshot.cpu !== undefined) out.cpu = boundCpu(snapshot.cpu, limits);
  if (snapshot.temperature !== undefined) out.temperature = boundTemperature(snapshot.temperature, limits);
  if (snapshot.disks !== undefined) {
    const disks = boundList(snapshot.disks, limits.maxListItems, rankDisks);
    out.disks = disks.items;
    out.disk_count = disks.total;
  }
  if (snapshot.network !== undefined) out.network = boundNetwork(snapshot.network, limits);
  if (snapshot.processes !== undefined) out.processes = boundProcesses(snapshot.processes, limits);
  if (snapshot.security !== undefined) out.security = boundSecurity(snapshot.security, limits);
  return out;
}

function boundCpu(cpu: CpuMetrics, limits: SnapshotLimits): CpuMetrics {
  // cpu.count already says how many cores there are.
  return { ...cpu, per_core_percent: boundList(cpu.per_core_percent, limits.maxCpuCores).items };
}

function boundTemperature(temperature: TemperatureMetrics, limits: SnapshotLimits): TemperatureMetrics {
  const sensors = boundList(temperature.sensors, limits.maxListItems, rankSensors);
  return { ...temperature, sensors: sensors.items, sensor_count: sensors.total };
}

function boundNetwork(network: NetworkMetrics, limits: SnapshotLimits): NetworkMetrics {
  const interfaces = boundList(network.interfaces, limits.maxListItems, rankInterfaces);
  return { ...network, interfaces: interfaces.items, interface_count: interfaces.total };
}

function boundProcesses(processes: ProcessMetrics, limits: SnapshotLimits): ProcessMetrics {
  // Already ranked (top N); processes.count is their total.
  return {
    ...processes,
    top_memory: boundList(processes.top_memory, limits.maxListItems).items,
    top_cpu: boundList(processes.top_cpu, limits.maxListItems).items,
  };
}

function boundSecurity(security: SecurityMetrics, limits: SnapshotLimits): SecurityMetrics {
  const suspicious = boundList(security.suspicious_processes, limits.maxListItems, rankSuspiciousProcesses);
  const listeners = boundList(security.unexpected_listeners, limits.maxListItems, rankUnexpectedListeners);
  const logins = security.ssh_failed_logins;
  const sources = boundList(logins.sources, limits.maxSshSources, rankSshSources);
  return {
    ...security,
    suspicious_processes: suspicious.items,
    suspicious_process_count: suspicious.total,
    ssh_failed_logins: {
      ...logins,
      sources: sources.items.map((source) => {
        const users = boundList(source.users, limits.maxListItems);
        return { ...source, users: users.items, user_count: users.total };
      }),
      source_count: sources.total,
    },
    unexpected_listeners: listeners.items,
    unexpected_listener_count: listeners.total,
  };
}
