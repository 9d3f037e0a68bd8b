import type { HostPaths } from "./family.js";
import { readText } from "./read.js";

/** Seconds since boot, the first field of /proc/uptime. */
export function parseUptime(text: string): number {
  const seconds = Number.parseFloat(text);
  if (!Number.isFinite(seconds)) throw new Error(`unexpected /proc/uptime content: ${JSON.stringify(text)}`);
  return seconds;
}

export function readUptime(paths: HostPaths): number {
  return parseUptime(readText(`${paths.proc}/uptime`));
}
