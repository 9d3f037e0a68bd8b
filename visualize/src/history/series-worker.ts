import {
  type TimeRange,
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
  range: TimeRange;
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
    for await (const batch of reader.figuresOfPart(job.part, job.range))
      for (const figures of batch) if (series.of(figures.agent).addFigures(figures)) samples++;
  } finally {
    await reader.close();
  }
  return { samples, series: [...series.build().values()] };
}

serveJobs(readPart);
