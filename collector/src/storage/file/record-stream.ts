import type { Readable } from "node:stream";
import type { AlertRecord, PollEvent, PollSample, TimeRange } from "../records.js";
import { seriesRowOf, type SeriesRow } from "../series.js";
import { AgentNames, readLineHead, type LineHead } from "./line-head.js";
import { parseAlertLine, parseEventLine, parseSampleLine } from "./lines.js";
import { readLineTexts, type ByteRange } from "./read-lines.js";
import { RecentKeys, ReorderWindow } from "./reorder.js";
import { SeriesLineParser } from "./series-line.js";

/** A whole file, or a range of whole lines of a plain one. */
export interface FilePart {
  path: string;
  bytes?: ByteRange;
  /** A figures file's part (else the samples file's). */
  figuresFile?: boolean;
  /** The part of the range this part holds (figures files may start within the range). */
  from?: number;
  to?: number;
}

export interface RecordKind<T> {
  /** The record of the line at [start, end) of `text`. */
  parse(text: string, start: number, end: number, head: LineHead | undefined): T | undefined;
  agentOf(record: T): string;
  /** Epoch ms. */
  timeOf(record: T): number;
  /** Identity for dropping duplicates as they are read. */
  key?(record: T): string;
}

export const SAMPLES: RecordKind<PollSample> = {
  parse: (text, start, end) => parseSampleLine(text.slice(start, end)),
  agentOf: (sample) => sample.agent,
  timeOf: (sample) => Date.parse(sample.ts),
  key: (sample) => `${sample.agent}\n${sample.ts}`,
};

/**
 * Series rows, off the figures file or, before it began, off whole samples. Rows come out in
 * time order per agent; SeriesBatcher drops those no newer than their agent's previous one.
 */
export function seriesKind(figuresFile: boolean): RecordKind<SeriesRow> {
  const parser = new SeriesLineParser();
  return {
    parse: figuresFile
      ? (text, start, end, head) => parser.parse(text, start, end, head)
      : (text, start, end) => {
          const sample = parseSampleLine(text.slice(start, end));
          return sample === undefined ? undefined : seriesRowOf(sample);
        },
    agentOf: (row) => row.agent,
    timeOf: (row) => row.time,
  };
}

export const EVENTS: RecordKind<PollEvent> = {
  parse: (text, start, end) => parseEventLine(text.slice(start, end)),
  agentOf: (event) => event.agent,
  timeOf: (event) => Date.parse(event.ts),
  key: (event) => `${event.agent}\n${event.ts}\n${event.kind}`,
};

export const ALERTS: RecordKind<AlertRecord> = {
  parse: (text, start, end) => parseAlertLine(text.slice(start, end)),
  agentOf: (record) => record.alert.agent,
  timeOf: (record) => Date.parse(record.ts),
  key: (record) => `${record.alert.id}\n${record.kind}\n${record.ts}`,
};

export interface StreamOptions {
  /** Streams open, so that close() can end them. */
  streams: Set<Readable>;
  /** Records held to put a nearly sorted stream in time order. */
  reorderWindow: number;
  /** Recent keys remembered to drop replayed duplicates. */
  dedupeWindow: number;
  /** Called for a line that is no record (a torn line cut by a crash, a damaged one). */
  onSkipped: () => void;
}

/**
 * The records of the range in the files, in time order (within the reorder window), filtered by
 * time and agent on the line's head before the line is parsed, duplicates dropped by key, in
 * batches of what a read of the file gave.
 */
export async function* readRecordBatches<T>(
  files: readonly FilePart[],
  range: TimeRange,
  kind: RecordKind<T>,
  agents: ReadonlySet<string> | undefined,
  options: StreamOptions,
): AsyncGenerator<T[]> {
  const wanted = (agent: string, time: number): boolean =>
    time >= range.from &&
    time < range.to &&
    (range.agent === undefined || agent === range.agent) &&
    (agents === undefined || agents.has(agent));
  const agentNames = new AgentNames();
  const recent = new RecentKeys(options.dedupeWindow);
  const window = new ReorderWindow<T>(options.reorderWindow);
  for (const { path, bytes } of files) {
    for await (const text of readLineTexts(path, options.streams, bytes)) {
      const released: T[] = [];
      for (let start = 0, end = 0; start < text.length; start = end + 1) {
        end = text.indexOf("\n", start);
        if (end === -1) end = text.length;
        if (end === start) continue;
        const head = readLineHead(text, start, end, agentNames);
        if (head !== undefined && !wanted(head.agent, head.time)) continue;
        const record = kind.parse(text, start, end, head);
        if (record === undefined) {
          options.onSkipped();
          continue;
        }
        const agent = kind.agentOf(record);
        const time = kind.timeOf(record);
        // the head is the record's own agent and ts unless the line is odd (a key written twice)
        if (!(head?.agent === agent && head.time === time) && !wanted(agent, time)) continue;
        if (kind.key !== undefined && !recent.add(kind.key(record))) continue;
        const out = window.push(time, record);
        if (out !== undefined) released.push(out);
      }
      if (released.length > 0) yield released;
    }
  }
  const rest = [...window.drain()];
  if (rest.length > 0) yield rest;
}
