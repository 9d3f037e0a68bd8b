import type {
  DiskMetrics,
  InterfaceMetrics,
  SshSource,
  SuspiciousProcess,
  TemperatureSensor,
  UnexpectedListener,
} from "./protocol.js";
import { byDescending } from "./bound-list.js";
import type { Rank } from "./bound-list.js";

/**
 * Which entries of each snapshot list survive a cut. Shared by the agent (which cuts what it
 * sends) and the collector (which cuts what other agents send), so both keep the same ones.
 * Field reads tolerate missing values: the collector ranks foreign agents' entries too.
 */

/** Critical before warning: a memfd sandbox (warning) must not push out a binary in /tmp. */
export const rankSuspiciousProcesses: Rank<SuspiciousProcess> = byDescending((p) =>
  p.severity === "critical" ? 1 : 0,
);

/** The sources with the most failures first. */
export const rankSshSources: Rank<SshSource> = byDescending((source) => source.count);

/**
 * Listeners reachable from other hosts before loopback-only ones: a port on 0.0.0.0 is the
 * finding a sysadmin has to act on; one on 127.0.0.1 is mostly a local tool.
 */
export const rankUnexpectedListeners: Rank<UnexpectedListener> = byDescending((listener) =>
  isLoopback(listener.address) ? 0 : 1,
);

/** The fullest disks first, by space or by inodes, whichever runs out sooner. */
export const rankDisks: Rank<DiskMetrics> = byDescending((disk) =>
  Math.max(disk.usage_percent, disk.inodes_percent ?? Number.NEGATIVE_INFINITY),
);

/** The busiest interfaces first. */
export const rankInterfaces: Rank<InterfaceMetrics> = byDescending(
  (nic) => nic.rx_bytes_per_s + nic.tx_bytes_per_s,
);

/** The hottest sensors first: they are the ones a temperature alert is about. */
export const rankSensors: Rank<TemperatureSensor> = byDescending((sensor) => sensor.celsius);

export function isLoopback(address: string | undefined): boolean {
  if (typeof address !== "string") return false;
  return address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127.");
}
