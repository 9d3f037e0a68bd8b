import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { PollSample } from "../records.js";
import { listRotatedFiles, type RotatedFile } from "./file-names.js";
import { AgentNames, readLineHead } from "./line-head.js";
import { parseSampleLine } from "./lines.js";
import { readFirstLine, readLineTexts } from "./read-lines.js";

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1024 * 1024;
/**
 * Lines are written in about time order: once the backward read of a file has gone this far
 * past the oldest sample still looked for, that sample is not where it should be.
 */
const SLACK_MS = 15 * 60_000;

/**
 * Each wanted agent's sample at the wanted time (epoch ms), read off metrics_data.jsonl. Files
 * are written in time order, so the sample is in the last file whose first line is not newer
 * than it, found by bisection (a first line each), or in the next one: only those are read,
 * plain files from their end, so that an agent that stopped weeks ago costs no more than one
 * polled a minute ago. A sample stored far from its time (replayed much later) is left out: the
 * caller reads for those. `oldest` is the time of the oldest file's first line.
 */
export async function findSamples(
  jsonFile: string,
  wanted: ReadonlyMap<string, number>,
  track?: Set<Readable>,
): Promise<{ found: Map<string, PollSample>; oldest: number }> {
  const found = new Map<string, PollSample>();
  const files = await listRotatedFiles(jsonFile);
  const names = new AgentNames();
  const firstTimes = new Map<string, number>();
  const firstTime = async (file: string): Promise<number> => {
    let time = firstTimes.get(file);
    if (time === undefined) {
      const line = await readFirstLine(file, track);
      time =
        line === undefined ? Number.NaN : (readLineHead(line, 0, line.length, names)?.time ?? Number.NaN);
      firstTimes.set(file, time);
    }
    return time;
  };
  // the wanted samples by the file that should hold them
  const byFile = new Map<number, Map<string, number>>();
  for (const [agent, time] of wanted) {
    let low = 0;
    let high = files.length - 1;
    let at = 0;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if ((await firstTime(files[middle]!.path)) <= time) {
        at = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    const group = byFile.get(at) ?? new Map<string, number>();
    group.set(agent, time);
    byFile.set(at, group);
  }
  for (const [at, group] of byFile) {
    for (const file of files.slice(at, at + 2)) {
      const missing = new Map([...group].filter(([agent]) => !found.has(agent)));
      if (missing.size === 0) break;
      for (const [agent, sample] of await searchFile(file, missing, names, track)) found.set(agent, sample);
    }
  }
  const first = files[0] === undefined ? Number.NaN : await firstTime(files[0].path);
  return { found, oldest: Number.isNaN(first) ? Number.NEGATIVE_INFINITY : first };
}

/** The wanted samples found in one file: a plain one read from its end, a gzipped one whole. */
async function searchFile(
  file: RotatedFile,
  wanted: ReadonlyMap<string, number>,
  names: AgentNames,
  track: Set<Readable> | undefined,
): Promise<Map<string, PollSample>> {
  const found = new Map<string, PollSample>();
  const missing = new Map(wanted);
  let floor = oldest(missing) - SLACK_MS;
  /** false once every sample is found, or the line is well older than those still missing. */
  const visit = (text: string, start: number, end: number): boolean => {
    const head = readLineHead(text, start, end, names);
    if (head === undefined) return true;
    if (missing.get(head.agent) === head.time) {
      const sample = parseSampleLine(text.slice(start, end));
      if (sample !== undefined) {
        found.set(head.agent, sample);
        missing.delete(head.agent);
        floor = oldest(missing) - SLACK_MS;
      }
    }
    return missing.size > 0 && !(head.time < floor);
  };
  if (file.gzipped) {
    for await (const text of readLineTexts(file.path, track)) {
      for (let start = 0, end = 0; start < text.length && missing.size > 0; start = end + 1) {
        end = text.indexOf("\n", start);
        if (end === -1) end = text.length;
        if (end > start) visit(text, start, end);
      }
      if (missing.size === 0) break;
    }
    return found;
  }
  let going = true;
  for await (const text of readTextsBackward(file.path)) {
    for (let end = text.length; going && end > 0; end = text.lastIndexOf("\n", end - 1)) {
      const start = text.lastIndexOf("\n", end - 1) + 1;
      if (end > start) going = visit(text, start, end);
      if (start === 0) break;
    }
    if (!going) break;
  }
  return found;
}

function oldest(times: ReadonlyMap<string, number>): number {
  let min = Number.POSITIVE_INFINITY;
  for (const time of times.values()) if (time < min) min = time;
  return min;
}

/**
 * A plain file as texts of whole lines, from its end: each text holds the lines of about a
 * megabyte, the lines of the text yielded before it came after them in the file.
 */
export async function* readTextsBackward(file: string): AsyncGenerator<string> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    let end = (await handle.stat()).size;
    /** The start of a line whose beginning is in the bytes before `end`. */
    let carry: Buffer | undefined;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK_BYTES);
      const chunk = Buffer.allocUnsafe(end - start);
      let filled = 0;
      while (filled < chunk.length) {
        const { bytesRead } = await handle.read(chunk, filled, chunk.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      const bytes =
        carry === undefined ? chunk.subarray(0, filled) : Buffer.concat([chunk.subarray(0, filled), carry]);
      end = start;
      if (start === 0) {
        yield bytes.toString("utf8");
        return;
      }
      const firstNewline = bytes.indexOf(NEWLINE);
      if (firstNewline === -1) {
        carry = bytes;
        continue;
      }
      carry = bytes.subarray(0, firstNewline);
      yield bytes.toString("utf8", firstNewline + 1);
    }
  } finally {
    await handle.close();
  }
}
