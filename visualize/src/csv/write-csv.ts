import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { threadId } from "node:worker_threads";
import type { AgentHistory, AgentSeries } from "../model.js";

export const CSV_HEADER =
  "agent,time,cpu_percent,cpu_temperature_celsius,load_1,load_5,load_15,memory_percent,swap_percent," +
  "worst_disk_percent,rx_bytes_per_s,tx_bytes_per_s,security_issues";

/** RFC 4180 line break. */
const EOL = "\r\n";
const HEADER_LINE = Buffer.from(CSV_HEADER + EOL);
/** Rows per piece handed to the file: big enough to write efficiently, small enough to stay cheap. */
const ROWS_PER_CHUNK = 4096;

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

/** The rows of agentCsv, encoded in pieces. */
export function agentCsvRows(series: AgentSeries): Buffer[] {
  return formattedRows(series);
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

function formattedRows(history: AgentHistory | AgentSeries): Buffer[] {
  const series = "series" in history ? history.series : history;
  let chunks = encodedRows.get(series);
  if (chunks === undefined) {
    chunks = formatRows(series);
    encodedRows.set(series, chunks);
  }
  return chunks;
}

function formatRows(series: AgentSeries): Buffer[] {
  const agent = quoted(series.agent);
  const disks = [...series.disks.values()];
  const { t, cpu, temperature, load1, load5, load15, memory, swap, rxBytesPerS, txBytesPerS } = series;
  const { securityIssues } = series;
  const times = new IsoTimes();
  const chunks: Buffer[] = [];
  for (let start = 0; start < t.length; start += ROWS_PER_CHUNK) {
    const end = Math.min(t.length, start + ROWS_PER_CHUNK);
    let chunk = "";
    for (let i = start; i < end; i++) {
      let worstDisk = Number.NaN;
      for (const usage of disks) {
        const value = usage[i] as number;
        if (Number.isNaN(worstDisk) || value > worstDisk) worstDisk = value;
      }
      chunk +=
        `${agent},${times.format(t[i] as number)},${cell(cpu[i])},${cell(temperature[i])},` +
        `${cell(load1[i])},${cell(load5[i])},${cell(load15[i])},${cell(memory[i])},${cell(swap[i])},` +
        `${cell(worstDisk)},${cell(rxBytesPerS[i])},${cell(txBytesPerS[i])},${cell(securityIssues[i])}${EOL}`;
    }
    chunks.push(Buffer.from(chunk, "utf8"));
  }
  return chunks;
}

/** toISOString of ascending times, reusing the date and hour:minute part while it stays the same. */
class IsoTimes {
  private minute = Number.NaN;
  private prefix = "";

  format(time: number): string {
    const minute = Math.floor(time / 60_000) * 60_000;
    if (minute !== this.minute) {
      const iso = new Date(minute).toISOString();
      // years before 0 or after 9999 have a longer form
      if (iso.length !== 24) return new Date(time).toISOString();
      this.minute = minute;
      this.prefix = iso.slice(0, 17);
    }
    const ms = time - minute;
    if (!Number.isInteger(ms)) return new Date(time).toISOString();
    const seconds = Math.floor(ms / 1000);
    const millis = ms % 1000;
    return `${this.prefix}${seconds < 10 ? "0" : ""}${seconds}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
  }
}

/** A number as written (String(value)), empty for a missing one. */
export function cell(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "";
  // most figures have at most two decimals: integers print several times faster than doubles
  const hundredths = Math.round(value * 100);
  if (hundredths / 100 !== value || Math.abs(hundredths) > MAX_HUNDREDTHS) return String(value);
  const whole = Math.trunc(hundredths / 100);
  const fraction = Math.abs(hundredths % 100);
  if (fraction === 0) return String(whole);
  const sign = hundredths < 0 && whole === 0 ? "-" : "";
  if (fraction % 10 === 0) return `${sign}${whole}.${fraction / 10}`;
  return `${sign}${whole}.${fraction < 10 ? "0" : ""}${fraction}`;
}

/** Below this, a value with two decimals or fewer prints as its hundredths would (no exponent). */
const MAX_HUNDREDTHS = 1e15;

/** RFC 4180: a field with a comma, quote or line break goes in quotes, its quotes doubled. */
function quoted(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
