import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

export interface LogFollowerOptions {
  /** Start at the current end of the file instead of replaying its tail. */
  startAtEnd?: boolean;
  /** Bytes read per readNew() at most; the rest is read by the next calls. */
  maxBytesPerRead?: number;
  /** On the first open, replay at most this much of the file's end. */
  initialTailBytes?: number;
}

const CHUNK_BYTES = 1 << 20;
const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 10;

interface CopyDrain {
  fd: number;
  pos: number;
}

/**
 * Follows one log file across appends and rotations, reading only new bytes through a
 * kept-open descriptor (lines appended to a file just renamed away are still read).
 * Returns whole lines; a partial last line waits until its newline arrives.
 */
export class LogFollower {
  readonly path: string;
  private readonly startAtEnd: boolean;
  private readonly maxBytesPerRead: number;
  private readonly initialTailBytes: number;
  private fd: number | null = null;
  private dev = 0;
  private ino = 0;
  private offset = 0;
  private opened = false;
  private pending: Buffer = Buffer.alloc(0);
  /** Discard bytes up to the next newline (after starting mid-file or an overlong line). */
  private skipToLineStart = false;
  private copy: CopyDrain | null = null;
  private budget = 0;
  private readonly buf: Buffer;

  constructor(path: string, options: LogFollowerOptions = {}) {
    this.path = path;
    this.startAtEnd = options.startAtEnd ?? false;
    this.maxBytesPerRead = options.maxBytesPerRead ?? 8 * 1024 * 1024;
    this.initialTailBytes = options.initialTailBytes ?? 4 * 1024 * 1024;
    this.buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, this.maxBytesPerRead));
  }

  /**
   * Reads what was appended since the last call. Throws the open error (ENOENT, EACCES) when
   * the file has never been opened and cannot be, or when a new file at the path cannot be.
   */
  readNew(): string[] {
    const lines: string[] = [];
    this.budget = this.maxBytesPerRead;
    if (this.fd === null) this.open(!this.opened);
    if (this.copy !== null && !this.drainCopy(lines)) return lines;
    if (!this.drainCurrent(lines)) return lines;

    let st;
    try {
      st = statSync(this.path);
    } catch {
      return lines; // vanished: keep the old descriptor until a new file appears
    }
    if (st.ino !== this.ino || st.dev !== this.dev) {
      let fd: number;
      try {
        fd = openFile(this.path);
      } catch (err) {
        // Retried next call, keeping the drained old descriptor; a lasting error such as
        // EACCES on the new file is thrown once nothing else is left to return.
        if (lines.length > 0 || (err as NodeJS.ErrnoException).code === "ENOENT") return lines;
        throw err;
      }
      this.flushPending(lines);
      this.closeFd();
      this.use(fd, false);
      this.drainCurrent(lines);
    } else if (st.size < this.offset) {
      this.startCopyDrain();
      this.offset = 0;
      if (this.drainCopy(lines)) this.drainCurrent(lines);
    }
    return lines;
  }

  close(): void {
    this.closeFd();
    if (this.copy !== null) closeSync(this.copy.fd);
    this.copy = null;
  }

  private open(first: boolean): void {
    this.use(openFile(this.path), first);
  }

  private use(fd: number, first: boolean): void {
    const st = fstatSync(fd);
    this.fd = fd;
    this.dev = st.dev;
    this.ino = st.ino;
    this.offset = 0;
    this.pending = Buffer.alloc(0);
    this.skipToLineStart = false;
    if (first) {
      if (this.startAtEnd) this.offset = st.size;
      else if (st.size > this.initialTailBytes) {
        // Start one byte early so a tail starting exactly on a line start keeps that line.
        this.offset = st.size - this.initialTailBytes - 1;
        this.skipToLineStart = true;
      }
    }
    this.opened = true;
  }

  private closeFd(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Reads the current file to EOF within budget; false if the budget ran out first. */
  private drainCurrent(lines: string[]): boolean {
    if (this.fd === null) return true;
    const { pos, eof } = this.drain(this.fd, this.offset, lines);
    this.offset = pos;
    return eof;
  }

  /**
   * copytruncate: the lines written between our offset and the truncation are in path.1 (if
   * that is the copy, it is at least as long as our offset).
   */
  private startCopyDrain(): void {
    let fd: number;
    try {
      fd = openSync(`${this.path}.1`, "r");
    } catch {
      this.pending = Buffer.alloc(0);
      return;
    }
    if (fstatSync(fd).size < this.offset) {
      closeSync(fd);
      this.pending = Buffer.alloc(0);
      return;
    }
    this.copy = { fd, pos: this.offset };
  }

  private drainCopy(lines: string[]): boolean {
    if (this.copy === null) return true;
    const { pos, eof } = this.drain(this.copy.fd, this.copy.pos, lines);
    this.copy.pos = pos;
    if (!eof) return false;
    closeSync(this.copy.fd);
    this.copy = null;
    this.flushPending(lines);
    return true;
  }

  private drain(fd: number, start: number, lines: string[]): { pos: number; eof: boolean } {
    let pos = start;
    while (this.budget > 0) {
      const n = readSync(fd, this.buf, 0, Math.min(this.buf.length, this.budget), pos);
      if (n === 0) return { pos, eof: true };
      pos += n;
      this.budget -= n;
      this.consume(n, lines);
    }
    return { pos, eof: false };
  }

  private consume(n: number, lines: string[]): void {
    const buf = this.buf;
    let start = 0;
    if (this.skipToLineStart) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0 || nl >= n) return;
      start = nl + 1;
      this.skipToLineStart = false;
    }
    const last = n > 0 ? buf.lastIndexOf(NEWLINE, n - 1) : -1;
    if (last < start) {
      this.appendPending(buf.subarray(start, n));
      return;
    }
    const text =
      this.pending.length > 0
        ? Buffer.concat([this.pending, buf.subarray(start, last)]).toString("utf8")
        : buf.toString("utf8", start, last);
    pushLines(text, lines);
    this.pending = Buffer.alloc(0);
    if (last + 1 < n) this.appendPending(buf.subarray(last + 1, n));
  }

  private appendPending(bytes: Buffer): void {
    if (this.pending.length + bytes.length > MAX_LINE_BYTES) {
      this.pending = Buffer.alloc(0);
      this.skipToLineStart = true;
      return;
    }
    // Copy: the read buffer is reused.
    this.pending = Buffer.concat([this.pending, bytes]);
  }

  /** The file is left for good: its unterminated last line is all there will be. */
  private flushPending(lines: string[]): void {
    if (this.pending.length > 0) pushLines(this.pending.toString("utf8"), lines);
    this.pending = Buffer.alloc(0);
    this.skipToLineStart = false;
  }
}

function pushLines(text: string, lines: string[]): void {
  for (const line of text.split("\n")) if (line !== "") lines.push(line);
}

function openFile(path: string): number {
  const fd = openSync(path, "r");
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw Object.assign(new Error(`EISDIR: not a regular file, open '${path}'`), { code: "EISDIR" });
  }
  return fd;
}
