import { createReadStream, createWriteStream } from "node:fs";
import { access, open, rename, rm } from "node:fs/promises";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { listRotatedFiles, rotationKey } from "./file-names.js";

/** Fast level: the archives are written at the store's pace, on the collector's spare core. */
const GZIP_LEVEL = 1;

/**
 * Gzips a closed file to file.gz (through a .tmp and a rename, so a .gz is always whole), then
 * removes the file. A file that is gone already (pruned) is skipped.
 */
export async function gzipFile(file: string): Promise<void> {
  const gz = `${file}.gz`;
  const tmp = `${gz}.tmp`;
  let source;
  try {
    source = await open(file, "r");
  } catch (error) {
    if (isMissing(error)) return; // pruned meanwhile
    throw error;
  }
  const output = createWriteStream(tmp);
  try {
    await pipeline(source.createReadStream(), createGzip({ level: GZIP_LEVEL }), output);
  } catch (error) {
    // a failed pipeline may still be opening the .tmp: remove it once it is closed
    if (!output.closed) await once(output, "close").catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  } finally {
    await source.close().catch(() => undefined);
  }
  if (await exists(gz)) {
    // the name was used before (a restart that lost the rotation audit): keep both, as two gzip members
    await pipeline(createReadStream(tmp), createWriteStream(gz, { flags: "a" }));
    await rm(tmp);
  } else {
    await rename(tmp, gz);
  }
  await rm(file, { force: true });
}

/**
 * Deletes the oldest archives of `file` so that `keep` remain, counting a file and its .gz twin
 * as one. Only files older than the current one (asked after listing, as writes go on meanwhile)
 * are archives.
 */
export async function pruneArchives(file: string, keep: number, current: () => string): Promise<void> {
  const files = await listRotatedFiles(file);
  const currentFile = files.find((f) => f.path === current());
  if (currentFile === undefined) return;
  const currentKey = rotationKey(currentFile);
  const archiveKeys = [...new Set(files.map(rotationKey))].filter((key) => key < currentKey);
  const doomed = new Set(archiveKeys.slice(0, Math.max(0, archiveKeys.length - keep)));
  for (const f of files) {
    if (doomed.has(rotationKey(f))) await rm(f.path, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}
