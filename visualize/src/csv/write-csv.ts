import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { threadId } from "node:worker_threads";
import type { AgentHistory, AgentSeries } from "../model.js";
import { RowBytes } from "./row-bytes.js";

export const CSV_HEADER =
  "agent,time,cpu_percent,cpu_temperature_celsius,load_1,load_5,load_15,memory_percent,swap_percent," +
  "worst_disk_percent,rx_bytes_per_s,tx_bytes_per_s,security_issues";

/** RFC 4180 line break. */
const EOL = "\r\n";
const HEADER_LINE = Buffer.from(CSV_HEADER + EOL);

/** One agent's samples as CSV (RFC 4180): the header, then a row per sample; an empty cell for a missing value. */
export function agentCsv(series: AgentSeries): string {
  return historyCsv([series]);
}

/** Every agent's samples as one CSV, agent after agent. */
export function historyCsv(histories: ReadonlyArray<AgentHistory | AgentSeries>): string {
  return Buffer.concat([HEADER_LINE, ...histories.flatMap(formattedRows)]).toString("utf8");
}

/** historyCsv written to a file piece by piece (~100 MB for 100 agents over a day), replacing it at once. */
export function writeHistoryCsv(
  file: string,
  histories: ReadonlyArray<AgentHistory | AgentSeries>,
): Promise<void> {
  return writeChunks(file, histories);
}

/** agentCsv written to a file. */
export function writeAgentCsv(file: string, series: AgentSeries): Promise<void> {
  return writeChunks(file, [series]);
}

/**
 * The agent's CSV rows, encoded (what a CSV worker sends back): kept for the combined CSV, as
 * if formatted here.
 */
export function rememberRows(series: AgentSeries, rows: Buffer[]): void {
  encodedRows.set(series, rows);
}

async function writeChunks(
  file: string,
  histories: ReadonlyArray<AgentHistory | AgentSeries>,
): Promise<void> {
  const partial = `${file}.${process.pid}.${threadId}.partial`;
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(partial, "w");
  try {
    await handle.write(HEADER_LINE);
    for (const history of histories) for (const chunk of formattedRows(history)) await handle.write(chunk);
    await handle.close();
    await rename(partial, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Each series' rows, formatted and encoded the first time (that is most of the cost): a run
 * writes them twice, to the agent's CSV and to the combined one. Buffers, not strings, so the
 * garbage collector does not have to walk them. Series are not changed once built.
 */
const encodedRows = new WeakMap<AgentSeries, Buffer[]>();

/** The rows of agentCsv / historyCsv (without the header), encoded in pieces. */
export function formattedRows(history: AgentHistory | AgentSeries): Buffer[] {
  const series = "series" in history ? history.series : history;
  let chunks = encodedRows.get(series);
  if (chunks === undefined) {
    chunks = formatRows(series);
    encodedRows.set(series, chunks);
  }
  return chunks;
}

function formatRows(series: AgentSeries): Buffer[] {
  const agent = Buffer.from(quoted(series.agent), "utf8");
  const disks = [...series.disks.values()];
  const { t, cpu, temperature, load1, load5, load15, memory, swap, rxBytesPerS, txBytesPerS } = series;
  const { securityIssues } = series;
  const columns = [cpu, temperature, load1, load5, load15, memory, swap];
  const after = [rxBytesPerS, txBytesPerS, securityIssues];
  const rows = new RowBytes();
  for (let i = 0; i < t.length; i++) {
    let worstDisk = Number.NaN;
    for (const usage of disks) {
      const value = usage[i] as number;
      if (Number.isNaN(worstDisk) || value > worstDisk) worstDisk = value;
    }
    rows.startRow(agent.length);
    rows.bytes(agent);
    rows.comma();
    rows.isoTime(t[i] as number);
    for (const column of columns) {
      rows.comma();
      rows.number(column[i] as number);
    }
    rows.comma();
    rows.number(worstDisk);
    for (const column of after) {
      rows.comma();
      rows.number(column[i] as number);
    }
    rows.byte(CR);
    rows.byte(LF);
  }
  return rows.finish();
}

const CR = 13;
const LF = 10;

/** RFC 4180: a field with a comma, quote or line break goes in quotes, its quotes doubled. */
function quoted(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
