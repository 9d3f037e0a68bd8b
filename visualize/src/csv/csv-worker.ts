import type { AgentSeries } from "../model.js";
import { serveJobs } from "../workers/serve-jobs.js";
import { formattedRows, writeAgentCsv } from "./write-csv.js";

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
  await writeAgentCsv(job.file, job.series);
  return { rows: formattedRows(job.series) };
});
