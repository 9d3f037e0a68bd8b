import type { SampleFigures } from "./figures.js";
import type { AlertRecord, PollEvent, PollSample, TimeRange } from "./records.js";

/**
 * Where samples and poll events go; chosen by storage.type. A write that throws has stored
 * nothing the caller can count on: the caller spools the batch and replays it later, so every
 * implementation must accept the same batch twice without duplicating rows (agent + ts).
 */
export interface Store {
  readonly kind: "file" | "mysql";
  open(): Promise<void>;
  writeSamples(samples: ReadonlyArray<PollSample>): Promise<void>;
  writeEvents(events: ReadonlyArray<PollEvent>): Promise<void>;
  /** The alert history: every notified state change. Idempotent on (alert id, kind, ts). */
  writeAlerts(alerts: ReadonlyArray<AlertRecord>): Promise<void>;
  /** Forces buffered data to disk / the database. */
  flush(): Promise<void>;
  /**
   * A cheap check that the store would take a write now (MySQL: a fresh connection and SELECT 1;
   * files: the folder is writable and has room), opening it first when it never opened.
   * Rejects with the reason; must settle within about `timeoutMs`.
   */
  probe(timeoutMs: number): Promise<void>;
  /**
   * Gives up on the writes in progress: a write that passed the caller's deadline is hanging
   * (a blackholed connection), so its connections are destroyed and the next write starts on
   * fresh ones. A store whose writes cannot be cancelled (the file system) does nothing.
   */
  abort(): void;
  close(): Promise<void>;
}

/** Reads the history back (visualize, tests); streaming, oldest first, duplicates removed. */
export interface HistoryReader {
  samples(range: TimeRange): AsyncIterable<PollSample>;
  events(range: TimeRange): AsyncIterable<PollEvent>;
  /**
   * The alert history by ts (the file store keeps every state change, MySQL each episode's
   * latest); range.agent filters on the alert's agent.
   */
  alerts(range: TimeRange): AsyncIterable<AlertRecord>;
  /**
   * The samples' chartable figures, for a store that can read them much faster than whole
   * samples (without it, read samples()). `agents` narrows the read like range.agent, to several.
   */
  figures?(range: TimeRange, agents?: ReadonlySet<string>): AsyncIterable<SampleFigures>;
  /** figures() in batches, for a store whose records come many at a time (a yield each costs). */
  figureBatches?(range: TimeRange, agents?: ReadonlySet<string>): AsyncIterable<SampleFigures[]>;
  /**
   * Each agent's sample at the given time (epoch ms), for figures whose sample() is undefined;
   * an agent whose sample is not found is left out.
   */
  samplesAt?(wanted: ReadonlyMap<string, number>): Promise<Map<string, PollSample>>;
  close(): Promise<void>;
}
