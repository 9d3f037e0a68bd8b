import path from "node:path";
import { FileStore } from "../../../collector/src/storage/file/file-store.js";
import type { SyntheticHistory } from "./synthetic-history.js";

/** A file store in `dir` with the collector's default file names. */
export function fileStoreIn(dir: string, maxSizeBytes = 256 * 1024 * 1024): FileStore {
  return new FileStore({
    metricsFile: path.join(dir, "metrics_data.log"),
    jsonFile: path.join(dir, "metrics_data.jsonl"),
    figuresFile: path.join(dir, "metrics_figures.jsonl"),
    eventsFile: path.join(dir, "poll_events.jsonl"),
    alertsFile: path.join(dir, "alerts.jsonl"),
    maxSizeBytes,
    backupCount: 10,
  });
}

/** Writes the history into a file store in `dir`, as the collector would have. */
export async function writeToFileStore(history: SyntheticHistory, dir: string): Promise<void> {
  const store = fileStoreIn(dir);
  await store.open();
  try {
    await history.writeTo(store);
  } finally {
    await store.close();
  }
}
