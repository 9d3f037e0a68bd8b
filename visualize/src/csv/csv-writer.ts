import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AgentSeries } from "../model.js";
import { WorkerPool } from "../workers/worker-pool.js";
import type { CsvJob, CsvResult } from "./csv-worker.js";
import { writeAgentCsv, type CsvRows } from "./write-csv.js";

export interface AgentCsvWriter {
  /** Writes the agent's CSV file; its rows are then ready for the combined CSV too. */
  write(file: string, series: AgentSeries): Promise<void>;
  close(): Promise<void>;
}

const WORKER = new URL("./csv-worker.js", import.meta.url);

/**
 * Writes agents' CSV files here, or on a worker thread while this thread draws charts:
 * formatting a month of samples (millions of numbers) takes as long as drawing them. The rows
 * end up in `rows` either way, for the combined CSV.
 */
export function createCsvWriter(onWorker: boolean, rows: CsvRows): AgentCsvWriter {
  if (!onWorker || !existsSync(fileURLToPath(WORKER)))
    return { write: (file, series) => writeAgentCsv(file, series, rows), close: async () => {} };
  // started with the first file: a re-run that draws nothing writes none
  let pool: WorkerPool<Omit<CsvJob, "id">, CsvResult> | undefined;
  return {
    write: async (file, series) => {
      pool ??= new WorkerPool(WORKER, 1);
      // the columns only: the latest snapshot is not in the CSV, and would be copied over
      const result = await pool.run({ file, series: { ...series, latest: undefined } });
      rows.remember(
        series,
        result.rows.map((row) => Buffer.from(row.buffer, row.byteOffset, row.byteLength)),
      );
    },
    close: async () => pool?.close(),
  };
}
