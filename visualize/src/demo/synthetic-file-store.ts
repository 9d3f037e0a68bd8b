import { writeFileSync } from "node:fs";
import path from "node:path";
import { FileStore } from "../../../collector/src/storage/index.js";
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

/**
 * What hostwatch-visualize reads, made up: the history in a file store in `dir`/data and a
 * collector config there naming its agents (`config` adds or replaces keys). Returns both paths.
 */
export async function writeSyntheticSetup(
  history: SyntheticHistory,
  dir: string,
  config: object = {},
): Promise<{ configFile: string; dataDir: string }> {
  const dataDir = path.join(dir, "data");
  await writeToFileStore(history, dataDir);
  const configFile = path.join(dir, "collector.json");
  const agents = history.names.map((name) => ({ name, host: "127.0.0.1" }));
  const base = { agents, state_dir: path.join(dir, "state"), storage: { type: "file", dir: dataDir } };
  writeFileSync(configFile, JSON.stringify({ ...base, ...config }));
  return { configFile, dataDir };
}
