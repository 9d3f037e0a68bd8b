import type { AgentSeries } from "../model.js";

/**
 * One agent's series read in consecutive parts (oldest part first) as one: samples of a part
 * no newer than the newest of the parts before are dropped, as a single reader drops them; a
 * mount missing from a part is NaN there; latest and cpuCount come from the newest part.
 */
export function mergeSeries(parts: readonly AgentSeries[]): AgentSeries {
  if (parts.length === 1) return parts[0]!;
  const kept: Array<{ part: AgentSeries; from: number }> = [];
  let newest = Number.NEGATIVE_INFINITY;
  let length = 0;
  for (const part of parts) {
    let from = 0;
    while (from < part.t.length && !(part.t[from]! > newest)) from++;
    if (from === part.t.length) continue;
    kept.push({ part, from });
    length += part.t.length - from;
    newest = part.t[part.t.length - 1]!;
  }
  const concat = (pick: (part: AgentSeries) => Float64Array | undefined): Float64Array => {
    const out = new Float64Array(length).fill(Number.NaN);
    let at = 0;
    for (const { part, from } of kept) {
      const column = pick(part);
      if (column !== undefined) out.set(column.subarray(from), at);
      at += part.t.length - from;
    }
    return out;
  };
  const mounts = new Set(parts.flatMap((part) => [...part.disks.keys()]));
  const last = [...parts].reverse().find((part) => part.t.length > 0) ?? parts[parts.length - 1]!;
  const names = new Set(parts.flatMap((part) => Object.keys(part.values)));
  return {
    agent: last.agent,
    t: concat((part) => part.t),
    values: Object.fromEntries([...names].map((name) => [name, concat((part) => part.values[name])])),
    disks: new Map([...mounts].map((mount) => [mount, concat((part) => part.disks.get(mount))])),
    latest: last.latest,
    cpuCount: [...parts].reverse().find((part) => part.cpuCount !== undefined)?.cpuCount,
  };
}
