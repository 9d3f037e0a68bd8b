import { FiguresRecord, emptyFigures, readFigures } from "../figures.js";
import type { FigureValues, SampleFigures } from "../figures.js";
import type { PollSample } from "../records.js";
import { numberAt, numberEnd } from "./json-number.js";
import { detached, stringEnd } from "./line-head.js";
import type { LineHead } from "./line-head.js";

/**
 * metrics_figures.jsonl: per sample, the figures the dashboard draws (figures.ts), in a line of
 * about 200 bytes instead of the ~4 KB of its metrics_data.jsonl line, so that a month of
 * history is read in a fraction of the time:
 *   {"agent":"web-01","ts":"2026-11-22T06:00:00.000Z","f":[12.5,3,25,8,48,0.5,…],"disks":[["/",71]]}
 * "f" holds the FIELDS below in that order, null for a missing value; "disks" the mounts and
 * their usage in the snapshot's order. It starts like a metrics_data.jsonl line, so the same
 * line-head filter and reorder window read it.
 *
 * A file store that had no figures file yet starts one with {"figures_since":"ISO time"}: the
 * samples written before that time are only in metrics_data.jsonl (see figuresSince).
 */
export const FIELDS = [
  "cpuPercent",
  "cpuCoreMin",
  "cpuCoreMax",
  "cpuCount",
  "temperatureCelsius",
  "load1",
  "load5",
  "load15",
  "memoryPercent",
  "swapPercent",
  "rxBytesPerS",
  "txBytesPerS",
  "securityIssues",
  "sshFailed",
] as const satisfies ReadonlyArray<keyof FigureValues>;

const scratch = emptyFigures();

export function figuresFileLine(sample: PollSample): string {
  const figures = readFigures(sample, scratch);
  // JSON.stringify writes NaN as null
  return JSON.stringify({
    agent: sample.agent,
    ts: sample.ts,
    f: FIELDS.map((field) => figures[field]),
    disks: figures.diskMounts.map((mount, i) => [mount, figures.diskPercents[i]]),
  });
}

export function figuresSinceLine(since: Date): string {
  return JSON.stringify({ figures_since: since.toISOString() });
}

/** The time of a figures_since line, undefined for any other line. */
export function parseFiguresSinceLine(line: string): number | undefined {
  if (!line.startsWith('{"figures_since":')) return undefined;
  try {
    const { figures_since: since } = JSON.parse(line) as { figures_since?: unknown };
    const time = typeof since === "string" ? Date.parse(since) : Number.NaN;
    return Number.isNaN(time) ? undefined : time;
  } catch {
    return undefined;
  }
}

/**
 * The figures of a figures-file line at [start, end) of `text`; undefined for any other line.
 * Read in place as figuresFileLine writes them (JSON.parse took 4 µs a line, most of a read);
 * a line written otherwise is decoded whole.
 */
export function parseFiguresFileLine(
  text: string,
  start: number,
  end: number,
  head: LineHead | undefined,
): SampleFigures | undefined {
  if (head === undefined) return undefined;
  if (!readInPlace(text, start, end)) return decodeWhole(text, start, end, head);
  return recordOf(head, values, lineMounts, linePercents);
}

const F = ',"f":[';
const DISKS = '],"disks":[';
const NULL = "null";
const COMMA = 44;
const CLOSE_BRACKET = 93;
const QUOTE = 34;

/** What readInPlace read: the FIELDS in order, the mounts and their usage. */
const values = new Float64Array(FIELDS.length);
let lineMounts: string[] = [];
let linePercents: number[] = [];
/**
 * The previous line's mounts, as written and decoded: most lines list the same mounts as the one
 * before, and then share its array (records' diskMounts are read, never changed).
 */
let lastEscaped: string[] = [];
let lastMounts: string[] = [];

/** startsWith(NULL, at), several times cheaper here: a call to startsWith costs more than a number. */
function isNull(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 110 &&
    text.charCodeAt(at + 1) === 117 &&
    text.charCodeAt(at + 2) === 108 &&
    text.charCodeAt(at + 3) === 108
  );
}

function readInPlace(text: string, start: number, end: number): boolean {
  let at = text.indexOf(F, start);
  if (at === -1 || at > end) return false;
  at += F.length;
  for (let i = 0; i < FIELDS.length; i++) {
    if (i > 0) {
      if (text.charCodeAt(at) !== COMMA) return false;
      at++;
    }
    if (isNull(text, at)) {
      values[i] = Number.NaN;
      at += NULL.length;
    } else {
      const value = numberAt(text, at);
      if (Number.isNaN(value)) return false;
      values[i] = value;
      at = numberEnd;
    }
  }
  if (!text.startsWith(DISKS, at)) return false;
  at += DISKS.length;
  linePercents = [];
  lineMounts = lastMounts;
  if (text.charCodeAt(at) === CLOSE_BRACKET) {
    if (lastMounts.length !== 0) lineMounts = lastEscaped = lastMounts = [];
    return at + 2 === end;
  }
  for (let d = 0; ; d++) {
    if (!text.startsWith('["', at)) return false;
    at += 2;
    let quote: number;
    const known = lineMounts === lastMounts ? lastEscaped[d] : undefined;
    if (known !== undefined && text.startsWith(known, at) && text.charCodeAt(at + known.length) === QUOTE) {
      quote = at + known.length;
    } else {
      quote = stringEnd(text, at);
      if (quote === -1 || quote >= end) return false;
      if (lineMounts === lastMounts) lineMounts = lastMounts.slice(0, d);
      const escaped = text.slice(at, quote);
      lineMounts.push(escaped.includes("\\") ? (JSON.parse(`"${escaped}"`) as string) : detached(escaped));
    }
    if (text.charCodeAt(quote + 1) !== COMMA) return false;
    at = quote + 2;
    if (isNull(text, at)) {
      linePercents.push(Number.NaN);
      at += NULL.length;
    } else {
      const value = numberAt(text, at);
      if (Number.isNaN(value)) return false;
      linePercents.push(value);
      at = numberEnd;
    }
    if (text.charCodeAt(at) !== CLOSE_BRACKET) return false;
    at++;
    if (text.charCodeAt(at) === CLOSE_BRACKET) {
      if (lineMounts === lastMounts && d + 1 < lastMounts.length) lineMounts = lastMounts.slice(0, d + 1);
      if (lineMounts !== lastMounts) {
        lastMounts = lineMounts;
        lastEscaped = lineMounts.map((mount) => JSON.stringify(mount).slice(1, -1));
      }
      return at + 2 === end;
    }
    if (text.charCodeAt(at) !== COMMA) return false;
    at++;
  }
}

function decodeWhole(text: string, start: number, end: number, head: LineHead): SampleFigures | undefined {
  let value: { f?: unknown; disks?: unknown };
  try {
    value = JSON.parse(text.slice(start, end)) as typeof value;
  } catch {
    return undefined;
  }
  const { f, disks } = value;
  if (!Array.isArray(f) || f.length < FIELDS.length || !Array.isArray(disks)) return undefined;
  for (let i = 0; i < FIELDS.length; i++) {
    const number: unknown = f[i];
    values[i] = typeof number === "number" ? number : Number.NaN;
  }
  const mounts: string[] = [];
  const percents: number[] = [];
  for (const disk of disks as unknown[]) {
    if (!Array.isArray(disk) || typeof disk[0] !== "string") return undefined;
    mounts.push(disk[0]);
    percents.push(typeof disk[1] === "number" ? disk[1] : Number.NaN);
  }
  return recordOf(head, values, mounts, percents);
}

/**
 * The record of what a line gave: `f` holds the FIELDS in order. One store per field: a keyed
 * store (record[FIELDS[i]]) in a loop cost 4× as much, 550 vs 126 ns a record. A figures file
 * holds no sample, so the record's sample() is undefined (see HistoryReader.samplesAt).
 */
function recordOf(head: LineHead, f: Float64Array, mounts: string[], percents: number[]): FiguresRecord {
  const record = new FiguresRecord(head.agent, detached(head.ts), head.time);
  record.cpuPercent = f[0]!;
  record.cpuCoreMin = f[1]!;
  record.cpuCoreMax = f[2]!;
  record.cpuCount = f[3]!;
  record.temperatureCelsius = f[4]!;
  record.load1 = f[5]!;
  record.load5 = f[6]!;
  record.load15 = f[7]!;
  record.memoryPercent = f[8]!;
  record.swapPercent = f[9]!;
  record.rxBytesPerS = f[10]!;
  record.txBytesPerS = f[11]!;
  record.securityIssues = f[12]!;
  record.sshFailed = f[13]!;
  record.diskMounts = mounts;
  record.diskPercents = percents;
  return record;
}
