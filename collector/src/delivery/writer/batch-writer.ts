import { errorText } from "../../../../common/src/error-text.js";
import type { AlertRecord, PollEvent, PollSample } from "../../storage/index.js";
import type { SpoolBatch } from "../spool/index.js";
import type { Store } from "../../storage/index.js";
import type { DeadLetter, DeadLetterFile, RecordKind } from "./dead-letters.js";
import { DeadlineError, withDeadline } from "./deadline.js";
import { isolateRefused } from "./isolate.js";

export type Part = "samples" | "events" | "alerts";
const PARTS: readonly Part[] = ["samples", "events", "alerts"];
const KIND_OF: Record<Part, RecordKind> = { samples: "sample", events: "event", alerts: "alert" };

/** A batch on its way; `done` lists the parts already in the store. */
export interface Batch extends SpoolBatch {
  id: string;
  done: Set<Part>;
}

/** The store hangs or fails: the batch must wait (in the spool) for it. */
export class StoreUnavailable extends Error {
  /** It hangs (a deadline passed) rather than fails: the outage's first log line says so. */
  get hanging(): boolean {
    return this.cause instanceof DeadlineError;
  }
}

/**
 * Writes one batch to the store, part by part, each store call within the write deadline (rule
 * 2) and with refused records set aside as dead letters (rule 3); see StorageWriter for when.
 */
export class BatchWriter {
  constructor(
    private readonly store: Store,
    private readonly writeTimeoutMs: number,
    private readonly deadLetters: DeadLetterFile | undefined,
    /** While closing, a failure is not isolated: the batch goes to the spool as it is. */
    private readonly closing: () => boolean,
  ) {}

  /**
   * Writes the parts of a batch not yet stored, each with rule 3. Throws StoreUnavailable
   * when the store hangs or fails (the parts written stay marked in batch.done).
   */
  async write(batch: Batch): Promise<void> {
    for (const part of PARTS) {
      const records = batch[part] ?? [];
      if (batch.done.has(part)) continue;
      if (records.length > 0) await this.writePart(part, records);
      batch.done.add(part);
    }
  }

  private async writePart(part: Part, records: readonly unknown[]): Promise<void> {
    const write = (some: readonly unknown[]) => this.timed(this.writeRecords(part, some), `${part} write`);
    try {
      await write(records);
      return;
    } catch (error) {
      if (error instanceof DeadlineError || this.closing() || this.deadLetters === undefined)
        throw unavailable(error);
      if (!(await this.answers())) throw unavailable(error);
      // the store answers, and refuses something in this batch: set that aside, write the rest
      let refused;
      try {
        refused = await isolateRefused(records, error, write, () => this.answers());
      } catch (failure) {
        throw unavailable(failure);
      }
      const letters: DeadLetter[] = refused.map(({ record, error: why }) => ({
        kind: KIND_OF[part],
        agent: agentOf(record),
        error: errorText(why),
        record,
      }));
      await this.deadLetters.add(letters);
    }
  }

  private writeRecords(part: Part, records: readonly unknown[]): Promise<void> {
    if (part === "samples") return this.store.writeSamples(records as PollSample[]);
    if (part === "events") return this.store.writeEvents(records as PollEvent[]);
    return this.store.writeAlerts(records as AlertRecord[]);
  }

  /** A store operation bounded by the deadline; past it the store's connections are aborted. */
  async timed<T>(work: Promise<T>, what: string): Promise<T> {
    try {
      return await withDeadline(work, this.writeTimeoutMs, `${this.store.kind} store ${what}`);
    } catch (error) {
      if (error instanceof DeadlineError) this.store.abort();
      throw error;
    }
  }

  /** Whether the store answers a probe within the deadline. */
  async answers(): Promise<boolean> {
    try {
      await this.timed(this.store.probe(Math.min(this.writeTimeoutMs, 5_000)), "probe");
      return true;
    } catch {
      return false;
    }
  }
}

export function unavailable(error: unknown): StoreUnavailable {
  if (error instanceof StoreUnavailable) return error;
  return new StoreUnavailable(errorText(error), { cause: error });
}

function agentOf(record: unknown): string {
  const value = record as { agent?: unknown; alert?: { agent?: unknown } } | null;
  const agent = value?.agent ?? value?.alert?.agent;
  return typeof agent === "string" ? agent : "?";
}
