import { SERIES_COLUMNS } from "../columns.js";
import type { PollSample } from "../records.js";
import { missingValues, seriesRowOf, type SeriesRow } from "../series.js";
import { JsonNumbers } from "./json-number.js";
import { detached, stringEnd, type LineHead } from "./line-head.js";

/*
 * metrics_figures.jsonl: per sample, its series columns (columns.ts, SERIES_COLUMNS) in a line of
 * about 250 bytes instead of the ~4 KB of its metrics_data.jsonl line, so that a month of
 * history is read in a fraction of the time:
 *   {"agent":"web-01","ts":"2026-11-22T06:00:00.000Z","v":[12.5,3,…],"disks":[["/",71]]}
 * "v" holds the series columns in catalog order, null for a missing value. A column appended to
 * the catalog later is simply missing from older lines, which are shorter. "disks" holds the
 * mounts and their usage in the snapshot's order. A line starts like a metrics_data.jsonl line,
 * so the same line-head filter and reorder window read it.
 *
 * Lines written before the catalog hold "f" instead of "v": the LEGACY_FIELDS in that order.
 * A file store that had no figures file yet starts one with {"figures_since":"ISO time"}: the
 * samples written before that time are only in metrics_data.jsonl.
 */

/** The columns of an "f" line, in its order. */
const LEGACY_FIELDS = [
  "cpu_usage_percent",
  "cpu_core_min_percent",
  "cpu_core_max_percent",
  "cpu_count",
  "cpu_temperature_celsius",
  "load_1",
  "load_5",
  "load_15",
  "memory_usage_percent",
  "swap_percent",
  "net_rx_bytes_per_s",
  "net_tx_bytes_per_s",
  "security_issue_count",
  "ssh_failed_total",
].map((name) => SERIES_COLUMNS.findIndex((column) => column.name === name));
const WORST_DISK = SERIES_COLUMNS.findIndex((column) => column.name === "worst_disk_usage_percent");

export function seriesLine(sample: PollSample): string {
  const row = seriesRowOf(sample);
  // JSON.stringify writes NaN as null
  return JSON.stringify({
    agent: sample.agent,
    ts: sample.ts,
    v: Array.from(row.values),
    disks: row.mounts.map((mount, i) => [mount, row.percents[i]]),
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

const V = ',"v":[';
const F = ',"f":[';
const DISKS = '],"disks":[';
const COMMA = 44;
const CLOSE_BRACKET = 93;
const QUOTE = 34;

/**
 * Reads figures-file lines in place. Hand-written because JSON.parse of such a line took 2-3.5 µs
 * (measured 2026-12-03, Node 20, 182-byte line), most of a history read; this takes a fraction
 * of that. A line it does not recognise is decoded whole with JSON.parse.
 */
export class SeriesLineParser {
  private readonly numbers = new JsonNumbers();
  /**
   * The previous line's mounts, as written and decoded: most lines list the same mounts as the
   * one before, and then share its array (rows' mounts are read, never changed).
   */
  private lastEscaped: string[] = [];
  private lastMounts: string[] = [];

  /** The row of the line at [start, end) of `text`; undefined for a line that is no figures line. */
  parse(text: string, start: number, end: number, head: LineHead | undefined): SeriesRow | undefined {
    if (head === undefined) return undefined;
    const row: SeriesRow = {
      agent: head.agent,
      time: head.time,
      values: missingValues(),
      mounts: [],
      percents: [],
    };
    const kind = this.readInPlace(text, start, end, row) ?? decodeWhole(text.slice(start, end), row);
    if (kind === undefined) return undefined;
    if (kind === "f") fillLegacy(row);
    return row;
  }

  /** Which kind of line it read ("v", or an old "f" line), undefined when it could not. */
  private readInPlace(text: string, start: number, end: number, row: SeriesRow): Kind | undefined {
    const values = row.values as number[];
    let at = text.indexOf(V, start);
    let legacy = false;
    if (at === -1 || at > end) {
      at = text.indexOf(F, start);
      if (at === -1 || at > end) return undefined;
      legacy = true;
    }
    at += V.length;
    const count = legacy ? LEGACY_FIELDS.length : SERIES_COLUMNS.length;
    let read = 0;
    for (; text.charCodeAt(at) !== CLOSE_BRACKET; read++) {
      if (read > 0) {
        if (text.charCodeAt(at) !== COMMA || read >= count) return undefined;
        at++;
      }
      const value = this.number(text, at);
      if (value === undefined) return undefined;
      at = this.numbers.end;
      values[read] = value;
    }
    // an "f" line always held all its fields; only "v" lines grow with the catalog
    if (legacy && read !== count) return undefined;
    if (!text.startsWith(DISKS, at) || !this.readDisks(text, at + DISKS.length, end, row)) return undefined;
    return legacy ? "f" : "v";
  }

  /** A number or null at `at` (its end in numbers.end); undefined for anything else. */
  private number(text: string, at: number): number | undefined {
    if (text.startsWith("null", at)) {
      this.numbers.end = at + 4;
      return Number.NaN;
    }
    const value = this.numbers.read(text, at);
    return Number.isNaN(value) ? undefined : value;
  }

  private readDisks(text: string, from: number, end: number, row: SeriesRow): boolean {
    let at = from;
    const percents: number[] = [];
    let mounts = this.lastMounts;
    for (let d = 0; text.charCodeAt(at) !== CLOSE_BRACKET; d++) {
      if (d > 0) {
        if (text.charCodeAt(at) !== COMMA) return false;
        at++;
      }
      if (!text.startsWith('["', at)) return false;
      at += 2;
      const known = mounts === this.lastMounts ? this.lastEscaped[d] : undefined;
      let quote: number;
      if (known !== undefined && text.startsWith(known, at) && text.charCodeAt(at + known.length) === QUOTE) {
        quote = at + known.length;
      } else {
        quote = stringEnd(text, at);
        if (quote === -1 || quote >= end) return false;
        if (mounts === this.lastMounts) mounts = this.lastMounts.slice(0, d);
        const escaped = text.slice(at, quote);
        mounts.push(escaped.includes("\\") ? (JSON.parse(`"${escaped}"`) as string) : detached(escaped));
      }
      if (text.charCodeAt(quote + 1) !== COMMA) return false;
      const value = this.number(text, quote + 2);
      if (value === undefined) return false;
      percents.push(value);
      at = this.numbers.end;
      if (text.charCodeAt(at) !== CLOSE_BRACKET) return false;
      at++;
    }
    if (at + 2 !== end) return false;
    if (mounts === this.lastMounts && percents.length < mounts.length)
      mounts = mounts.slice(0, percents.length);
    if (mounts !== this.lastMounts) {
      this.lastMounts = mounts;
      this.lastEscaped = mounts.map((mount) => JSON.stringify(mount).slice(1, -1));
    }
    row.mounts = mounts;
    row.percents = percents;
    return true;
  }
}

type Kind = "v" | "f";

/** A figures line decoded with JSON.parse: one written otherwise than seriesLine writes. */
function decodeWhole(line: string, row: SeriesRow): Kind | undefined {
  let parsed: { v?: unknown; f?: unknown; disks?: unknown };
  try {
    parsed = JSON.parse(line) as typeof parsed;
  } catch {
    return undefined;
  }
  const list = parsed.v ?? parsed.f;
  if (!Array.isArray(list) || !Array.isArray(parsed.disks)) return undefined;
  if (parsed.v === undefined && list.length !== LEGACY_FIELDS.length) return undefined;
  const values = (row.values as number[]).fill(Number.NaN);
  for (let i = 0; i < Math.min(list.length, values.length); i++) {
    const value: unknown = list[i];
    values[i] = typeof value === "number" ? value : Number.NaN;
  }
  const mounts: string[] = [];
  const percents: number[] = [];
  for (const disk of parsed.disks as unknown[]) {
    if (!Array.isArray(disk) || typeof disk[0] !== "string") return undefined;
    mounts.push(disk[0]);
    percents.push(typeof disk[1] === "number" ? disk[1] : Number.NaN);
  }
  row.mounts = mounts;
  row.percents = percents;
  return parsed.v === undefined ? "f" : "v";
}

/** An "f" line's values moved to their catalog places, and its worst disk taken from its disks. */
function fillLegacy(row: SeriesRow): void {
  const values = row.values as number[];
  const legacy = values.slice(0, LEGACY_FIELDS.length);
  values.fill(Number.NaN);
  for (const [i, index] of LEGACY_FIELDS.entries()) values[index] = legacy[i]!;
  let worst = Number.NaN;
  for (let d = 0; d < row.percents.length; d++) {
    const usage = row.percents[d]!;
    if (Number.isFinite(usage) && !(usage <= worst)) worst = usage;
  }
  values[WORST_DISK] = worst;
}
