import { closeSync, openSync, readFileSync, readSync } from "node:fs";

/** Errors meaning "the file (or the process it belonged to) is not there". */
export function isMissingFileError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ESRCH" || code === "ENOTDIR";
}

/** Reads a required /proc or /sys file; a missing file is reported by name. */
export function readText(path: string): string {
  try {
    return readFileSync(path, "latin1");
  } catch (err) {
    if (isMissingFileError(err)) throw new Error(`required file missing: ${path}`, { cause: err });
    throw err;
  }
}

/** Reads an optional file: null when it does not exist. */
export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch (err) {
    if (isMissingFileError(err)) return null;
    throw err;
  }
}

const recordBuffer = Buffer.allocUnsafe(4096);

/**
 * Reads a one-record procfs file such as /proc/PID/stat with a single open/read/close: about half
 * the cost of readFileSync, which also calls fstat and reads again to see EOF. The kernel returns
 * such a record whole in the first read.
 */
export function readProcRecord(path: string): string {
  const fd = openSync(path, "r");
  let length: number;
  try {
    length = readSync(fd, recordBuffer, 0, recordBuffer.length, null);
  } finally {
    closeSync(fd);
  }
  return length < recordBuffer.length
    ? recordBuffer.toString("latin1", 0, length)
    : readFileSync(path, "latin1");
}
