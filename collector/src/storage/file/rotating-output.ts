import { once } from "node:events";
import { lstat, mkdir, open, rename } from "node:fs/promises";
import path from "node:path";
import winston from "winston";
import DailyRotateFile from "winston-daily-rotate-file";
import type { RotationNames } from "./file-names.js";

export interface OutputOptions {
  names: RotationNames;
  maxSizeBytes: number;
  backupCount: number;
}

/**
 * One winston logger with one winston-daily-rotate-file transport, plus what the transport does
 * not offer: knowing when written lines are on disk, and its errors. The transport's file stream
 * (file-stream-rotator) has no write callbacks and rotates by ending the old fs stream and
 * opening a new one; so a write is done when a zero-length "barrier" write on the current stream
 * has called back AND every stream ended by a rotation has closed. An fs error is re-emitted by
 * the rotator, with no listener of its own (it would crash the process): it fails this output,
 * which is then thrown away; the next write opens a new one.
 */
export class RotatingOutput {
  /** The file being written, known once the rotator has announced it. */
  current = "";
  /** Bytes of a torn last line cut off at open (0 when the file ended with a newline). */
  tornBytesCut = 0;
  private failure: Error | undefined;
  private sent = 0;
  private logged = 0;
  private endedStreams = 0;
  private rotated: string[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly logger: winston.Logger,
    private readonly transport: DailyRotateFile,
  ) {
    const stream = transport.logStream;
    stream.on("new", (file: string) => (this.current = file));
    stream.on("rotate", (oldFile: string) => {
      this.endedStreams++;
      this.rotated.push(oldFile);
    });
    stream.on("close", () => {
      this.endedStreams = Math.max(0, this.endedStreams - 1);
      this.wake();
    });
    transport.on("logged", () => {
      this.logged++;
      this.wake();
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.wake();
    };
    stream.on("error", fail);
    transport.on("error", fail);
    logger.on("error", fail);
  }

  static async open(options: OutputOptions): Promise<RotatingOutput> {
    const { names } = options;
    await mkdir(names.dir, { recursive: true });
    await adoptPlainFile(names);
    const transport = new DailyRotateFile({
      dirname: names.dir,
      filename: `${names.stem}-%DATE%`,
      extension: names.ext,
      datePattern: "YYYY-MM-DD",
      utc: true,
      maxSize: options.maxSizeBytes,
      // counts the current file too; the audit lets a restart continue the day's numbering
      maxFiles: options.backupCount + 1,
      auditFile: path.join(names.dir, `.${names.link}-audit.json`),
      createSymlink: true,
      symlinkName: names.link,
      eol: "\n",
    });
    const logger = winston.createLogger({
      level: "info",
      format: winston.format.printf((info) => String(info.message)),
      transports: [transport],
    });
    const output = new RotatingOutput(logger, transport);
    try {
      await once(transport.logStream, "new");
      // a crash mid-line left a torn line: cut it off, so no reader sees half a record and the
      // next line is not glued to it (the batch it belonged to is in the spool, or was lost
      // within the stated kill -9 bound)
      output.tornBytesCut = await cutTornLine(output.current);
      return output;
    } catch (error) {
      await output.end().catch(() => undefined);
      throw error;
    }
  }

  /** Resolves when the lines (without their "\n") are on disk; returns the files rotated away. */
  async write(chunks: readonly string[]): Promise<string[]> {
    this.throwIfFailed();
    for (const chunk of chunks) this.logger.info(chunk);
    const sent = (this.sent += chunks.length);
    await this.until(() => this.logged >= sent);
    await this.barrier();
    await this.until(() => this.endedStreams === 0);
    this.throwIfFailed();
    return this.rotated.splice(0);
  }

  /** Closes the file; rejects if closing it failed. */
  async end(): Promise<void> {
    try {
      if (this.failure === undefined) {
        const closed = once(this.transport.logStream, "close");
        this.transport.logStream.end();
        await closed;
      }
    } finally {
      this.logger.close();
    }
  }

  private barrier(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.transport.logStream.write("", (error) => (error ? reject(error) : resolve()));
    });
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.failure !== undefined) reject(this.failure);
        else if (done()) resolve();
        else return;
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** A plain file where the symlink goes (written by something else) would block the symlink. */
async function adoptPlainFile(names: RotationNames): Promise<void> {
  const file = path.join(names.dir, names.link);
  const stat = await lstat(file).catch(() => undefined);
  if (stat === undefined || !stat.isFile()) return;
  const date = stat.mtime.toISOString().slice(0, 10);
  const archive = path.join(names.dir, `${names.stem}-${date}.0${names.ext}`);
  if ((await lstat(archive).catch(() => undefined)) === undefined) await rename(file, archive);
}

/**
 * Truncates the file after its last newline (or to empty when it has none); returns the bytes
 * cut. The stream appends (flags "a"), so it goes on at the new end.
 */
export async function cutTornLine(file: string): Promise<number> {
  const handle = await open(file, "r+").catch(() => undefined);
  if (handle === undefined) return 0;
  try {
    const { size } = await handle.stat();
    const chunk = Buffer.alloc(64 * 1024);
    // backwards in chunks: a torn line is at most one record, but bound the search by the file
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline !== -1) {
        const keep = start + newline + 1;
        if (keep < size) await handle.truncate(keep);
        return size - keep;
      }
      end = start;
    }
    if (size > 0) await handle.truncate(0);
    return size;
  } finally {
    await handle.close();
  }
}
