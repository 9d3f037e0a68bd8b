import { mkdir, open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { AlertRecord, PollEvent, PollSample } from "../../storage/index.js";
import { readLines } from "./read-lines.js";
import { listSegments, newSegment, removeSegment, saveOffset, syncDir } from "./segments.js";
import type { Segment } from "./segments.js";

export interface SpoolBatch {
  /** Unique per batch across runs; lets the writer skip parts it stored after spooling them. */
  id?: string;
  samples: PollSample[];
  events: PollEvent[];
  alerts?: AlertRecord[];
}

/** The records of a batch: what the health line counts. */
export function recordsOf(batch: SpoolBatch): number {
  return batch.samples.length + batch.events.length + (batch.alerts?.length ?? 0);
}

export interface SpoolOptions {
  /** A segment is closed and a new one started once it holds about this much; 16 MiB. */
  segmentBytes?: number;
  /** A complete line that is not a batch (disk damage): skipped, and reported here. */
  onBadLine?: (file: string, offset: number) => void;
}

/** Replay progress is written down every this many batches, besides when a replay stops. */
const SAVE_EVERY = 64;

/**
 * An append-only on-disk queue of the batches the store could not take, replayed in order
 * once it is back. Each batch is one JSON line, fsync'd before append() resolves; segments are
 * deleted only when all their batches were written. After a crash during a replay, the batches
 * written since the last saved offset are written again: the stores are idempotent on
 * (agent, ts), so that costs time, never correctness.
 */
export class Spool {
  private segments: Segment[] = [];
  private current: { segment: Segment; handle: FileHandle } | undefined;
  private nextSeq = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private replaying = false;
  private replayDone: Promise<unknown> = Promise.resolve();
  private closing = false;
  private closed = false;
  private readonly segmentBytes: number;

  constructor(
    readonly dir: string,
    private readonly options: SpoolOptions = {},
  ) {
    this.segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  }

  /** Creates the directory and picks up what a previous run left: it is replayed first. */
  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const found = await listSegments(this.dir);
    this.nextSeq = (found.at(-1)?.seq ?? 0) + 1;
    for (const segment of found) {
      if (segment.batches > 0) this.segments.push(segment);
      else await removeSegment(segment); // nothing left but, maybe, a line cut by a crash
    }
  }

  get pendingBatches(): number {
    return this.segments.reduce((sum, s) => sum + s.batches, 0);
  }

  /** Records in the batches not yet replayed (those of a previous run counted at open). */
  get pendingRecords(): number {
    return this.segments.reduce((sum, s) => sum + s.records, 0);
  }

  get pendingBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size - s.offset, 0);
  }

  get isEmpty(): boolean {
    return this.pendingBatches === 0;
  }

  /** Resolves once the batch is on disk (fsync'd). */
  append(batch: SpoolBatch): Promise<void> {
    return this.serial(() => this.appendNow(batch));
  }

  /**
   * Calls `write` for every batch, oldest first, one at a time. When `write` throws, the replay
   * stops and rethrows: that batch and all later ones stay for the next replay. Resolves with
   * the number of batches written. Batches appended meanwhile are replayed too.
   */
  async replay(write: (batch: SpoolBatch) => Promise<void>): Promise<number> {
    if (this.replaying) throw new Error("Spool.replay is already running");
    this.replaying = true;
    const run = this.replayAll(write);
    this.replayDone = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.replaying = false;
    }
  }

  /** Lets a running replay stop after its current batch; appends already asked for are kept. */
  async close(): Promise<void> {
    this.closing = true;
    await this.replayDone;
    await this.serial(() => {
      this.closed = true;
      return this.seal();
    });
  }

  private async appendNow(batch: SpoolBatch): Promise<void> {
    if (this.closed) throw new Error("the spool is closed");
    const records = recordsOf(batch);
    // the count first, so that open() can count a previous run's records from the line heads
    const line = Buffer.from(`${JSON.stringify({ records, ...batch })}\n`, "utf8");
    let current = this.current;
    if (current !== undefined && current.segment.size + line.length > this.segmentBytes) {
      await this.seal();
      current = undefined;
    }
    current ??= await this.startSegment();
    const { segment, handle } = current;
    try {
      for (let written = 0; written < line.length;) {
        written += (await handle.write(line, written, line.length - written)).bytesWritten;
      }
      await handle.sync();
    } catch (error) {
      // Take back a partial line, so the next batch does not get glued to it, and go on in a new segment.
      await handle.truncate(segment.size).catch(() => undefined);
      await this.seal();
      throw error;
    }
    segment.size += line.length;
    segment.batches++;
    segment.records += records;
  }

  private async startSegment(): Promise<{ segment: Segment; handle: FileHandle }> {
    const segment = newSegment(this.dir, this.nextSeq++);
    const handle = await open(segment.file, "ax");
    await syncDir(this.dir);
    this.segments.push(segment);
    this.current = { segment, handle };
    return this.current;
  }

  private async seal(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.handle.close();
  }

  private async replayAll(write: (batch: SpoolBatch) => Promise<void>): Promise<number> {
    let written = 0;
    for (let segment = this.segments[0]; segment !== undefined && !this.closing; segment = this.segments[0]) {
      // Appends go on in a new segment; this one no longer changes while it is read.
      const reading = segment;
      await this.serial(async () => {
        if (this.current?.segment === reading) await this.seal();
      });
      const result = await this.replaySegment(segment, write);
      written += result.written;
      if (!result.finished) break;
      await removeSegment(segment);
      this.segments.splice(this.segments.indexOf(segment), 1);
    }
    return written;
  }

  private async replaySegment(
    segment: Segment,
    write: (batch: SpoolBatch) => Promise<void>,
  ): Promise<{ written: number; finished: boolean }> {
    let written = 0;
    let unsaved = 0;
    try {
      for await (const line of readLines(segment.file, segment.offset)) {
        if (this.closing) {
          await saveOffset(segment);
          return { written, finished: false };
        }
        const batch = parseBatch(line.text);
        if (batch === undefined) {
          this.options.onBadLine?.(segment.file, segment.offset);
        } else {
          await write(batch);
          written++;
        }
        segment.offset = line.end;
        segment.batches--;
        segment.records = Math.max(0, segment.records - (batch === undefined ? 0 : recordsOf(batch)));
        if (++unsaved >= SAVE_EVERY) {
          await saveOffset(segment);
          unsaved = 0;
        }
      }
    } catch (error) {
      if (unsaved > 0) await saveOffset(segment).catch(() => undefined);
      throw error;
    }
    // Whatever follows the last newline is a line cut by a crash: it goes with the segment.
    segment.offset = segment.size;
    return { written, finished: true };
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function parseBatch(text: string): SpoolBatch | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const { id, samples, events, alerts } = value as Partial<SpoolBatch>;
    if (!Array.isArray(samples) || !Array.isArray(events)) return undefined;
    return {
      ...(typeof id === "string" ? { id } : {}),
      samples,
      events,
      ...(Array.isArray(alerts) ? { alerts } : {}),
    };
  } catch {
    return undefined;
  }
}
