import { errorText } from "../../../../common/src/error-text.js";
import type { Logger } from "../../../../common/src/logging.js";
import { recordsOf, type Spool, type SpoolBatch } from "../spool/index.js";
import { StoreUnavailable, type Batch, type BatchWriter, type Part } from "./batch-writer.js";
import type { Outage } from "./outage.js";

export interface SpoolReplayOptions {
  spool: Spool;
  batches: Pick<BatchWriter, "write">;
  outage: Outage;
  logger: Logger;
  /** While closing no replay starts; one under way stops after its current batch. */
  closing: () => boolean;
  /** The live write in flight, if any: a replay waits for it, so the two never run side by side. */
  liveWriteDone: () => Promise<void>;
}

/**
 * Rule 4 of StorageWriter: the spool goes to the store in order, batch by batch through the
 * same BatchWriter as live batches (so a poison batch from an older release is drained, not
 * retried forever). A failure goes back to probing; a replay that empties the spool ends the
 * outage. Parts a live write stored after its batch was spooled (rule 2) are skipped.
 */
export class SpoolReplay {
  private replaying: Promise<void> | undefined;
  /** Parts stored of batches that are (also) in the spool, by batch id: skipped on replay. */
  private readonly storedParts = new Map<string, Set<Part>>();

  constructor(private readonly options: SpoolReplayOptions) {}

  /** The replay under way, if any. */
  get running(): Promise<void> | undefined {
    return this.replaying;
  }

  /** A live write stored these parts of a batch that is also in the spool. */
  markStored(batchId: string, parts: Set<Part>): void {
    this.storedParts.set(batchId, parts);
  }

  /** Starts a replay unless one runs or the writer is closing; probing stops meanwhile. */
  start(): void {
    if (this.replaying !== undefined || this.options.closing()) return;
    this.options.outage.stopProbing();
    this.replaying = this.replay().finally(() => (this.replaying = undefined));
  }

  private async replay(): Promise<void> {
    const { spool, outage, logger, closing } = this.options;
    await this.options.liveWriteDone(); // a live write never runs beside the replay
    let replayed = 0;
    let failure: string | undefined;
    let hanging = false;
    // appends made while a pass runs are replayed by the next pass; bounded, as every pass
    // either empties what it saw or stops on a failure
    for (let pass = 0; pass < 1000 && !spool.isEmpty && failure === undefined && !closing(); pass++) {
      try {
        await spool.replay(async (spooled) => {
          replayed += await this.replayOne(spooled);
        });
      } catch (error) {
        failure = errorText(error);
        hanging = error instanceof StoreUnavailable && error.hanging;
        if (!(error instanceof StoreUnavailable)) logger.error(`replay of the spool failed: ${failure}`);
      }
    }
    if (failure !== undefined) {
      if (!outage.active) outage.begin(failure, hanging);
      else outage.probeLater();
      return;
    }
    if (outage.active) {
      if (spool.isEmpty) outage.end();
    } else if (replayed > 0) {
      logger.info(`replayed ${replayed} spooled records in order`);
    }
  }

  /** Writes one spooled batch; resolves with its records. */
  private async replayOne(spooled: SpoolBatch): Promise<number> {
    await this.options.batches.write(this.replayBatch(spooled));
    if (spooled.id !== undefined) this.storedParts.delete(spooled.id);
    const records = recordsOf(spooled);
    this.options.outage.countReplayed(records);
    return records;
  }

  /** A spooled batch, minus the parts this run already stored (rule 2's skip). */
  private replayBatch(spooled: SpoolBatch): Batch {
    const done = (spooled.id === undefined ? undefined : this.storedParts.get(spooled.id)) ?? new Set<Part>();
    return { ...spooled, id: spooled.id ?? "", done: new Set(done) };
  }
}
