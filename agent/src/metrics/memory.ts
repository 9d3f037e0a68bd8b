import type { MemoryMetrics, MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import type { FamilyCollector, HostPaths } from "./family.js";
import { clampPercent, round } from "./numbers.js";
import { readText } from "./read.js";

/** /proc/meminfo as bytes per key ("kB" values × 1024; unit-less ones such as HugePages_Total as is). */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([^:\s]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (match === null) continue;
    const [, key = "", value = "0", unit] = match;
    values.set(key, unit === undefined ? Number(value) : Number(value) * 1024);
  }
  return values;
}

function requireKey(meminfo: Map<string, number>, key: string): number {
  const value = meminfo.get(key);
  if (value === undefined) throw new Error(`/proc/meminfo has no ${key}`);
  return value;
}

/** Kernels before 3.14 have no MemAvailable; estimate it as free + buffers + page cache + reclaimable slab. */
function availableBytes(meminfo: Map<string, number>): number {
  const available = meminfo.get("MemAvailable");
  if (available !== undefined) return available;
  return ["MemFree", "Buffers", "Cached", "SReclaimable"].reduce(
    (acc, key) => acc + (meminfo.get(key) ?? 0),
    0,
  );
}

export function memoryMetrics(meminfo: Map<string, number>): MemoryMetrics {
  const total = requireKey(meminfo, "MemTotal");
  const available = Math.min(availableBytes(meminfo), total);
  const used = total - available;
  const swapTotal = meminfo.get("SwapTotal") ?? 0;
  const swapUsed = Math.max(0, swapTotal - (meminfo.get("SwapFree") ?? 0));
  return {
    total_bytes: total,
    used_bytes: used,
    available_bytes: available,
    usage_percent: total > 0 ? round(clampPercent((used / total) * 100), 2) : 0,
    swap_total_bytes: swapTotal,
    swap_used_bytes: swapUsed,
    swap_percent: swapTotal > 0 ? round(clampPercent((swapUsed / swapTotal) * 100), 2) : 0,
    // as free(1) counts them: the page cache with the reclaimable slab, and block-device buffers
    cached_bytes: (meminfo.get("Cached") ?? 0) + (meminfo.get("SReclaimable") ?? 0),
    buffers_bytes: meminfo.get("Buffers") ?? 0,
  };
}

/** Family "memory": /proc/meminfo. */
export class MemoryCollector implements FamilyCollector {
  readonly family = "memory" as const;

  constructor(private readonly paths: HostPaths) {}

  async collect(): Promise<Partial<MetricsSnapshot>> {
    return { memory: memoryMetrics(parseMeminfo(readText(`${this.paths.proc}/meminfo`))) };
  }
}
