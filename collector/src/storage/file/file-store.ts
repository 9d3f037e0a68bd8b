import { constants } from "node:fs";
import { access, mkdir, stat, statfs } from "node:fs/promises";
import path from "node:path";
import type { AlertRecord, PollEvent, PollSample } from "../records.js";
import type { Store } from "../store.js";
import { figuresSinceLine, seriesLine } from "./series-line.js";
import { listRotatedFiles } from "./file-names.js";
import { eventJsonLine, sampleJsonLine, sampleLogLine } from "./lines.js";
import { RotatingFile } from "./rotating-file.js";

export interface FileStoreOptions {
  /** metrics_data.log: one human-readable line per sample. */
  metricsFile: string;
  /** metrics_data.jsonl: one JSON object per sample. */
  jsonFile: string;
  /** metrics_figures.jsonl: each sample's chartable figures (figures-file.ts); none without. */
  figuresFile?: string | undefined;
  /** poll_events.jsonl: one JSON object per poll event. */
  eventsFile: string;
  /** alerts.jsonl: one JSON object per alert state change. */
  alertsFile: string;
  /** Rotation size of each file, in bytes (rounded to KiB by the rotating transport). */
  maxSizeBytes: number;
  /** Gzipped archives kept per file besides the current one; 0 keeps none. */
  backupCount: number;
}

/**
 * The default store: five rotated files (see file-names.ts for their names). A batch is
 * written when writeSamples resolves; a write error rejects it (the caller spools the batch), and
 * the next write reopens the files. Replays may duplicate lines; the reader drops duplicates.
 */
export class FileStore implements Store {
  readonly kind = "file";
  private readonly metrics: RotatingFile;
  private readonly json: RotatingFile;
  private readonly figures: RotatingFile | undefined;
  private readonly events: RotatingFile;
  private readonly alerts: RotatingFile;

  constructor(private readonly options: FileStoreOptions) {
    const rotation = { maxSizeBytes: options.maxSizeBytes, backupCount: options.backupCount };
    this.metrics = new RotatingFile({ file: options.metricsFile, ...rotation });
    this.json = new RotatingFile({ file: options.jsonFile, ...rotation });
    this.figures =
      options.figuresFile === undefined
        ? undefined
        : new RotatingFile({ file: options.figuresFile, ...rotation });
    this.events = new RotatingFile({ file: options.eventsFile, ...rotation });
    this.alerts = new RotatingFile({ file: options.alertsFile, ...rotation });
  }

  async open(): Promise<void> {
    const { figuresFile } = this.options;
    // a store that wrote samples without a figures file marks where the figures begin
    if (figuresFile !== undefined && (await isEmpty(figuresFile)) && !(await isEmpty(this.options.jsonFile)))
      await this.figures?.write([figuresSinceLine(new Date())]);
    await this.each((file) => file.open());
  }

  async writeSamples(samples: ReadonlyArray<PollSample>): Promise<void> {
    if (samples.length === 0) return;
    // every line is made before any is written: a record that cannot be encoded writes nothing
    const json = samples.map(sampleJsonLine);
    const log = samples.map(sampleLogLine);
    const figures = this.figures === undefined ? [] : samples.map(seriesLine);
    await allOrNothing([
      [this.json, json],
      [this.metrics, log],
      ...(this.figures === undefined ? [] : [[this.figures, figures] as const]),
    ]);
  }

  async writeEvents(events: ReadonlyArray<PollEvent>): Promise<void> {
    await this.events.write(events.map(eventJsonLine));
  }

  /** Bytes of torn last lines (a crash mid-write) cut off when the files were opened. */
  get tornBytesCut(): number {
    return [this.json, this.metrics, this.figures, this.events, this.alerts].reduce(
      (sum, file) => sum + (file?.tornBytesCut ?? 0),
      0,
    );
  }

  async writeAlerts(alerts: ReadonlyArray<AlertRecord>): Promise<void> {
    if (alerts.length === 0) return;
    await this.alerts.write(alerts.map((record) => JSON.stringify(record)));
  }

  async flush(): Promise<void> {
    await this.each((file) => file.flush());
  }

  /** The data folder exists, is writable, and has room for a batch. */
  async probe(): Promise<void> {
    const dir = path.dirname(this.options.jsonFile);
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const { bavail, bsize } = await statfs(dir);
    const free = bavail * bsize;
    if (free < MIN_FREE_BYTES) throw new Error(`no space left on device: ${free} bytes free in ${dir}`);
  }

  /** File writes cannot be cancelled; a hanging one holds only the files behind it. */
  abort(): void {}

  async close(): Promise<void> {
    await this.each((file) => file.close());
  }

  /** Runs on every file; waits for all, then rejects with the first error. */
  private async each(task: (file: RotatingFile) => Promise<void>): Promise<void> {
    const files = [this.json, this.metrics, this.figures, this.events, this.alerts];
    const results = await Promise.allSettled(
      files.flatMap((file) => (file === undefined ? [] : [task(file)])),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }
}

/**
 * Writes each file's lines; when any write fails, the others are taken back too (each failed
 * one rolled itself back), so a batch is in all the files or in none, and its retry writes
 * every line once: never a .log line without its .jsonl line, or twice.
 */
async function allOrNothing(
  writes: ReadonlyArray<readonly [RotatingFile, readonly string[]]>,
): Promise<void> {
  const results = await Promise.allSettled(writes.map(([file, lines]) => file.write(lines)));
  const failed = results.find((result) => result.status === "rejected");
  if (failed === undefined) return;
  await Promise.allSettled(
    results.map((result, i) => {
      const file = writes[i]?.[0];
      return result.status === "fulfilled" && file !== undefined
        ? file.rollback(result.value)
        : Promise.resolve();
    }),
  );
  throw failed.reason;
}

/** Room a probe asks for before replaying (a spooled batch is up to a few MiB of lines). */
const MIN_FREE_BYTES = 4 * 1024 * 1024;

/** Whether the rotated file has no lines yet (no file, or empty ones). */
async function isEmpty(file: string): Promise<boolean> {
  const sizes = await Promise.all(
    (await listRotatedFiles(file)).map(async (f) => (await stat(f.path).catch(() => undefined))?.size ?? 0),
  );
  return sizes.every((size) => size === 0);
}
