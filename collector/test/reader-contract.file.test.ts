import { mkdtempSync, rmSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FileHistoryReader, FileStore, listRotatedFiles } from "../src/storage/index.js";
import { describeReaderContract } from "./reader-contract.js";

describeReaderContract("file store", {
  create: async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "reader-contract-"));
    const files = {
      jsonFile: path.join(dir, "metrics_data.jsonl"),
      figuresFile: path.join(dir, "metrics_figures.jsonl"),
      eventsFile: path.join(dir, "poll_events.jsonl"),
      alertsFile: path.join(dir, "alerts.jsonl"),
    };
    // small files: the fixture spans several rotated files, most of them gzipped
    const store = new FileStore({
      ...files,
      metricsFile: path.join(dir, "metrics_data.log"),
      maxSizeBytes: 16 * 1024,
      backupCount: 1000,
    });
    return {
      store,
      reader: () => new FileHistoryReader(files),
      /** Rotation's pruning: the oldest archive of each file deleted, as backupCount does. */
      forgetOldest: async () => {
        await store.flush();
        const figures = await listRotatedFiles(files.figuresFile);
        const samples = await listRotatedFiles(files.jsonFile);
        if (figures.length < 3 || samples.length < 3)
          throw new Error(`too few files in ${(await readdir(dir)).join(", ")}`);
        await rm(figures[0]!.path);
        await rm(samples[0]!.path);
        const reader = new FileHistoryReader(files);
        let first = Number.POSITIVE_INFINITY;
        for await (const batch of reader.series({ from: 0, to: Date.UTC(9000, 0, 1) }))
          first = Math.min(first, batch.t[0]!);
        await reader.close();
        return first;
      },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
