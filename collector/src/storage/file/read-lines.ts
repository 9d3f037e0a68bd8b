import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";

/**
 * Streams the lines of a file, gunzipping a .gz. A plain archive gzipped meanwhile is read from
 * its .gz; a file pruned meanwhile reads as empty. A read error (a corrupt archive) ends the file
 * early, keeping what was read: the caller skips the broken last line like any malformed one.
 */
export async function* readLines(file: string, track?: Set<Readable>): AsyncGenerator<string> {
  const opened = await openEither(file);
  if (opened === undefined) return;
  const raw = opened.handle.createReadStream({ highWaterMark: 256 * 1024 });
  const stream = opened.gzipped ? pipeline(raw, createGunzip(), () => undefined) : raw;
  stream.setEncoding("utf8");
  track?.add(stream);
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line !== "") yield line;
    }
  } catch {
    // keep what was read
  } finally {
    track?.delete(stream);
    stream.destroy();
    raw.destroy();
  }
  if (rest !== "") yield rest;
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
