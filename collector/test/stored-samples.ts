import { readFileSync } from "node:fs";
import path from "node:path";
import { withServer } from "./support/mysql-server.js";

/** Poll times (epoch ms, in store order) per agent: what a test compares with what was polled. */
export type SampleTimes = Map<string, number[]>;

function group(rows: Iterable<{ name: string; ts: Date | string }>): SampleTimes {
  const byAgent: SampleTimes = new Map();
  for (const row of rows) {
    const list = byAgent.get(row.name) ?? [];
    list.push(new Date(row.ts).getTime());
    byAgent.set(row.name, list);
  }
  return byAgent;
}

/** The samples in a MySQL store's database; empty while it does not exist yet. */
export async function mysqlSampleTimes(database: string): Promise<SampleTimes> {
  const rows = await withServer(async (db) => {
    const [result] = (await db.raw(
      `SELECT a.name, s.ts FROM \`${database}\`.samples s JOIN \`${database}\`.agents a ON a.id = s.agent_id ORDER BY s.ts`,
    )) as unknown as [Array<{ name: string; ts: Date }>];
    return result;
  }).catch(() => []);
  return group(rows);
}

/** The samples in a file store's metrics_data.jsonl, one per line, duplicates kept. */
export function fileSampleTimes(dataDir: string, file = "metrics_data.jsonl"): SampleTimes {
  let text = "";
  try {
    text = readFileSync(path.join(dataDir, file), "utf8");
  } catch {
    return new Map();
  }
  const lines = text.split("\n").filter((line) => line !== "");
  return group(
    lines
      .map((line) => JSON.parse(line) as { agent: string; ts: string })
      .map((s) => ({ name: s.agent, ts: s.ts })),
  );
}

export function count(times: SampleTimes, agent: string, before = Infinity): number {
  return (times.get(agent) ?? []).filter((t) => t < before).length;
}

export function duplicates(times: SampleTimes): number {
  let found = 0;
  for (const list of times.values()) found += list.length - new Set(list).size;
  return found;
}

/** Largest time between two consecutive polls of one agent, in ms. */
export function largestGap(times: SampleTimes, agent: string): number {
  const list = [...(times.get(agent) ?? [])].sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < list.length; i++) gap = Math.max(gap, (list[i] ?? 0) - (list[i - 1] ?? 0));
  return gap;
}
