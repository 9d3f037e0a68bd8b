import {
  type SeriesQuery,
  FileHistoryReader,
  type FileHistoryReaderOptions,
  type FilePart,
} from "../../../collector/src/storage/index.js";
import type { AgentSeries } from "../model.js";
import { serveJobs } from "../workers/serve-jobs.js";
import { SeriesBuilders } from "./series-builder.js";

export interface SeriesJob {
  id: number;
  files: FileHistoryReaderOptions;
  part: FilePart;
  query: SeriesQuery;
  capacity: number;
}

export interface SeriesResult {
  series: AgentSeries[];
  samples: number;
}

async function readPart(job: SeriesJob): Promise<SeriesResult> {
  const reader = new FileHistoryReader(job.files);
  const series = new SeriesBuilders(job.capacity);
  let samples = 0;
  try {
    for await (const batch of reader.seriesOfPart(job.part, job.query)) samples += series.add(batch);
  } finally {
    await reader.close();
  }
  return { samples, series: [...series.build().values()] };
}

serveJobs(readPart);
