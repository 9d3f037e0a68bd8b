import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { PollSample } from "../records.js";
import { listRotatedFiles } from "./file-names.js";
import { AgentNames, readLineHead } from "./line-head.js";
import { parseSampleLine } from "./lines.js";
import { readLineTexts } from "./read-lines.js";

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1024 * 1024;
/**
 * Lines are written in about time order: once the backward read has gone this far past the
 * oldest sample still looked for, that sample is not where it should be (see findSamples).
 */
const SLACK_MS = 15 * 60_000;

/**
 * Each wanted agent's sample at the wanted time (epoch ms), read off metrics_data.jsonl from its
 * end, newest file first: a dashboard wants each agent's newest sample, which is near the end.
 * The search gives up on a sample once it has read lines well older than it (a sample stored
 * far from its time, e.g. replayed much later, is left out: the caller reads for those).
 */
export async function findRecentSamples(
  jsonFile: string,
  wanted: ReadonlyMap<string, number>,
  track?: Set<Readable>,
): Promise<Map<string, PollSample>> {
  const found = new Map<string, PollSample>();
  const missing = new Map(wanted);
  const names = new AgentNames();
  let floor = oldest(missing) - SLACK_MS;
  /** false once the line is older than every sample still missing. */
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
  const files = (await listRotatedFiles(jsonFile)).reverse();
  for (const file of files) {
    if (missing.size === 0) break;
    let going = true;
    if (file.gzipped) {
      for await (const text of readLineTexts(file.path, track)) {
        for (let start = 0, end = 0; start < text.length; start = end + 1) {
          end = text.indexOf("\n", start);
          if (end === -1) end = text.length;
          if (end > start && !visit(text, start, end)) going = false;
        }
      }
    } else {
      for await (const text of readTextsBackward(file.path)) {
        for (let end = text.length; going && end > 0; end = text.lastIndexOf("\n", end - 1)) {
          const start = text.lastIndexOf("\n", end - 1) + 1;
          if (end > start) going = visit(text, start, end);
          if (start === 0) break;
        }
        if (!going) break;
      }
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
