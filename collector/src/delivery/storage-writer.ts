import { errorText } from "../../../common/src/error-text.js";
import type { Logger } from "../../../common/src/logging.js";
import type { AlertRecord, PollEvent, PollSample } from "../storage/index.js";
import { recordsOf, type Spool } from "./spool/index.js";
import type { Store } from "../storage/index.js";
import {
  BatchWriter,
  Outage,
  PendingRecords,
  SpoolAppender,
  SpoolReplay,
  type StoreUnavailable,
  unavailable,
  withDeadline,
  type Batch,
  type DeadLetterFile,
} from "./writer/index.js";

export interface StorageWriterOptions {
  /** A batch is written when it holds this many records, or after flushIntervalMs. */
  batchSize?: number;
  /** How often what was added is written as a batch (default 1000 ms). */
  flushIntervalMs?: number;
  /** Deadline of every store operation (default 5000 ms); past it the store counts as hanging. */
  writeTimeoutMs?: number;
  /** While the store is away, how often it is probed (default 2000 ms). */
  probeIntervalMs?: number;
  /** Where records the store refuses one by one are set aside; without it they stay in the spool. */
  deadLetters?: DeadLetterFile;
}

/** What is not yet in the store, by where it waits. */
export interface StoreLag {
  /** Added, waiting for the next batch. */
  inMemory: number;
  /** In the batch being written that is not on disk in the spool either. */
  inFlight: number;
  /** In the spool (on disk), waiting for the store. */
  spooledRecords: number;
  spooledBatches: number;
}

/**
 * Batches samples, events and alerts into the store, so that an outage loses nothing and
 * reorders nothing, and a bad record holds up no one.
 *
 * The rules, in order:
 * 1. A batch goes to the store only when nothing is waiting before it (spool empty, no write
 *    in flight, no outage); otherwise it is appended to the spool (fsync'd), behind the others.
 * 2. Every store operation has a deadline (writeTimeoutMs). A write still running after one
 *    flush interval is spooled as well, so that a sample waits only in memory for at most two
 *    flush intervals (the batch being gathered and the one being written) whatever the store
 *    does; if that write then succeeds, its spooled copy is skipped on replay.
 * 3. A write that passes its deadline means the store hangs: its connections are aborted and
 *    the outage starts. A write that fails while a probe of the store succeeds means the batch
 *    holds records the store refuses: they are found by halving (writer/isolate.ts), set aside
 *    in the dead-letter file, and the rest is written. Otherwise the outage starts.
 * 4. During an outage the store is probed every probeIntervalMs (not on a backoff); the first
 *    probe that answers starts the replay of the spool, in order, while polling goes on.
 *    Spooled batches get rule 3 too: a poison batch from an older release is drained.
 * 5. The start of an outage is logged at once, its end once with the count replayed.
 *
 * This class gathers batches and sends each live or to the spool (rules 1 and 2); a batch is
 * written by writer/batch-writer.ts (rule 3), the outage is tracked and probed by
 * writer/outage.ts, and the spool is replayed by writer/spool-replay.ts (rules 4 and 5).
 */
export class StorageWriter {
  private readonly pending = new PendingRecords();
  private writing: { batch: Batch; spooled: Promise<boolean> | undefined } | undefined;
  private writeDone: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly writeTimeoutMs: number;
  private readonly deadLetters: DeadLetterFile | undefined;
  private readonly batches: BatchWriter;
  private readonly appends: SpoolAppender;
  private readonly outage: Outage;
  private readonly replay: SpoolReplay;

  constructor(
    private readonly store: Store,
    private readonly spool: Spool,
    private readonly logger: Logger,
    options: StorageWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 5_000;
    this.deadLetters = options.deadLetters;
    const closing = () => this.closing;
    this.appends = new SpoolAppender(spool, logger);
    this.batches = new BatchWriter(store, this.writeTimeoutMs, options.deadLetters, closing);
    this.outage = new Outage({
      store,
      spool,
      batches: this.batches,
      logger,
      writeTimeoutMs: this.writeTimeoutMs,
      probeIntervalMs: options.probeIntervalMs ?? 2_000,
      closing,
      onAnswer: () => this.replay.start(),
    });
    this.replay = new SpoolReplay({
      spool,
      batches: this.batches,
      outage: this.outage,
      logger,
      closing,
      liveWriteDone: () => this.writeDone,
    });
  }

  /**
   * Starts the flush timer. `storeOpen` is false when the store could not be opened: the writer
   * then starts in an outage and probes (opening) it. A spool left by an earlier run is replayed first.
   */
  start(storeOpen = true): void {
    this.flushTimer = setInterval(() => this.flushPending(), this.flushIntervalMs);
    this.flushTimer.unref();
    if (!storeOpen) this.outage.begin("it could not be opened at start", false);
    else if (!this.spool.isEmpty) {
      this.logger.warn(
        `spool holds ${this.spool.pendingRecords} records (${this.spool.pendingBatches} batches) from before; replaying them first`,
      );
      this.replay.start();
    }
  }

  add(sample: PollSample | null, events: ReadonlyArray<PollEvent>): void {
    this.pending.add(sample, events);
    if (this.pending.polled >= this.batchSize) this.flushPending();
  }

  /** The alert history goes the same way as samples: batched, spooled during an outage. */
  addAlerts(alerts: ReadonlyArray<AlertRecord>): void {
    this.pending.addAlerts(alerts);
  }

  /** Everything not yet in the store. */
  get lag(): StoreLag {
    const writing = this.writing;
    return {
      inMemory: this.pending.size,
      inFlight: writing === undefined || writing.spooled !== undefined ? 0 : recordsOf(writing.batch),
      spooledRecords: this.spool.pendingRecords,
      spooledBatches: this.spool.pendingBatches,
    };
  }

  /** For the health line: the records set aside since start (the dead-letter file counts them). */
  get stats(): { deadLettered: number } {
    return { deadLettered: this.deadLetters?.count ?? 0 };
  }

  /** Since when the store is away (undefined while it answers), for the health line. */
  get unavailableSince(): number | undefined {
    return this.outage.since;
  }

  /**
   * Writes what was added so far and waits for that write (bounded by its deadline), and for a
   * replay under way. With the store away, the records are in the spool when this resolves.
   */
  async flush(): Promise<void> {
    this.flushPending();
    await this.writeDone;
    await this.appends.settled;
    await this.replay.running;
    if (this.spool.isEmpty && !this.outage.active)
      await withDeadline(this.store.flush(), this.writeTimeoutMs, `${this.store.kind} store flush`).catch(
        (error: unknown) => this.logger.warn(`store flush failed: ${errorText(error)}`),
      );
  }

  /**
   * Stops: the last batch is written (or spooled), a replay stops after its current batch, and
   * the store is closed. Bounded whatever the store does: about writeTimeoutMs + 2 s.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.flushTimer);
    this.outage.stopProbing();
    // the write in flight first (bounded by its deadline), so that the last batch can still go
    // to the store rather than wait in the spool for the next start (--once, cron); a store
    // that took longer than a flush interval gets the spool instead: the stop stays bounded
    const waited = performance.now();
    await this.writeDone;
    this.flushPending(performance.now() - waited > this.flushIntervalMs);
    await this.writeDone;
    await this.appends.settled;
    await this.spool.close(); // lets a replay stop after its current batch (itself bounded)
    await this.replay.running;
    const closed = withDeadline(this.store.close(), 1_000, `${this.store.kind} store close`);
    await closed.catch((error: unknown) => {
      this.store.abort();
      this.logger.warn(`store close failed: ${errorText(error)}`);
    });
  }

  private flushPending(toSpool = false): void {
    const batch = this.pending.take();
    if (batch === undefined) return;
    if (this.writing !== undefined) this.spoolWriting(); // rule 2: it came before this one
    if (
      toSpool ||
      this.writing !== undefined ||
      this.replay.running !== undefined ||
      this.outage.active ||
      !this.spool.isEmpty
    ) {
      void this.toSpool(batch, true);
      return;
    }
    this.writeDone = this.writeLive(batch);
  }

  /** Rules 2 and 3 for a batch that nothing waits before. */
  private async writeLive(batch: Batch): Promise<void> {
    this.writing = { batch, spooled: undefined };
    const guard = setTimeout(() => this.spoolWriting(), this.flushIntervalMs);
    let failure: StoreUnavailable | undefined;
    try {
      await this.batches.write(batch);
    } catch (error) {
      failure = unavailable(error);
    } finally {
      clearTimeout(guard);
    }
    const spooled = this.writing.spooled;
    this.writing = undefined;
    if (failure === undefined) {
      if (spooled !== undefined) {
        if (await spooled) this.replay.markStored(batch.id, batch.done);
        this.replay.start(); // the store answered: what was spooled meanwhile goes now
      }
      return;
    }
    if (spooled === undefined || !(await spooled)) await this.toSpool(batch, true);
    this.outage.begin(failure.message, failure.hanging);
  }

  /** Makes the batch being written durable in the spool (rule 2), once. */
  private spoolWriting(): void {
    const writing = this.writing;
    if (writing === undefined || writing.spooled !== undefined) return;
    // on a spool failure the records stay with the write, which spools them again if it fails
    writing.spooled = this.toSpool(writing.batch, false);
  }

  /**
   * Appends what is left of the batch to the spool; false when the spool failed, and then, with
   * `keepInMemory`, the records go back in front of the next batch.
   */
  private toSpool(batch: Batch, keepInMemory: boolean): Promise<boolean> {
    return this.appends.append(batch, keepInMemory ? (left) => this.pending.putBack(left) : undefined);
  }
}
