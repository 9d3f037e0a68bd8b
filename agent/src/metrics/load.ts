import type { LoadMetrics } from "../../../common/src/contract/protocol.js";
import type { HostPaths } from "./family.js";
import { readText } from "./read.js";

/** /proc/loadavg: "0.23 0.27 0.12 1/141 6229". */
export function parseLoadavg(text: string): LoadMetrics {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (
    one === undefined ||
    five === undefined ||
    fifteen === undefined ||
    [one, five, fifteen].some(Number.isNaN)
  ) {
    throw new Error(`unexpected /proc/loadavg content: ${JSON.stringify(text)}`);
  }
  return { load_1: one, load_5: five, load_15: fifteen };
}

export function readLoad(paths: HostPaths): LoadMetrics {
  return parseLoadavg(readText(`${paths.proc}/loadavg`));
}
