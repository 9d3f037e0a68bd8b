import type { MetricFamily, MetricsSnapshot } from "../../../common/src/contract/protocol.js";

/** Where the sampler reads the host from; tests point these at fixture trees. */
export interface HostPaths {
  proc: string;
  sys: string;
  etc: string;
}

export const REAL_HOST: HostPaths = { proc: "/proc", sys: "/sys", etc: "/etc" };

/**
 * One metric family (node_exporter-style): reads its files, parses them with pure functions
 * and returns its part of the snapshot. Rate-based families keep the previous counters; their
 * first call reports the average since boot (as vmstat's first line does).
 */
export interface FamilyCollector {
  /** The `metrics.enable_<family>` switch and the name shown in collector_status. */
  readonly family: MetricFamily;
  collect(): Promise<Partial<MetricsSnapshot>>;
}
