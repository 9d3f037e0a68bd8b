import type { AgentSeries } from "../model.js";
import { serveJobs } from "../workers/serve-jobs.js";
import { CsvRows, writeAgentCsv } from "./write-csv.js";

export interface CsvJob {
  id: number;
  file: string;
  series: AgentSeries;
}

export interface CsvResult {
  /** The encoded rows, for the combined CSV. */
  rows: Uint8Array[];
}

serveJobs<CsvJob, CsvResult>(async (job) => {
  // the series came over from the main thread: formatted here once, for the file and the reply
  const rows = new CsvRows();
  await writeAgentCsv(job.file, job.series, rows);
  return { rows: rows.of(job.series) };
});
