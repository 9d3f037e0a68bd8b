import { errorText } from "../../../../common/src/error-text.js";
import type { Logger } from "../../../../common/src/logging.js";
import { recordsOf, type Spool, type SpoolBatch } from "../spool/index.js";
import type { Batch } from "./batch-writer.js";

/**
 * Appends batches to the spool, minus the parts already in the store. An append that fails is
 * logged and reported as false, never thrown: the caller keeps the records (in memory or with
 * the write in flight) instead of losing them.
 */
export class SpoolAppender {
  /** The latest append (appends run in order, see Spool.append). */
  private latest: Promise<boolean> = Promise.resolve(true);

  constructor(
    private readonly spool: Spool,
    private readonly logger: Logger,
  ) {}

  /** Settles once every append made so far has. */
  get settled(): Promise<boolean> {
    return this.latest;
  }

  /** True once what is left of `batch` is on disk; false (after `onFailure`) when the spool failed. */
  append(batch: Batch, onFailure?: (left: SpoolBatch) => void): Promise<boolean> {
    this.latest = this.appendNow(batch, onFailure);
    return this.latest;
  }

  private async appendNow(
    batch: Batch,
    onFailure: ((left: SpoolBatch) => void) | undefined,
  ): Promise<boolean> {
    const left: SpoolBatch = {
      id: batch.id,
      samples: batch.done.has("samples") ? [] : batch.samples,
      events: batch.done.has("events") ? [] : batch.events,
      alerts: batch.done.has("alerts") ? [] : (batch.alerts ?? []),
    };
    try {
      await this.spool.append(left);
      return true;
    } catch (error) {
      this.logger.error(`spool append failed (${recordsOf(left)} records): ${errorText(error)}`);
      onFailure?.(left);
      return false;
    }
  }
}
