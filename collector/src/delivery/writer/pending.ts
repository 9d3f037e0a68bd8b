import { randomBytes } from "node:crypto";
import type { AlertRecord, PollEvent, PollSample } from "../../storage/index.js";
import type { SpoolBatch } from "../spool/index.js";
import type { Batch } from "./batch-writer.js";

/** The records added since the last batch was taken: the next batch, as it gathers. */
export class PendingRecords {
  private samples: PollSample[] = [];
  private events: PollEvent[] = [];
  private alerts: AlertRecord[] = [];
  // batch ids are unique across runs, so that a replay never takes a batch spooled by an
  // earlier run for one whose parts this run already stored
  private readonly runId = randomBytes(6).toString("hex");
  private nextSeq = 0;

  add(sample: PollSample | null, events: ReadonlyArray<PollEvent>): void {
    if (sample !== null) this.samples.push(sample);
    for (const event of events) this.events.push(event);
  }

  addAlerts(alerts: ReadonlyArray<AlertRecord>): void {
    for (const alert of alerts) this.alerts.push(alert);
  }

  /** Samples and events, what the batch size counts. */
  get polled(): number {
    return this.samples.length + this.events.length;
  }

  get size(): number {
    return this.samples.length + this.events.length + this.alerts.length;
  }

  /** Everything gathered, as a new batch; undefined when nothing was. */
  take(): Batch | undefined {
    if (this.size === 0) return undefined;
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
    return batch;
  }

  /** Records that could not be spooled go back in front of the next batch, in their order. */
  putBack(left: SpoolBatch): void {
    this.samples.unshift(...left.samples);
    this.events.unshift(...left.events);
    this.alerts.unshift(...(left.alerts ?? []));
  }
}
