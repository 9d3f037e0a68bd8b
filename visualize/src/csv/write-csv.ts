import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { threadId } from "node:worker_threads";
import { SERIES_COLUMNS } from "../../../collector/src/storage/index.js";
import { valuesOf, type AgentHistory, type AgentSeries } from "../model.js";
import { RowBytes } from "./row-bytes.js";

/** The series columns of the storage catalog, named as in MySQL's samples table. */
export const CSV_HEADER = ["agent", "time", ...SERIES_COLUMNS.map((column) => column.name)].join(",");

/** RFC 4180 line break. */
const EOL = "\r\n";
const HEADER_LINE = Buffer.from(CSV_HEADER + EOL);

/**
 * Each series' rows, formatted and encoded the first time (that is most of the cost): a run
 * writes them twice, to the agent's CSV and to the combined one, so it keeps one CsvRows for
 * both. Buffers, not strings, so the garbage collector does not have to walk them. Series are
 * not changed once built.
 */
export class CsvRows {
  private readonly encoded = new WeakMap<AgentSeries, Buffer[]>();

  /** The rows of agentCsv / historyCsv (without the header), encoded in pieces. */
  of(history: AgentHistory | AgentSeries): Buffer[] {
    const series = "series" in history ? history.series : history;
    let chunks = this.encoded.get(series);
    if (chunks === undefined) {
      chunks = formatRows(series);
      this.encoded.set(series, chunks);
    }
    return chunks;
  }

  /** The agent's rows as a CSV worker encoded them: kept as if formatted here. */
  remember(series: AgentSeries, rows: Buffer[]): void {
    this.encoded.set(series, rows);
  }
}

/** One agent's samples as CSV (RFC 4180): the header, then a row per sample; an empty cell for a missing value. */
export function agentCsv(series: AgentSeries): string {
  return historyCsv([series]);
}

/** Every agent's samples as one CSV, agent after agent. */
export function historyCsv(histories: ReadonlyArray<AgentHistory | AgentSeries>): string {
  const rows = new CsvRows();
  return Buffer.concat([HEADER_LINE, ...histories.flatMap((history) => rows.of(history))]).toString("utf8");
}

/** historyCsv written to a file piece by piece (~100 MB for 100 agents over a day), replacing it at once. */
export function writeHistoryCsv(
  file: string,
  histories: ReadonlyArray<AgentHistory | AgentSeries>,
  rows = new CsvRows(),
): Promise<void> {
  return writeChunks(file, histories, rows);
}

/** agentCsv written to a file. */
export function writeAgentCsv(file: string, series: AgentSeries, rows = new CsvRows()): Promise<void> {
  return writeChunks(file, [series], rows);
}

async function writeChunks(
  file: string,
  histories: ReadonlyArray<AgentHistory | AgentSeries>,
  rows: CsvRows,
): Promise<void> {
  const partial = `${file}.${process.pid}.${threadId}.partial`;
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(partial, "w");
  try {
    await handle.write(HEADER_LINE);
    for (const history of histories) for (const chunk of rows.of(history)) await handle.write(chunk);
    await handle.close();
    await rename(partial, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

function formatRows(series: AgentSeries): Buffer[] {
  const agent = Buffer.from(quoted(series.agent), "utf8");
  const { t } = series;
  const columns = SERIES_COLUMNS.map((column) => valuesOf(series, column.name));
  const rows = new RowBytes();
  for (let i = 0; i < t.length; i++) {
    rows.startRow(agent.length, columns.length);
    rows.bytes(agent);
    rows.comma();
    rows.isoTime(t[i]!);
    for (const column of columns) {
      rows.comma();
      rows.number(column[i]!);
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
