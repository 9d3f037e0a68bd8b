import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type FileHistoryReaderOptions,
  FileHistoryReader,
  type SeriesQuery,
} from "../../../collector/src/storage/index.js";
import type { AgentSeries } from "../model.js";
import { WorkerPool } from "../workers/worker-pool.js";
import { mergeSeries } from "./merge-series.js";
import type { SeriesJob, SeriesResult } from "./series-worker.js";

const WORKER = new URL("./series-worker.js", import.meta.url);

/** Whether the file store can be read on worker threads here (built code, several threads). */
export function canReadInParallel(threads: number): boolean {
  return threads > 1 && existsSync(fileURLToPath(WORKER));
}

/**
 * The file store's samples read by several threads at once: the samples file is cut into
 * parts of whole lines (archives whole), each part read into series on a worker, and every
 * agent's parts merged in order. Reading is mostly scanning text, which one thread cannot do
 * faster than about 150 MB/s.
 */
export async function readSeriesInParallel(
  files: FileHistoryReaderOptions,
  query: SeriesQuery,
  threads: number,
  capacity: number,
  onProgress?: (samplesRead: number) => void,
): Promise<Map<string, AgentSeries>> {
  const parts = await new FileHistoryReader(files).seriesParts(query, threads);
  const pool = new WorkerPool<Omit<SeriesJob, "id">, SeriesResult>(WORKER, Math.min(threads, parts.length));
  let read = 0;
  try {
    const results = await Promise.all(
      parts.map(async (part) => {
        const result = await pool.run({
          files,
          part,
          query,
          capacity: Math.ceil(capacity / parts.length) + 16,
        });
        read += result.samples;
        onProgress?.(read);
        return result.series;
      }),
    );
    const byAgent = new Map<string, AgentSeries[]>();
    for (const series of results.flat()) {
      const list = byAgent.get(series.agent) ?? [];
      list.push(series);
      byAgent.set(series.agent, list);
    }
    return new Map([...byAgent].map(([agent, list]) => [agent, mergeSeries(list)]));
  } finally {
    await pool.close();
  }
}
