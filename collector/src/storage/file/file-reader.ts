import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { AlertRecord, PollEvent, PollSample, TimeRange } from "../records.js";
import { SeriesBatcher, queryColumns } from "../series.js";
import { stepped } from "../series-step.js";
import type { SeriesBatch, SeriesQuery } from "../series.js";
import type { HistoryReader } from "../store.js";
import { listRotatedFiles } from "./file-names.js";
import { findSamples } from "./find-samples.js";
import { readFirstLine, splitAtLines } from "./read-lines.js";
import { ALERTS, EVENTS, SAMPLES, readRecordBatches, seriesKind } from "./record-stream.js";
import type { FilePart, RecordKind } from "./record-stream.js";
import { parseFiguresSinceLine } from "./series-line.js";

export interface FileHistoryReaderOptions {
  jsonFile: string;
  /** metrics_figures.jsonl; without it figures are taken off the samples file. */
  figuresFile?: string | undefined;
  eventsFile: string;
  /** alerts.jsonl; without it the alert history reads as empty. */
  alertsFile?: string;
  /** Records held to put a nearly sorted stream in time order (default 4096). */
  reorderWindow?: number;
  /** Recent (agent, ts) keys remembered to drop replayed duplicates (default 100,000). */
  dedupeWindow?: number;
}

const DAY_MS = 86_400_000;
/**
 * Rows gathered before series batches are made: a batch per agent of a 64 KB read held about two
 * rows with 100 agents, and its typed arrays cost more than reading the rows (2.4× the read time).
 */
const BATCH_ROWS = 16_384;

/**
 * Reads what FileStore wrote: every archive and the current file, oldest first, filtered by
 * time (from inclusive, to exclusive) and agent, duplicates dropped, malformed lines skipped.
 */
export class FileHistoryReader implements HistoryReader {
  private readonly streams = new Set<Readable>();
  /** Lines read so far that are no record (a torn line cut by a crash, a damaged one): skipped. */
  skippedLines = 0;

  constructor(private readonly options: FileHistoryReaderOptions) {}

  samples(range: TimeRange): AsyncIterable<PollSample> {
    return this.read(this.options.jsonFile, range, SAMPLES);
  }

  /**
   * The range's series (see HistoryReader.series): from the figures file where it covers the
   * range, else off whole samples (histories written before the figures file, slower).
   */
  series(query: SeriesQuery): AsyncIterable<SeriesBatch> {
    const batches = this.everySample(query);
    return query.step === undefined ? batches : stepped(batches, query.step, queryColumns(query));
  }

  private async *everySample(query: SeriesQuery): AsyncGenerator<SeriesBatch> {
    const parts: Array<{ files: readonly FilePart[]; range: TimeRange; figuresFile: boolean }> = [];
    for (const piece of await this.figuresPieces(query))
      parts.push({ ...piece, files: await this.filesFor(piece.file, piece.range) });
    yield* this.seriesOf(parts, query);
  }

  /**
   * Each agent's sample at the given time (epoch ms), typically its newest of a series read: looked up in
   * the file that should hold it (find-samples.ts), then, for any not there (stored far from its
   * time), by reading the files from its time on. A sample older than the samples file's first
   * line is not looked for: the figures file outlives it (18× smaller in the 30-day benchmark, it rotates less),
   * and reading all the history to find nothing would cost every run.
   */
  async samplesAt(wanted: ReadonlyMap<string, number>): Promise<Map<string, PollSample>> {
    const { found, oldest } = await findSamples(this.options.jsonFile, wanted, this.streams);
    const missing = new Map([...wanted].filter(([agent, time]) => !found.has(agent) && time >= oldest));
    if (missing.size === 0) return found;
    const times = [...missing.values()];
    const range = { from: Math.min(...times), to: Math.max(...times) + 1 };
    for await (const sample of this.samples(range))
      if (missing.get(sample.agent) === Date.parse(sample.ts)) found.set(sample.agent, sample);
    return found;
  }

  /**
   * The files holding the range's series cut into about `count` parts of about equal size,
   * oldest first (whole archives, and ranges of whole lines of the larger plain files), for
   * readers working in parallel: seriesOfPart over each part, concatenated in order, gives
   * what series() gives (rows of an agent no newer than its newest of the parts before must be
   * dropped).
   */
  async seriesParts(range: TimeRange, count: number): Promise<FilePart[]> {
    const files: Array<{ path: string; gzipped: boolean; piece: FiguresPiece }> = [];
    for (const piece of await this.figuresPieces(range))
      for (const file of await this.filesFor(piece.file, piece.range)) files.push({ ...file, piece });
    const sizes = await Promise.all(
      files.map(async (f) => (await stat(f.path).catch(() => undefined))?.size ?? 0),
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    const parts: FilePart[] = [];
    for (const [i, file] of files.entries()) {
      const { from, to } = file.piece.range;
      const part = { path: file.path, figuresFile: file.piece.figuresFile, from, to };
      const pieces = file.gzipped ? 1 : Math.max(1, Math.round((sizes[i]! / Math.max(1, total)) * count));
      if (pieces === 1) parts.push(part);
      else for (const bytes of await splitAtLines(file.path, pieces)) parts.push({ ...part, bytes });
    }
    return parts;
  }

  /** series() of one part from seriesParts (every sample: a step applies to the whole read). */
  seriesOfPart(part: FilePart, query: SeriesQuery): AsyncIterable<SeriesBatch> {
    const range = {
      from: Math.max(query.from, part.from ?? query.from),
      to: Math.min(query.to, part.to ?? query.to),
    };
    return this.seriesOf([{ files: [part], range, figuresFile: part.figuresFile === true }], query);
  }

  /** The series rows of the files, in batches of BATCH_ROWS rows. */
  private async *seriesOf(
    parts: ReadonlyArray<{ files: readonly FilePart[]; range: TimeRange; figuresFile: boolean }>,
    query: SeriesQuery,
  ): AsyncGenerator<SeriesBatch> {
    const batcher = new SeriesBatcher(queryColumns(query));
    for (const { files, range, figuresFile } of parts)
      for await (const rows of this.readBatches(files, range, seriesKind(figuresFile), query.agents)) {
        for (const row of rows) batcher.add(row);
        if (batcher.size >= BATCH_ROWS) yield* batcher.take();
      }
    yield* batcher.take();
  }

  /**
   * Where the range's figures are: the samples file before the figures file's start (a store
   * that wrote no figures file at first), the figures file from there on.
   */
  private async figuresPieces(range: TimeRange): Promise<FiguresPiece[]> {
    const { jsonFile, figuresFile } = this.options;
    const since = figuresFile === undefined ? Number.POSITIVE_INFINITY : await this.figuresSince(figuresFile);
    const pieces: FiguresPiece[] = [];
    if (range.from < since)
      pieces.push({ file: jsonFile, figuresFile: false, range: { ...range, to: Math.min(range.to, since) } });
    if (figuresFile !== undefined && since < range.to)
      pieces.push({
        file: figuresFile,
        figuresFile: true,
        range: { ...range, from: Math.max(range.from, since) },
      });
    return pieces;
  }

  /**
   * From when the figures file holds every sample: its figures_since line when its oldest file
   * starts with one (see series-line.ts), always when it does not (that line was pruned with
   * the oldest archives), never without a figures file (or with empty ones only).
   */
  private async figuresSince(figuresFile: string): Promise<number> {
    for (const file of await listRotatedFiles(figuresFile)) {
      const first = await readFirstLine(file.path, this.streams);
      if (first !== undefined) return parseFiguresSinceLine(first) ?? Number.NEGATIVE_INFINITY;
    }
    return Number.POSITIVE_INFINITY;
  }

  events(range: TimeRange): AsyncIterable<PollEvent> {
    return this.read(this.options.eventsFile, range, EVENTS);
  }

  alerts(range: TimeRange): AsyncIterable<AlertRecord> {
    const file = this.options.alertsFile;
    return file === undefined ? emptyIterable() : this.read(file, range, ALERTS);
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
  }

  /** The rotated files that may hold records of the range, oldest first. */
  private async filesFor(file: string, range: TimeRange): Promise<Array<{ path: string; gzipped: boolean }>> {
    // a file holds lines written on its date, and a line's ts is never later than its writing;
    // a replayed batch can be older than its file, so only the range's start can skip files
    return (await listRotatedFiles(file)).filter((f) => Date.parse(f.date) + DAY_MS > range.from);
  }

  private async *read<T>(file: string, range: TimeRange, kind: RecordKind<T>): AsyncGenerator<T> {
    for await (const batch of this.readBatches(await this.filesFor(file, range), range, kind)) yield* batch;
  }

  private readBatches<T>(
    files: readonly FilePart[],
    range: TimeRange,
    kind: RecordKind<T>,
    agents?: ReadonlySet<string>,
  ): AsyncGenerator<T[]> {
    return readRecordBatches(files, range, kind, agents, {
      streams: this.streams,
      reorderWindow: this.options.reorderWindow ?? 4096,
      dedupeWindow: this.options.dedupeWindow ?? 100_000,
      onSkipped: () => this.skippedLines++,
    });
  }
}

interface FiguresPiece {
  file: string;
  figuresFile: boolean;
  range: TimeRange;
}

async function* emptyIterable<T>(): AsyncGenerator<T> {}
