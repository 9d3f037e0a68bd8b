import { emptyFigures, readFigures } from "../figures.js";
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
  const figures = new FileFigures(head.agent, detached(head.ts), head.time);
  return readInPlace(text, start, end, figures) ? figures : decodeWhole(text, start, end, head);
}

const F = ',"f":[';
const DISKS = '],"disks":[';
const NULL = "null";
const COMMA = 44;
const CLOSE_BRACKET = 93;
const mounts = new Map<string, string>();

function readInPlace(text: string, start: number, end: number, out: FileFigures): boolean {
  let at = text.indexOf(F, start);
  if (at === -1 || at > end) return false;
  at += F.length;
  for (let i = 0; i < FIELDS.length; i++) {
    if (i > 0) {
      if (text.charCodeAt(at) !== COMMA) return false;
      at++;
    }
    at = readNumber(text, at, out, FIELDS[i]!);
    if (at === -1) return false;
  }
  if (!text.startsWith(DISKS, at)) return false;
  at += DISKS.length;
  if (text.charCodeAt(at) === CLOSE_BRACKET) return at + 2 === end;
  for (;;) {
    if (!text.startsWith('["', at)) return false;
    const quote = stringEnd(text, at + 2);
    if (quote === -1 || quote >= end || text.charCodeAt(quote + 1) !== COMMA) return false;
    out.diskMounts.push(mountOf(text.slice(at + 2, quote)));
    at = quote + 2;
    if (text.startsWith(NULL, at)) {
      out.diskPercents.push(Number.NaN);
      at += NULL.length;
    } else {
      const value = numberAt(text, at);
      if (Number.isNaN(value)) return false;
      out.diskPercents.push(value);
      at = numberEnd;
    }
    if (text.charCodeAt(at) !== CLOSE_BRACKET) return false;
    at++;
    if (text.charCodeAt(at) === CLOSE_BRACKET) return at + 2 === end;
    if (text.charCodeAt(at) !== COMMA) return false;
    at++;
  }
}

/** Reads the number or null at `at` into the field; the index after it, -1 if neither. */
function readNumber(text: string, at: number, out: FileFigures, field: (typeof FIELDS)[number]): number {
  if (text.startsWith(NULL, at)) {
    out[field] = Number.NaN;
    return at + NULL.length;
  }
  const value = numberAt(text, at);
  if (Number.isNaN(value)) return -1;
  out[field] = value;
  return numberEnd;
}

/** One string per mount, decoded: most lines list the same mounts. */
function mountOf(escaped: string): string {
  let mount = mounts.get(escaped);
  if (mount === undefined) {
    mount = escaped.includes("\\") ? (JSON.parse(`"${escaped}"`) as string) : detached(escaped);
    if (mounts.size > 10_000) mounts.clear();
    mounts.set(detached(escaped), mount);
  }
  return mount;
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
  const figures = new FileFigures(head.agent, detached(head.ts), head.time);
  for (let i = 0; i < FIELDS.length; i++) {
    const number: unknown = f[i];
    figures[FIELDS[i]!] = typeof number === "number" ? number : Number.NaN;
  }
  for (const disk of disks as unknown[]) {
    if (!Array.isArray(disk) || typeof disk[0] !== "string") return undefined;
    figures.diskMounts.push(disk[0]);
    figures.diskPercents.push(typeof disk[1] === "number" ? disk[1] : Number.NaN);
  }
  return figures;
}

/** Figures without their sample: a figures file does not hold it (see HistoryReader.samplesAt). */
class FileFigures implements SampleFigures {
  cpuPercent = Number.NaN;
  cpuCoreMin = Number.NaN;
  cpuCoreMax = Number.NaN;
  cpuCount = Number.NaN;
  temperatureCelsius = Number.NaN;
  load1 = Number.NaN;
  load5 = Number.NaN;
  load15 = Number.NaN;
  memoryPercent = Number.NaN;
  swapPercent = Number.NaN;
  diskMounts: string[] = [];
  diskPercents: number[] = [];
  rxBytesPerS = Number.NaN;
  txBytesPerS = Number.NaN;
  securityIssues = Number.NaN;
  sshFailed = Number.NaN;

  constructor(
    readonly agent: string,
    readonly ts: string,
    readonly time: number,
  ) {}

  sample(): PollSample | undefined {
    return undefined;
  }
}
