import { randomBytes } from "node:crypto";
import { errorText } from "../../../common/src/error-text.js";
import type { Logger } from "../../../common/src/logging.js";
import type { AlertRecord, PollEvent, PollSample } from "./records.js";
import { recordsOf, type Spool, type SpoolBatch } from "./spool/index.js";
import type { Store } from "./store.js";
import {
  BatchWriter,
  DeadlineError,
  StoreUnavailable,
  formatSeconds,
  unavailable,
  withDeadline,
  type Batch,
  type DeadLetterFile,
  type Part,
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

/** Why the store is away, and since when. */
interface Outage {
  since: number;
  reason: string;
  lastReport: number;
  /** Records replayed once it came back. */
  replayed: number;
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
 */
export class StorageWriter {
  private samples: PollSample[] = [];
  private events: PollEvent[] = [];
  private alerts: AlertRecord[] = [];
  private writing: { batch: Batch; spooled: Promise<boolean> | undefined } | undefined;
  private writeDone: Promise<void> = Promise.resolve();
  /** The latest append to the spool (appends run in order, see Spool.append). */
  private spooled: Promise<boolean> = Promise.resolve(true);
  private replaying: Promise<void> | undefined;
  private outage: Outage | undefined;
  /** Parts stored of batches that are (also) in the spool, by batch id: skipped on replay. */
  private readonly storedParts = new Map<string, Set<Part>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private nextSeq = 0;
  private readonly runId = randomBytes(6).toString("hex");
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly writeTimeoutMs: number;
  private readonly probeIntervalMs: number;
  readonly stats = { written: 0, spooled: 0, replayed: 0, storeFailures: 0, deadLettered: 0, lastWriteMs: 0 };
  private readonly batches: BatchWriter;

  constructor(
    private readonly store: Store,
    private readonly spool: Spool,
    private readonly logger: Logger,
    options: StorageWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 5_000;
    this.probeIntervalMs = options.probeIntervalMs ?? 2_000;
    this.batches = new BatchWriter(
      store,
      this.writeTimeoutMs,
      options.deadLetters,
      () => this.closing,
      this.stats,
    );
  }

  /**
   * Starts the flush timer. `storeOpen` is false when the store could not be opened: the writer
   * then starts in an outage and probes (opening) it. A spool left by an earlier run is replayed first.
   */
  start(storeOpen = true): void {
    this.flushTimer = setInterval(() => this.flushPending(), this.flushIntervalMs);
    this.flushTimer.unref();
    if (!storeOpen) this.beginOutage("it could not be opened at start", false);
    else if (!this.spool.isEmpty) {
      this.logger.warn(
        `spool holds ${this.spool.pendingRecords} records (${this.spool.pendingBatches} batches) from before; replaying them first`,
      );
      this.startReplay();
    }
  }

  add(sample: PollSample | null, events: ReadonlyArray<PollEvent>): void {
    if (sample !== null) this.samples.push(sample);
    for (const event of events) this.events.push(event);
    if (this.samples.length + this.events.length >= this.batchSize) this.flushPending();
  }

  /** The alert history goes the same way as samples: batched, spooled during an outage. */
  addAlerts(alerts: ReadonlyArray<AlertRecord>): void {
    for (const alert of alerts) this.alerts.push(alert);
  }

  /** Everything not yet in the store. */
  get lag(): StoreLag {
    const writing = this.writing;
    return {
      inMemory: this.samples.length + this.events.length + this.alerts.length,
      inFlight: writing === undefined || writing.spooled !== undefined ? 0 : recordsOf(writing.batch),
      spooledRecords: this.spool.pendingRecords,
      spooledBatches: this.spool.pendingBatches,
    };
  }

  /** Whether the store is away (since when and why), for the health line. */
  get unavailableSince(): number | undefined {
    return this.outage?.since;
  }

  /**
   * Writes what was added so far and waits for that write (bounded by its deadline), and for a
   * replay under way. With the store away, the records are in the spool when this resolves.
   */
  async flush(): Promise<void> {
    this.flushPending();
    await this.writeDone;
    await this.spooled;
    await this.replaying;
    if (this.spool.isEmpty && this.outage === undefined)
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
    clearTimeout(this.probeTimer);
    // the write in flight first (bounded by its deadline), so that the last batch can still go
    // to the store rather than wait in the spool for the next start (--once, cron); a store
    // that took longer than a flush interval gets the spool instead: the stop stays bounded
    const waited = performance.now();
    await this.writeDone;
    this.flushPending(performance.now() - waited > this.flushIntervalMs);
    await this.writeDone;
    await this.spooled;
    await this.spool.close(); // lets a replay stop after its current batch (itself bounded)
    await this.replaying;
    const closed = withDeadline(this.store.close(), 1_000, `${this.store.kind} store close`);
    await closed.catch((error: unknown) => {
      this.store.abort();
      this.logger.warn(`store close failed: ${errorText(error)}`);
    });
  }

  private flushPending(toSpool = false): void {
    if (this.samples.length === 0 && this.events.length === 0 && this.alerts.length === 0) return;
    const batch: Batch = {
      id: `${this.runId}-${this.nextSeq++}`,
      samples: this.samples,
      events: this.events,
      alerts: this.alerts,
      done: new Set(),
    };
    this.samples = [];
    this.events = [];
    this.alerts = [];
    if (this.writing !== undefined) this.spoolWriting(); // rule 2: it came before this one
    if (
      toSpool ||
      this.writing !== undefined ||
      this.replaying !== undefined ||
      this.outage !== undefined ||
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
    const started = performance.now();
    let failure: StoreUnavailable | undefined;
    try {
      await this.batches.write(batch);
      this.stats.written += recordsOf(batch);
      this.stats.lastWriteMs = performance.now() - started;
    } catch (error) {
      failure = unavailable(error);
    } finally {
      clearTimeout(guard);
    }
    const spooled = this.writing.spooled;
    this.writing = undefined;
    if (failure === undefined) {
      if (spooled !== undefined) {
        if (await spooled) this.storedParts.set(batch.id, batch.done);
        this.startReplay(); // the store answered: what was spooled meanwhile goes now
      }
      return;
    }
    this.stats.storeFailures++;
    if (spooled === undefined || !(await spooled)) await this.toSpool(batch, true);
    this.beginOutage(failure.message, failure.cause instanceof DeadlineError);
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
    this.spooled = this.appendToSpool(batch, keepInMemory);
    return this.spooled;
  }

  private async appendToSpool(batch: Batch, keepInMemory: boolean): Promise<boolean> {
    const left: SpoolBatch = {
      id: batch.id,
      samples: batch.done.has("samples") ? [] : batch.samples,
      events: batch.done.has("events") ? [] : batch.events,
      alerts: batch.done.has("alerts") ? [] : (batch.alerts ?? []),
    };
    try {
      await this.spool.append(left);
      this.stats.spooled += recordsOf(left);
      return true;
    } catch (error) {
      this.logger.error(`spool append failed (${recordsOf(left)} records): ${errorText(error)}`);
      if (keepInMemory) {
        this.samples.unshift(...left.samples);
        this.events.unshift(...left.events);
        this.alerts.unshift(...(left.alerts ?? []));
      }
      return false;
    }
  }

  /** Rule 5 (start) and rule 4: logs once, then probes until the store answers. */
  private beginOutage(reason: string, hanging: boolean): void {
    if (this.outage !== undefined) return;
    const now = Date.now();
    this.outage = { since: now, reason, lastReport: now, replayed: 0 };
    const kind = this.store.kind;
    if (hanging)
      this.logger.error(
        `${kind} store not answering for ${formatSeconds(this.writeTimeoutMs)}, spooling: ${reason}`,
      );
    else this.logger.error(`${kind} store failed, spooling to disk: ${reason}`);
    this.scheduleProbe(); // not while closing: the next start replays the spool
  }

  private scheduleProbe(): void {
    clearTimeout(this.probeTimer);
    if (this.closing) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    const outage = this.outage;
    if (outage === undefined || this.closing) return;
    if (await this.batches.answers()) {
      this.startReplay();
      return;
    }
    const now = Date.now();
    if (now - outage.lastReport >= 60_000) {
      outage.lastReport = now;
      this.logger.warn(
        `${this.store.kind} store still unavailable after ${formatSeconds(now - outage.since)} ` +
          `(${this.spool.pendingRecords} records spooled): ${outage.reason}`,
      );
    }
    this.scheduleProbe();
  }

  /** Rule 4: replays the spool in order; a failure goes back to probing. */
  private startReplay(): void {
    if (this.replaying !== undefined || this.closing) return;
    clearTimeout(this.probeTimer);
    this.replaying = this.replay().finally(() => (this.replaying = undefined));
  }

  private async replay(): Promise<void> {
    await this.writeDone; // a live write never runs beside the replay
    const before = this.stats.replayed;
    let failure: string | undefined;
    let hanging = false;
    // appends made while a pass runs are replayed by the next pass; bounded, as every pass
    // either empties what it saw or stops on a failure
    for (let pass = 0; pass < 1000 && !this.spool.isEmpty && failure === undefined && !this.closing; pass++) {
      try {
        await this.spool.replay(async (spooled) => {
          const batch = this.replayBatch(spooled);
          await this.batches.write(batch);
          if (spooled.id !== undefined) this.storedParts.delete(spooled.id);
          const records = recordsOf(spooled);
          this.stats.replayed += records;
          if (this.outage !== undefined) this.outage.replayed += records;
        });
      } catch (error) {
        failure = errorText(error);
        hanging = error instanceof StoreUnavailable && error.cause instanceof DeadlineError;
        if (!(error instanceof StoreUnavailable)) this.logger.error(`replay of the spool failed: ${failure}`);
      }
    }
    const outage = this.outage;
    if (failure !== undefined) {
      this.stats.storeFailures++;
      if (outage === undefined) this.beginOutage(failure, hanging);
      else this.scheduleProbe();
      return;
    }
    if (outage !== undefined && this.spool.isEmpty) {
      this.outage = undefined;
      this.logger.info(
        `${this.store.kind} store is back after ${formatSeconds(Date.now() - outage.since)}: ` +
          `replayed ${outage.replayed} spooled records in order`,
      );
    } else if (outage === undefined && this.stats.replayed > before) {
      this.logger.info(`replayed ${this.stats.replayed - before} spooled records in order`);
    }
  }

  /** A spooled batch, minus the parts this run already stored (rule 2's skip). */
  private replayBatch(spooled: SpoolBatch): Batch {
    const done = (spooled.id === undefined ? undefined : this.storedParts.get(spooled.id)) ?? new Set<Part>();
    return { ...spooled, id: spooled.id ?? "", done: new Set(done) };
  }
}
