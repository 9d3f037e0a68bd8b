import { FiguresRecord, figuresOf } from "../figures.js";
import type { SampleFigures } from "../figures.js";
import type { PollSample } from "../records.js";
import { detached, stringEnd } from "./line-head.js";
import type { LineHead } from "./line-head.js";
import { numberAt, numberEnd } from "./json-number.js";
import { parseSampleLine } from "./lines.js";

/** Where each agent's newest line is: text.slice(start, end). */
interface NewestLine {
  time: number;
  text: string;
  start: number;
  end: number;
}

/**
 * Takes the figures off metrics_data.jsonl lines without decoding whole lines: JSON.parse of a
 * ~4 KB snapshot is most of the cost of reading a history, and charts need a dozen numbers.
 *
 * Values are found by their keys. A key inside a JSON string cannot match (its quotes are
 * escaped), so this relies on the contract's key names (protocol.ts) and on the order in which
 * the normaliser writes the fields of a disk and of network (the contract's):
 * - family keys ("cpu":{), load_N, swap_percent, cpu_celsius, per_core_percent, status,
 *   issue_count, ssh_failed_logins and total occur once in a line, so are found anywhere;
 * - usage_percent and count are looked up within their family's braces (cpu and memory hold no
 *   nested object), network's rx/tx before its interfaces, a disk's usage_percent after its mount.
 * A line that does not end like a whole line, or whose disks or per-core list are not as
 * expected, is decoded whole and given by figuresOf, so a well-formed line gives the same
 * figures either way.
 *
 * Only each agent's newest line is kept for sample(): holding every line would keep megabytes
 * of text alive per reorder window, which costs more in garbage collection than the parsing.
 */
export class FiguresLineParser {
  private readonly newest = new Map<string, NewestLine>();

  /** The figures of the line at [start, end) of `text`; undefined for a malformed line. */
  parse(text: string, start: number, end: number, head: LineHead | undefined): SampleFigures | undefined {
    if (head === undefined || !text.startsWith("]}", end - 2)) return slowFigures(text.slice(start, end));
    let newest = this.newest.get(head.agent);
    if (newest === undefined) {
      newest = { time: Number.NEGATIVE_INFINITY, text: "", start: 0, end: 0 };
      this.newest.set(head.agent, newest);
    }
    const figures = new LineFigures(newest, head.agent, detached(head.ts), head.time);
    if (!readFigures(text, start, end, figures)) return slowFigures(text.slice(start, end));
    if (head.time > newest.time) {
      newest.time = head.time;
      newest.text = text;
      newest.start = start;
      newest.end = end;
    }
    return figures;
  }
}

function slowFigures(line: string): SampleFigures | undefined {
  const sample = parseSampleLine(line);
  return sample === undefined ? undefined : figuresOf(sample);
}

class LineFigures extends FiguresRecord {
  /** Not a plain property: a figures record compares and prints like figuresOf's. */
  readonly #newest: NewestLine;

  constructor(newest: NewestLine, agent: string, ts: string, time: number) {
    super(agent, ts, time);
    this.#newest = newest;
  }

  override sample(): PollSample | undefined {
    const newest = this.#newest;
    return newest.time === this.time
      ? parseSampleLine(newest.text.slice(newest.start, newest.end))
      : undefined;
  }
}

/*
 * Keys are written without their opening quote, which find() checks for: V8 finds a pattern by
 * its first character, and a quote comes every few characters in JSON, so searching for the
 * rest of the key takes half the time.
 */
const CPU = 'cpu":{';
const USAGE_PERCENT = 'usage_percent":';
const COUNT = 'count":';
const PER_CORE_PERCENT = 'per_core_percent":[';
const LOAD = 'load":{';
const LOAD_1 = 'load_1":';
const LOAD_5 = 'load_5":';
const LOAD_15 = 'load_15":';
const TEMPERATURE = 'temperature":{';
const CPU_CELSIUS = 'cpu_celsius":';
const MEMORY = 'memory":{';
const SWAP_PERCENT = 'swap_percent":';
const DISKS = 'disks":[';
const NETWORK = 'network":{';
const RX_BYTES_PER_S = 'rx_bytes_per_s":';
const TX_BYTES_PER_S = 'tx_bytes_per_s":';
const SECURITY = 'security":{';
const STATUS = 'status":"';
const ISSUE_COUNT = 'issue_count":';
const SSH_FAILED_LOGINS = 'ssh_failed_logins":{';
const TOTAL = 'total":';

/** false when the line is not as expected after all (then it is decoded whole). */
function readFigures(text: string, start: number, end: number, out: LineFigures): boolean {
  lineStart = start;
  lineEnd = end;
  cursor = start;
  const cpu = family(text, CPU);
  if (cpu !== -1) {
    const close = text.indexOf("}", cpu);
    if (close === -1 || close >= end) return false;
    out.cpuPercent = numberAfter(text, USAGE_PERCENT, cpu, close);
    out.cpuCount = numberAfter(text, COUNT, cpu, close);
    if (!readCoreRange(text, cpu, close, out)) return false;
  }
  const load = family(text, LOAD);
  if (load !== -1) {
    out.load1 = numberAfter(text, LOAD_1, load);
    out.load5 = numberAfter(text, LOAD_5, load);
    out.load15 = numberAfter(text, LOAD_15, load);
  }
  const temperature = family(text, TEMPERATURE);
  if (temperature !== -1) out.temperatureCelsius = numberAfter(text, CPU_CELSIUS, temperature);
  const memory = family(text, MEMORY);
  if (memory !== -1) {
    const close = text.indexOf("}", memory);
    if (close === -1 || close >= end) return false;
    out.memoryPercent = numberAfter(text, USAGE_PERCENT, memory, close);
    out.swapPercent = numberAfter(text, SWAP_PERCENT, memory);
  }
  const disks = family(text, DISKS);
  if (disks !== -1 && !readDisks(text, disks - 1, out)) return false;
  const network = family(text, NETWORK);
  if (network !== -1) {
    // stop before the interfaces, which have rx/tx figures of their own
    const list = text.indexOf("[", network);
    const close = text.indexOf("}", network);
    if (close === -1 || close >= end) return false;
    const hasList = list !== -1 && list < close;
    const rx = find(text, RX_BYTES_PER_S, network, hasList ? list : close);
    const tx = find(text, TX_BYTES_PER_S, network, hasList ? list : close);
    if (hasList && (rx === -1 || tx === -1)) return false; // after the interfaces, maybe
    out.rxBytesPerS = rx === -1 ? Number.NaN : numberAt(text, rx);
    out.txBytesPerS = tx === -1 ? Number.NaN : numberAt(text, tx);
  }
  const security = family(text, SECURITY);
  if (security !== -1) {
    const status = find(text, STATUS, security);
    const unavailable = status !== -1 && text.startsWith('unavailable"', status);
    out.securityIssues = unavailable ? Number.NaN : numberAfter(text, ISSUE_COUNT, security);
    const ssh = find(text, SSH_FAILED_LOGINS, security);
    if (ssh !== -1) out.sshFailed = numberAfter(text, TOTAL, ssh);
  }
  return true;
}

/** The line being read: [lineStart, lineEnd) of the text (one line at a time). */
let lineStart = 0;
let lineEnd = 0;
/** Where the last family was found: the families are looked for in the order they are written. */
let cursor = 0;

/** The index just past the family's key, -1 when the family is absent. */
function family(text: string, key: string): number {
  let at = find(text, key, cursor);
  if (at === -1 && cursor > lineStart) at = findBefore(text, key, cursor);
  if (at !== -1) cursor = at;
  return at;
}

function readCoreRange(text: string, from: number, to: number, out: LineFigures): boolean {
  let at = find(text, PER_CORE_PERCENT, from, to);
  if (at === -1 || text.charCodeAt(at) === CLOSE_BRACKET) return true;
  for (;;) {
    const core = numberAt(text, at);
    if (!Number.isNaN(core)) {
      if (Number.isNaN(out.cpuCoreMin) || core < out.cpuCoreMin) out.cpuCoreMin = core;
      if (Number.isNaN(out.cpuCoreMax) || core > out.cpuCoreMax) out.cpuCoreMax = core;
    }
    const next = text.charCodeAt(numberEnd);
    if (next === CLOSE_BRACKET) return true;
    if (next !== COMMA) return false;
    at = numberEnd + 1;
  }
}

/**
 * Walks the disks array starting at `from`: each disk starts with its mount, and the first "}"
 * after its usage_percent ends it (only numbers follow usage_percent in the contract's order).
 */
function readDisks(text: string, from: number, out: LineFigures): boolean {
  const FIRST = '[{"mount":"';
  const NEXT = ',{"mount":"';
  if (text.startsWith("[]", from)) return true;
  if (!text.startsWith(FIRST, from)) return false;
  let mount = from + FIRST.length;
  for (;;) {
    const quote = stringEnd(text, mount);
    if (quote === -1 || quote >= lineEnd) return false;
    const usage = find(text, USAGE_PERCENT, quote);
    // no usage_percent before the next disk's mount: rare enough to decode the line whole
    if (usage === -1 || text.lastIndexOf('"mount":"', usage) !== mount - 9) return false;
    const raw = text.slice(mount, quote);
    out.diskMounts.push(raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : detached(raw));
    out.diskPercents.push(numberAt(text, usage));
    const close = text.indexOf("}", numberEnd);
    if (close === -1 || close >= lineEnd) return false;
    if (text.charCodeAt(close + 1) === CLOSE_BRACKET) return true;
    if (!text.startsWith(NEXT, close + 1)) return false;
    mount = close + 1 + NEXT.length;
  }
}

const QUOTE = 34;

/** The index just past the key found in [from, to), else -1. */
function find(text: string, key: string, from: number, to = lineEnd): number {
  for (let at = text.indexOf(key, from + 1); at !== -1 && at <= to; at = text.indexOf(key, at + 1)) {
    if (text.charCodeAt(at - 1) === QUOTE) return at + key.length;
  }
  return -1;
}

/** find() for a key of the line that starts before `to`. */
function findBefore(text: string, key: string, to: number): number {
  for (let at = text.lastIndexOf(key, to); at > lineStart; at = text.lastIndexOf(key, at - 1)) {
    if (text.charCodeAt(at - 1) === QUOTE) return at + key.length;
  }
  return -1;
}

/** The JSON number after the key; NaN for null, anything that is not a number, or no key. */
function numberAfter(text: string, key: string, from: number, to = lineEnd): number {
  const at = find(text, key, from, to);
  return at === -1 ? Number.NaN : numberAt(text, at);
}

const COMMA = 44;
const CLOSE_BRACKET = 93;
