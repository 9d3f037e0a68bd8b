import type { NormalisedSnapshot } from "../../polling/normalise/normalised-snapshot.js";
import type { MetricName, ResolvedRules } from "./types.js";

/** One value to compare with a rule. A metric whose value is missing yields no observation. */
export interface Observation {
  metric: MetricName;
  /** disk_usage only. */
  mount?: string;
  value: number;
  /** Context for the message: "status critical", "load 5.2 on 4 cores". */
  detail?: string;
  /**
   * The agent itself rates this critical (security_issues with status "critical": a process
   * run from /tmp or a deleted executable), whatever the count: the alert is critical.
   */
  critical?: boolean;
}

/**
 * The values of the metrics that have a rule. Third-party agents may leave out any field, so
 * everything is checked: a value that is absent, null or not a finite number is missing.
 */
export function extractObservations(snapshot: NormalisedSnapshot, rules: ResolvedRules): Observation[] {
  const out: Observation[] = [];
  const add = (metric: MetricName, value: number | undefined, extra?: Partial<Observation>) => {
    if (rules[metric] && value !== undefined) out.push({ metric, value, ...extra });
  };
  add("cpu_usage", num(snapshot.cpu?.usage_percent));
  add("cpu_temperature", num(snapshot.temperature?.cpu_celsius));
  const load = loadObservation(snapshot, rules.system_load?.per_core === true);
  if (load) add("system_load", load.value, load.detail ? { detail: load.detail } : {});
  add("memory_usage", num(snapshot.memory?.usage_percent));
  add("swap_usage", swapValue(snapshot));
  for (const disk of disks(snapshot)) add("disk_usage", disk.value, { mount: disk.mount });
  const security = snapshot.security;
  // "unavailable": no check could run, so its issue_count of 0 means nothing.
  if (security?.status !== "unavailable") {
    const status = typeof security?.status === "string" ? security.status : undefined;
    add(
      "security_issues",
      num(security?.issue_count),
      status ? { detail: `status ${status}`, ...(status === "critical" ? { critical: true } : {}) } : {},
    );
  }
  return out;
}

function loadObservation(
  snapshot: NormalisedSnapshot,
  perCore: boolean,
): { value: number; detail?: string } | undefined {
  const load = num(snapshot.load?.load_1);
  if (load === undefined) return undefined;
  if (!perCore) return { value: load };
  const cores = num(snapshot.cpu?.count);
  // At least one core: a count of 5e-324 (> 0) made load / cores Infinity, an observation of an
  // infinite load (found by extract.property.test.ts); and a huge load over one core can still
  // overflow, so the ratio itself must be finite.
  if (cores === undefined || !(cores >= 1)) return undefined;
  const value = load / cores;
  if (!Number.isFinite(value)) return undefined;
  return { value, detail: `load ${round(load)} on ${cores} cores` };
}

/** Only a host with swap has a swap usage. */
function swapValue(snapshot: NormalisedSnapshot): number | undefined {
  const total = num(snapshot.memory?.swap_total_bytes);
  return total !== undefined && total > 0 ? num(snapshot.memory?.swap_percent) : undefined;
}

/** One value per mount; the first entry wins when an agent lists a mount twice. */
function disks(snapshot: NormalisedSnapshot): Array<{ mount: string; value: number }> {
  const list: unknown = snapshot.disks;
  if (!Array.isArray(list)) return [];
  const seen = new Map<string, number>();
  for (const disk of list as Array<Partial<Record<string, unknown>> | null>) {
    const mount = disk?.mount;
    const value = num(disk?.usage_percent);
    if (typeof mount === "string" && mount !== "" && value !== undefined && !seen.has(mount)) {
      seen.set(mount, value);
    }
  }
  return [...seen].map(([mount, value]) => ({ mount, value }));
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
