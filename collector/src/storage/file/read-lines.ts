import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";

const NEWLINE = 0x0a;
const CHUNK_BYTES = 256 * 1024;
/** Texts up to about this size: V8 makes strings over 128 KB several times slower. */
const TEXT_BYTES = 64 * 1024;

/** Bytes [start, end) of a plain file, both at line starts (see splitAtLines). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Cuts a plain file into about `count` ranges of whole lines, so that several readers can
 * share it: each boundary is moved forward to just after a newline.
 */
export async function splitAtLines(file: string, count: number): Promise<ByteRange[]> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const starts = [0];
    const probe = Buffer.alloc(64 * 1024);
    for (let i = 1; i < count; i++) {
      let at = Math.max(Math.floor((size * i) / count), starts[starts.length - 1]!);
      for (;;) {
        const { bytesRead } = await handle.read(probe, 0, probe.length, at);
        if (bytesRead === 0) {
          at = size;
          break;
        }
        const newline = probe.subarray(0, bytesRead).indexOf(NEWLINE);
        if (newline !== -1) {
          at += newline + 1;
          break;
        }
        at += bytesRead;
      }
      if (at < size && at > starts[starts.length - 1]!) starts.push(at);
    }
    return starts.map((start, i) => ({ start, end: starts[i + 1] ?? size }));
  } finally {
    await handle.close();
  }
}

/**
 * Streams a file as texts of whole lines ("\n" between them; empty lines possible), a chunk's
 * worth at a time, gunzipping a .gz. A plain archive gzipped meanwhile is read from its .gz; a
 * file pruned meanwhile reads as empty. A read error (a corrupt archive) ends the file early,
 * keeping what was read: the caller skips the broken last line like any malformed one.
 *
 * The caller cuts lines out of a text by index: a string per line would be most of what the
 * garbage collector has to deal with in a history read.
 */
export async function* readLineTexts(
  file: string,
  track?: Set<Readable>,
  part?: ByteRange,
): AsyncGenerator<string> {
  const opened = await openEither(file);
  if (opened === undefined) return;
  if (part !== undefined && opened.gzipped)
    throw new Error(`${file}: a gzipped file cannot be read in parts`);
  const raw = opened.handle.createReadStream({
    highWaterMark: CHUNK_BYTES,
    ...(part === undefined ? {} : { start: part.start, end: part.end - 1 }),
  });
  const stream = opened.gzipped
    ? pipeline(raw, createGunzip({ chunkSize: CHUNK_BYTES }), () => undefined)
    : raw;
  track?.add(stream);
  let rest: Buffer | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      const last = chunk.lastIndexOf(NEWLINE);
      if (last === -1) {
        rest = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
        continue;
      }
      if (rest !== undefined) {
        // the line begun in the previous chunk
        start = chunk.indexOf(NEWLINE) + 1;
        yield Buffer.concat([rest, chunk.subarray(0, start - 1)]).toString("utf8");
        rest = undefined;
      }
      while (start < last) {
        let end = start + TEXT_BYTES >= last ? last : chunk.lastIndexOf(NEWLINE, start + TEXT_BYTES);
        if (end < start) end = chunk.indexOf(NEWLINE, start + TEXT_BYTES); // a line longer than a text
        yield chunk.toString("utf8", start, end);
        start = end + 1;
      }
      if (last + 1 < chunk.length) rest = chunk.subarray(last + 1);
    }
  } catch {
    // keep what was read
  } finally {
    track?.delete(stream);
    stream.destroy();
    raw.destroy();
  }
  if (rest !== undefined) yield rest.toString("utf8");
}

/** The first line of a file (a .gz gunzipped), undefined for an empty or missing one. */
export async function readFirstLine(file: string, track?: Set<Readable>): Promise<string | undefined> {
  for await (const text of readLineTexts(file, track)) {
    const newline = text.indexOf("\n");
    return newline === -1 ? text : text.slice(0, newline);
  }
  return undefined;
}

async function openEither(file: string): Promise<{ handle: FileHandle; gzipped: boolean } | undefined> {
  const candidates = file.endsWith(".gz") ? [file] : [file, `${file}.gz`];
  for (const candidate of candidates) {
    try {
      return { handle: await open(candidate, "r"), gzipped: candidate.endsWith(".gz") };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return undefined;
}
