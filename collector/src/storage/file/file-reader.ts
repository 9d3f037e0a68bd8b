import type { Readable } from "node:stream";
import type { PollEvent, PollSample, TimeRange } from "../records.js";
import type { HistoryReader } from "../store.js";
import { listRotatedFiles } from "./file-names.js";
import { lineHead, parseEventLine, parseSampleLine } from "./lines.js";
import { readLines } from "./read-lines.js";
import { RecentKeys, ReorderWindow } from "./reorder.js";

export interface FileHistoryReaderOptions {
  jsonFile: string;
  eventsFile: string;
  /** Records held to put a nearly sorted stream in time order (default 4096). */
  reorderWindow?: number;
  /** Recent (agent, ts) keys remembered to drop replayed duplicates (default 100,000). */
  dedupeWindow?: number;
}

const DAY_MS = 86_400_000;

/**
 * Reads what FileStore wrote: every archive and the current file, oldest first, filtered by
 * time (from inclusive, to exclusive) and agent, duplicates dropped, malformed lines skipped.
 */
export class FileHistoryReader implements HistoryReader {
  private readonly streams = new Set<Readable>();

  constructor(private readonly options: FileHistoryReaderOptions) {}

  samples(range: TimeRange): AsyncIterable<PollSample> {
    return this.read(this.options.jsonFile, range, parseSampleLine, (s) => `${s.agent}\n${s.ts}`);
  }

  events(range: TimeRange): AsyncIterable<PollEvent> {
    return this.read(this.options.eventsFile, range, parseEventLine, (e) => `${e.agent}\n${e.ts}\n${e.kind}`);
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
  }

  private async *read<T extends { agent: string; ts: string }>(
    file: string,
    range: TimeRange,
    parse: (line: string) => T | undefined,
    key: (record: T) => string,
  ): AsyncGenerator<T> {
    const wanted = (agent: string, ts: string): boolean => {
      const time = Date.parse(ts);
      return time >= range.from && time < range.to && (range.agent === undefined || agent === range.agent);
    };
    const recent = new RecentKeys(this.options.dedupeWindow ?? 100_000);
    const window = new ReorderWindow<T>(this.options.reorderWindow ?? 4096);
    // a file holds lines written on its date, and a line's ts is never later than its writing;
    // a replayed batch can be older than its file, so only the range's start can skip files
    const files = (await listRotatedFiles(file)).filter((f) => Date.parse(f.date) + DAY_MS > range.from);
    for (const { path } of files) {
      for await (const line of readLines(path, this.streams)) {
        const head = lineHead(line);
        if (head !== undefined && !wanted(head.agent, head.ts)) continue;
        const record = parse(line);
        if (record === undefined || !wanted(record.agent, record.ts) || !recent.add(key(record))) continue;
        const out = window.push(Date.parse(record.ts), record);
        if (out !== undefined) yield out;
      }
    }
    yield* window.drain();
  }
}
