import type { Logger } from "../../../../common/src/logging.js";
import type { Spool } from "../spool/index.js";
import type { Store } from "../../storage/index.js";
import type { BatchWriter } from "./batch-writer.js";
import { formatSeconds } from "./deadline.js";

export interface OutageOptions {
  store: Pick<Store, "kind">;
  spool: Pick<Spool, "pendingRecords">;
  batches: Pick<BatchWriter, "answers">;
  logger: Logger;
  /** Named in the log line of a store that hangs. */
  writeTimeoutMs: number;
  /** While the store is away, how often it is probed. */
  probeIntervalMs: number;
  /** While closing there is no probing: the next start replays the spool. */
  closing: () => boolean;
  /** The store answered a probe: the replay of the spool may start. */
  onAnswer: () => void;
}

/** Why the store is away, and since when. */
interface Away {
  since: number;
  reason: string;
  lastReport: number;
  /** Records replayed once it came back. */
  replayed: number;
}

/**
 * Rules 4 and 5 of StorageWriter: an outage of the store, from its first failure to the end of
 * the replay. Its start and end are logged once each (a minute's reminder in between), and the
 * store is probed every probeIntervalMs, not on a backoff, so that a store back is noticed
 * within one interval however long it was away.
 */
export class Outage {
  private away: Away | undefined;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutageOptions) {}

  get active(): boolean {
    return this.away !== undefined;
  }

  /** Since when the store is away, for the health line. */
  get since(): number | undefined {
    return this.away?.since;
  }

  /** Logs the start once, then probes until the store answers; nothing while one is under way. */
  begin(reason: string, hanging: boolean): void {
    if (this.away !== undefined) return;
    const now = Date.now();
    this.away = { since: now, reason, lastReport: now, replayed: 0 };
    const { store, logger, writeTimeoutMs } = this.options;
    if (hanging)
      logger.error(
        `${store.kind} store not answering for ${formatSeconds(writeTimeoutMs)}, spooling: ${reason}`,
      );
    else logger.error(`${store.kind} store failed, spooling to disk: ${reason}`);
    this.probeLater(); // not while closing: the next start replays the spool
  }

  /** Counts records replayed for the line that ends the outage. */
  countReplayed(records: number): void {
    if (this.away !== undefined) this.away.replayed += records;
  }

  /** The spool is empty again: logs how long the store was away and what was replayed. */
  end(): void {
    const away = this.away;
    if (away === undefined) return;
    this.away = undefined;
    this.options.logger.info(
      `${this.options.store.kind} store is back after ${formatSeconds(Date.now() - away.since)}: ` +
        `replayed ${away.replayed} spooled records in order`,
    );
  }

  probeLater(): void {
    clearTimeout(this.probeTimer);
    if (this.options.closing()) return;
    this.probeTimer = setTimeout(() => void this.probe(), this.options.probeIntervalMs);
    this.probeTimer.unref();
  }

  stopProbing(): void {
    clearTimeout(this.probeTimer);
  }

  private async probe(): Promise<void> {
    const away = this.away;
    const { store, spool, batches, logger, closing, onAnswer } = this.options;
    if (away === undefined || closing()) return;
    if (await batches.answers()) {
      onAnswer();
      return;
    }
    const now = Date.now();
    if (now - away.lastReport >= 60_000) {
      away.lastReport = now;
      logger.warn(
        `${store.kind} store still unavailable after ${formatSeconds(now - away.since)} ` +
          `(${spool.pendingRecords} records spooled): ${away.reason}`,
      );
    }
    this.probeLater();
  }
}
