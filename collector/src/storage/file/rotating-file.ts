import { stat, truncate } from "node:fs/promises";
import { gzipFile, pruneArchives } from "./archive.js";
import { listRotatedFiles, rotationNames } from "./file-names.js";
import { RotatingOutput } from "./rotating-output.js";

export interface RotatingFileOptions {
  /** The configured path; it becomes a symlink to the file being written (see file-names.ts). */
  file: string;
  maxSizeBytes: number;
  /** Rotated archives kept besides the current file; 0 keeps none. */
  backupCount: number;
}

/**
 * A lines file rotated by size and by UTC day, whose archives are gzipped and pruned. Writes are
 * serialised and resolve once the lines are on disk (handed to the kernel, not fsynced). A
 * failed write rejects, and the next write reopens the file.
 *
 * winston-daily-rotate-file's own zippedArchive and maxFiles are not used for archives: it gzips
 * the old file while the old stream may still be writing it (lines are lost), skips files not
 * yet opened, and prunes only files that exist at the moment of rotation. Here archiving runs
 * in the background, after the rotated streams have closed, and also finishes a previous run's.
 */
export class RotatingFile {
  private output: RotatingOutput | undefined;
  /** Bytes of torn last lines cut off at opens (see RotatingOutput.tornBytesCut). */
  tornBytesCut = 0;
  private lastCurrent = "";
  private queue: Promise<unknown> = Promise.resolve();
  private archiving: Promise<void> = Promise.resolve();
  private archiveError: Error | undefined;
  private closed = false;
  private readonly chunkChars: number;

  constructor(private readonly options: RotatingFileOptions) {
    // rotation is checked before each chunk: a file ends at most one chunk past max size
    const eighth = options.maxSizeBytes > 0 ? Math.floor(options.maxSizeBytes / 8) : Infinity;
    this.chunkChars = Math.min(256 * 1024, Math.max(1024, eighth));
  }

  open(): Promise<void> {
    return this.enqueue(async () => {
      await this.ensureOutput();
    });
  }

  /**
   * Appends lines (without their "\n"); resolves when they are on disk, with where the file
   * stood before (for rollback). A write that fails is rolled back before it rejects: the file
   * is as it was, no partial line, so a retry writes each line once.
   */
  write(lines: readonly string[]): Promise<WriteMark | undefined> {
    if (lines.length === 0) return Promise.resolve(undefined);
    const chunks = joinChunks(lines, this.chunkChars);
    return this.enqueue(async () => {
      const output = await this.ensureOutput();
      const mark = { file: output.current, size: await sizeOf(output.current) };
      try {
        const rotated = await output.write(chunks);
        if (rotated.length > 0) this.archive(rotated);
        return mark;
      } catch (error) {
        this.drop(output);
        await output.end().catch(() => undefined);
        // best effort: the write's own error is what the caller must see (a device that cannot
        // be truncated, such as /dev/full, keeps what it has)
        await undo(mark, output.current).catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Takes back a write that succeeded, when another file of the same batch failed (FileStore
   * keeps a batch all or nothing). Must come before any later write to this file; a rotation
   * during that write leaves its old file archived with the lines (a rare duplicate, which the
   * readers drop).
   */
  rollback(mark: WriteMark | undefined): Promise<void> {
    if (mark === undefined) return Promise.resolve();
    return this.enqueue(async () => {
      await undo(mark, this.output?.current ?? this.lastCurrent);
    });
  }

  /** Resolves when earlier writes are on disk; rejects once with an earlier archiving error. */
  async flush(): Promise<void> {
    await this.queue;
    this.throwArchiveError();
  }

  /** Closes the file after earlier writes, and waits for archiving (gzip, pruning). */
  async close(): Promise<void> {
    await this.enqueue(async () => {
      this.closed = true;
      const output = this.output;
      if (output === undefined) return;
      this.drop(output);
      await output.end();
    });
    await this.archiving;
    this.throwArchiveError();
  }

  private throwArchiveError(): void {
    const error = this.archiveError;
    this.archiveError = undefined;
    if (error !== undefined) throw error;
  }

  /** Forgets the output (after closing or failing), remembering its file for pruning. */
  private drop(output: RotatingOutput): void {
    this.lastCurrent = output.current;
    if (this.output === output) this.output = undefined;
  }

  private async ensureOutput(): Promise<RotatingOutput> {
    if (this.closed) throw new Error(`${this.options.file} is closed`);
    if (this.output !== undefined) return this.output;
    const output = await RotatingOutput.open({ ...this.options, names: rotationNames(this.options.file) });
    this.output = output;
    this.tornBytesCut += output.tornBytesCut;
    // archives a previous run left plain (stopped before gzipping, or rotated by the date)
    const files = await listRotatedFiles(this.options.file);
    this.archive(files.filter((f) => !f.gzipped && f.path !== output.current).map((f) => f.path));
    return output;
  }

  /** Prunes, then gzips the given closed files, in the background, one job at a time. */
  private archive(closedFiles: readonly string[]): void {
    this.archiving = this.archiving.then(async () => {
      try {
        const current = () => this.output?.current ?? this.lastCurrent;
        await pruneArchives(this.options.file, this.options.backupCount, current);
        for (const file of closedFiles) await gzipFile(file);
      } catch (error) {
        this.archiveError ??= error instanceof Error ? error : new Error(String(error));
      }
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** Where a file stood before a write: its size then. */
export interface WriteMark {
  file: string;
  size: number;
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

/**
 * The file back to its size before the write; a file the write rotated to held only this
 * write's lines and is emptied. The rotator keeps counting the bytes taken back, so after a
 * rollback a file may rotate a little before max size.
 */
async function undo(mark: WriteMark, current: string): Promise<void> {
  await truncate(mark.file, mark.size).catch(ignoreMissing);
  if (current !== "" && current !== mark.file) await truncate(current, 0).catch(ignoreMissing);
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
}

/** Joins lines into chunks of about `limit` characters; a chunk is one winston message. */
export function joinChunks(lines: readonly string[], limit: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    size += (lines[i]?.length ?? 0) + 1;
    if (size >= limit || i === lines.length - 1) {
      chunks.push(lines.slice(start, i + 1).join("\n"));
      start = i + 1;
      size = 0;
    }
  }
  return chunks;
}
