import type { TimeRange } from "../../../collector/src/storage/records.js";
import {
  FileHistoryReader,
  type FileHistoryReaderOptions,
  type FilePart,
} from "../../../collector/src/storage/file/file-reader.js";
import type { AgentSeries } from "../model.js";
import { serveJobs } from "../workers/serve-jobs.js";
import { SeriesBuilder } from "./series-builder.js";

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
  const builders = new Map<string, SeriesBuilder>();
  let samples = 0;
  try {
    for await (const batch of reader.figuresOfPart(job.part, job.range)) {
      for (const figures of batch) {
        let builder = builders.get(figures.agent);
        if (builder === undefined) {
          builder = new SeriesBuilder(figures.agent, job.capacity);
          builders.set(figures.agent, builder);
        }
        if (builder.addFigures(figures)) samples++;
      }
    }
  } finally {
    await reader.close();
  }
  return { samples, series: [...builders.values()].map((b) => b.build()) };
}

serveJobs(readPart);
