import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { SampleFigures } from "../figures.js";
import type { AlertRecord, PollEvent, PollSample, TimeRange } from "../records.js";
import type { HistoryReader } from "../store.js";
import { FiguresLineParser } from "./figures-line.js";
import { listRotatedFiles } from "./file-names.js";
import { AgentNames, readLineHead } from "./line-head.js";
import type { LineHead } from "./line-head.js";
import { parseAlertLine, parseEventLine, parseSampleLine } from "./lines.js";
import { readLineTexts, splitAtLines, type ByteRange } from "./read-lines.js";
import { RecentKeys, ReorderWindow } from "./reorder.js";

export interface FileHistoryReaderOptions {
  jsonFile: string;
  eventsFile: string;
  /** alerts.jsonl; without it the alert history reads as empty. */
  alertsFile?: string;
  /** Records held to put a nearly sorted stream in time order (default 4096). */
  reorderWindow?: number;
  /** Recent (agent, ts) keys remembered to drop replayed duplicates (default 100,000). */
  dedupeWindow?: number;
}

const DAY_MS = 86_400_000;

interface RecordKind<T extends { ts: string }> {
  /** The record of the line at [start, end) of `text`. */
  parse(text: string, start: number, end: number, head: LineHead | undefined): T | undefined;
  agentOf(record: T): string;
  /** Identity for dropping duplicates as they are read. */
  key?(record: T): string;
  /** Whether to give out a record the reorder window releases. */
  release?(record: T): boolean;
}

const SAMPLES: RecordKind<PollSample> = {
  parse: (text, start, end) => parseSampleLine(text.slice(start, end)),
  agentOf: (sample) => sample.agent,
  key: (sample) => `${sample.agent}\n${sample.ts}`,
};

/**
 * Figures come out strictly in time order per agent: one no newer than its agent's previous
 * one, a duplicate or a straggler the reorder window could not place, is dropped. Cheaper than
 * remembering keys, and what a series needs.
 */
function figuresKind(): RecordKind<SampleFigures> {
  const parser = new FiguresLineParser();
  const lastTimes = new Map<string, number>();
  return {
    parse: (text, start, end, head) => parser.parse(text, start, end, head),
    agentOf: (figures) => figures.agent,
    release: (figures) => {
      const last = lastTimes.get(figures.agent);
      if (last !== undefined && !(figures.time > last)) return false;
      lastTimes.set(figures.agent, figures.time);
      return true;
    },
  };
}

const EVENTS: RecordKind<PollEvent> = {
  parse: (text, start, end) => parseEventLine(text.slice(start, end)),
  agentOf: (event) => event.agent,
  key: (event) => `${event.agent}\n${event.ts}\n${event.kind}`,
};

const ALERTS: RecordKind<AlertRecord> = {
  parse: (text, start, end) => parseAlertLine(text.slice(start, end)),
  agentOf: (record) => record.alert.agent,
  key: (record) => `${record.alert.id}\n${record.kind}\n${record.ts}`,
};

/**
 * Reads what FileStore wrote: every archive and the current file, oldest first, filtered by
 * time (from inclusive, to exclusive) and agent, duplicates dropped, malformed lines skipped.
 */
export class FileHistoryReader implements HistoryReader {
  private readonly streams = new Set<Readable>();

  constructor(private readonly options: FileHistoryReaderOptions) {}

  samples(range: TimeRange): AsyncIterable<PollSample> {
    return this.read(this.options.jsonFile, range, SAMPLES);
  }

  /**
   * The samples' figures, taken off the lines without decoding whole snapshots (figures-line.ts),
   * in time order per agent (see figuresKind).
   */
  figures(range: TimeRange, agents?: ReadonlySet<string>): AsyncIterable<SampleFigures> {
    return this.read(this.options.jsonFile, range, figuresKind(), agents);
  }

  /**
   * The samples file cut into about `count` parts of about equal size, oldest first (whole
   * archives, and ranges of whole lines of the larger plain files), for readers working in
   * parallel: figuresOfPart over each part, concatenated in order, gives what figures() gives
   * (records of an agent no newer than its newest of the parts before must be dropped).
   */
  async samplesParts(range: TimeRange, count: number): Promise<FilePart[]> {
    const files = await this.filesFor(this.options.jsonFile, range);
    const sizes = await Promise.all(
      files.map(async (f) => (await stat(f.path).catch(() => undefined))?.size ?? 0),
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    const parts: FilePart[] = [];
    for (const [i, file] of files.entries()) {
      const pieces = file.gzipped ? 1 : Math.max(1, Math.round((sizes[i]! / Math.max(1, total)) * count));
      if (pieces === 1) parts.push({ path: file.path });
      else for (const bytes of await splitAtLines(file.path, pieces)) parts.push({ path: file.path, bytes });
    }
    return parts;
  }

  /** figures() of one part from samplesParts. */
  figuresOfPart(
    part: FilePart,
    range: TimeRange,
    agents?: ReadonlySet<string>,
  ): AsyncIterable<SampleFigures> {
    return this.read(this.options.jsonFile, range, figuresKind(), agents, [part]);
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

  private async *read<T extends { ts: string }>(
    file: string,
    range: TimeRange,
    kind: RecordKind<T>,
    agents?: ReadonlySet<string>,
    parts?: FilePart[],
  ): AsyncGenerator<T> {
    const wanted = (agent: string, time: number): boolean =>
      time >= range.from &&
      time < range.to &&
      (range.agent === undefined || agent === range.agent) &&
      (agents === undefined || agents.has(agent));
    const agentNames = new AgentNames();
    const recent = new RecentKeys(this.options.dedupeWindow ?? 100_000);
    const window = new ReorderWindow<T>(this.options.reorderWindow ?? 4096);
    const files: FilePart[] = parts ?? (await this.filesFor(file, range));
    for (const { path, bytes } of files) {
      for await (const text of readLineTexts(path, this.streams, bytes)) {
        const released: T[] = [];
        for (let start = 0, end = 0; start < text.length; start = end + 1) {
          end = text.indexOf("\n", start);
          if (end === -1) end = text.length;
          if (end === start) continue;
          const head = readLineHead(text, start, end, agentNames);
          if (head !== undefined && !wanted(head.agent, head.time)) continue;
          const record = kind.parse(text, start, end, head);
          if (record === undefined) continue;
          const agent = kind.agentOf(record);
          // the head is the record's own agent and ts unless the line is odd (a key written twice)
          const checked = head !== undefined && head.ts === record.ts && head.agent === agent;
          const time = checked ? head.time : Date.parse(record.ts);
          if (!checked && !wanted(agent, time)) continue;
          if (kind.key !== undefined && !recent.add(kind.key(record))) continue;
          const out = window.push(time, record);
          if (out !== undefined && (kind.release === undefined || kind.release(out))) released.push(out);
        }
        yield* released;
      }
    }
    for (const out of window.drain()) if (kind.release === undefined || kind.release(out)) yield out;
  }
}

/** A whole file, or a range of whole lines of a plain one. */
export interface FilePart {
  path: string;
  bytes?: ByteRange;
}

async function* emptyIterable<T>(): AsyncGenerator<T> {}
