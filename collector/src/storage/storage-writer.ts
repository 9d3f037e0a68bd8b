import type { Logger } from "../../../agent/src/logging.js";
import type { AlertRecord, PollEvent, PollSample } from "./records.js";
import type { Spool, SpoolBatch } from "./spool/spool.js";
import type { Store } from "./store.js";

export interface StorageWriterOptions {
  /** A batch is written when it holds this many records, or after flushIntervalMs. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** First retry of the spool after a store failure; doubles up to 60 s. */
  retryMs?: number;
}

/**
 * Batches samples and events into the store. When the store fails, the batch goes to the
 * on-disk spool, and so does every later batch until the spool has been replayed in order:
 * an outage loses nothing and reorders nothing.
 */
export class StorageWriter {
  private samples: PollSample[] = [];
  private events: PollEvent[] = [];
  private alerts: AlertRecord[] = [];
  private chain: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private closed = false;
  private readonly batchSize: number;
  readonly stats = { written: 0, spooled: 0, replayed: 0, storeFailures: 0, lastWriteMs: 0 };

  constructor(
    private readonly store: Store,
    private readonly spool: Spool,
    private readonly logger: Logger,
    private readonly options: StorageWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.retryMs = options.retryMs ?? 5_000;
  }

  start(): void {
    this.flushTimer = setInterval(() => void this.flushPending(), this.options.flushIntervalMs ?? 1_000);
    this.flushTimer.unref();
    if (!this.spool.isEmpty) {
      this.logger.warn(`spool holds ${this.spool.pendingBatches} batches from before; replaying them first`);
      this.scheduleReplay(0);
    }
  }

  add(sample: PollSample | null, events: ReadonlyArray<PollEvent>): void {
    if (sample !== null) this.samples.push(sample);
    this.events.push(...events);
    if (this.samples.length + this.events.length >= this.batchSize) void this.flushPending();
  }

  /** The alert history goes the same way as samples: batched, spooled during an outage. */
  addAlerts(alerts: ReadonlyArray<AlertRecord>): void {
    this.alerts.push(...alerts);
  }

  /** Records waiting in memory or in the spool: the store's lag. */
  get lag(): { records: number; spooledBatches: number } {
    return { records: this.samples.length + this.events.length, spooledBatches: this.spool.pendingBatches };
  }

  /** Writes everything added so far to the store (or the spool) and flushes the store. */
  async flush(): Promise<void> {
    await this.flushPending();
    await this.chain;
    if (this.spool.isEmpty)
      await this.store
        .flush()
        .catch((error: unknown) => this.logger.warn(`store flush failed: ${String(error)}`));
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearInterval(this.flushTimer);
    clearTimeout(this.retryTimer);
    await this.chain;
    await this.spool.close();
    await this.store
      .close()
      .catch((error: unknown) => this.logger.warn(`store close failed: ${String(error)}`));
  }

  private flushPending(): Promise<void> {
    if (this.samples.length === 0 && this.events.length === 0 && this.alerts.length === 0) return this.chain;
    const batch: SpoolBatch = { samples: this.samples, events: this.events, alerts: this.alerts };
    this.samples = [];
    this.events = [];
    this.alerts = [];
    this.chain = this.chain.then(() => this.writeBatch(batch));
    return this.chain;
  }

  private async writeBatch(batch: SpoolBatch): Promise<void> {
    const count = batch.samples.length + batch.events.length + (batch.alerts?.length ?? 0);
    if (this.spool.isEmpty) {
      const started = performance.now();
      try {
        await this.writeToStore(batch);
        this.stats.written += count;
        this.stats.lastWriteMs = performance.now() - started;
        return;
      } catch (error) {
        this.stats.storeFailures++;
        this.logger.error(`${this.store.kind} store failed, spooling to disk: ${errorText(error)}`);
        this.scheduleReplay(this.retryMs);
      }
    }
    await this.spoolBatch(batch, count);
  }

  private async spoolBatch(batch: SpoolBatch, count: number): Promise<void> {
    try {
      await this.spool.append(batch);
      this.stats.spooled += count;
    } catch (error) {
      // the spool's disk failed too: keep the batch in memory, at the front, for the next flush
      this.logger.error(`spool append failed, keeping ${count} records in memory: ${errorText(error)}`);
      this.samples.unshift(...batch.samples);
      this.events.unshift(...batch.events);
      this.alerts.unshift(...(batch.alerts ?? []));
    }
  }

  private writeToStore(batch: SpoolBatch): Promise<void> {
    return this.store
      .writeSamples(batch.samples)
      .then(() => this.store.writeEvents(batch.events))
      .then(() => this.store.writeAlerts(batch.alerts ?? []));
  }

  private scheduleReplay(delayMs: number): void {
    if (this.closed || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.chain = this.chain.then(() => this.replay());
    }, delayMs);
    this.retryTimer.unref();
  }

  private async replay(): Promise<void> {
    const before = this.spool.pendingBatches;
    try {
      const replayed = await this.spool.replay((batch) => this.writeToStore(batch));
      this.stats.replayed += replayed;
      this.retryMs = this.options.retryMs ?? 5_000;
      this.logger.info(`${this.store.kind} store is back: replayed ${replayed} spooled batches in order`);
    } catch (error) {
      this.retryMs = Math.min(60_000, this.retryMs * 2);
      this.logger.warn(
        `${this.store.kind} store still failing (${before} batches spooled), retrying in ${this.retryMs / 1000} s: ${errorText(error)}`,
      );
      this.scheduleReplay(this.retryMs);
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
