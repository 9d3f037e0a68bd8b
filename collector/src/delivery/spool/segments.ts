import { open, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { isLineStart, readLines } from "./read-lines.js";

/** One file of the spool: `000000000042.jsonl`, one batch per line, and maybe `000000000042.offset`. */
export interface Segment {
  seq: number;
  file: string;
  size: number;
  /** Bytes already replayed (kept in the .offset file when a replay stops part-way). */
  offset: number;
  /** Complete lines after `offset`. */
  batches: number;
  /** Records in those lines. */
  records: number;
}

const SEGMENT_NAME = /^(\d{12})\.jsonl$/;
const LEFTOVER_NAME = /^\d{12}\.(offset|offset\.tmp)$/;

export function newSegment(dir: string, seq: number): Segment {
  return {
    seq,
    file: path.join(dir, `${String(seq).padStart(12, "0")}.jsonl`),
    size: 0,
    offset: 0,
    batches: 0,
    records: 0,
  };
}

/** The segments found in `dir`, oldest first; offset files left without a segment are removed. */
export async function listSegments(dir: string): Promise<Segment[]> {
  const names = await readdir(dir);
  const segments: Segment[] = [];
  for (const name of names) {
    const match = SEGMENT_NAME.exec(name);
    if (match === null) continue;
    const segment = newSegment(dir, Number(match[1]));
    segment.size = (await stat(segment.file)).size;
    segment.offset = await readOffset(segment);
    Object.assign(segment, await countBatches(segment.file, segment.offset));
    segments.push(segment);
  }
  for (const name of names) {
    const owner = name.slice(0, 12);
    if (LEFTOVER_NAME.test(name) && !names.includes(`${owner}.jsonl`)) await removeFile(path.join(dir, name));
  }
  return segments.sort((a, b) => a.seq - b.seq);
}

/** Notes how far a segment was replayed. No fsync: losing it only means replaying again. */
export async function saveOffset(segment: Segment): Promise<void> {
  const file = offsetFile(segment);
  await writeFile(`${file}.tmp`, String(segment.offset));
  await rename(`${file}.tmp`, file);
}

/** The segment first, so a crash in between leaves an orphan offset file, never a reset one. */
export async function removeSegment(segment: Segment): Promise<void> {
  await removeFile(segment.file);
  await removeFile(offsetFile(segment));
}

/** Makes a new directory entry durable (a no-op where directories cannot be opened). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // some platforms and file systems refuse fsync on a directory
  } finally {
    await handle.close();
  }
}

async function readOffset(segment: Segment): Promise<number> {
  const text = await readFile(offsetFile(segment), "utf8").catch(() => "0");
  const offset = Number(text.trim());
  const valid = Number.isSafeInteger(offset) && offset >= 0 && offset <= segment.size;
  // A damaged offset file costs re-writes (the stores are idempotent), never a lost batch.
  return valid && (await isLineStart(segment.file, offset)) ? offset : 0;
}

function offsetFile(segment: Segment): string {
  return segment.file.replace(/\.jsonl$/, ".offset");
}

async function removeFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

const RECORDS_HEAD = /^\{"records":(\d+),/;

/** Batches (complete lines) and their records from `start` on; a line without its count is parsed. */
async function countBatches(file: string, start: number): Promise<{ batches: number; records: number }> {
  let batches = 0;
  let records = 0;
  for await (const { text } of readLines(file, start)) {
    batches++;
    const head = RECORDS_HEAD.exec(text);
    records += head !== null ? Number(head[1]) : countRecords(text);
  }
  return { batches, records };
}

/** A line of an older release (no count in front), or a damaged one (0). */
function countRecords(text: string): number {
  try {
    const { samples, events, alerts } = JSON.parse(text) as Record<string, unknown>;
    return [samples, events, alerts].reduce<number>(
      (n, list) => n + (Array.isArray(list) ? list.length : 0),
      0,
    );
  } catch {
    return 0;
  }
}
