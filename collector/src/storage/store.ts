import type { SeriesBatch, SeriesQuery } from "./series.js";
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

/**
 * Reads the history back (visualize, tests): the one contract every backend implements, and
 * passes the same suite for (test/reader-contract.ts). Oldest first, (agent, ts) duplicates
 * removed, the range's from inclusive and to exclusive.
 */
export interface HistoryReader {
  /**
   * The range's samples as series, in batches of one agent's consecutive samples: within an
   * agent, times strictly ascend across all its batches. Columns are the catalog's series
   * columns (SERIES_COLUMNS), all of them unless the query names some.
   */
  series(query: SeriesQuery): AsyncIterable<SeriesBatch>;
  /**
   * The whole samples at given times (epoch ms), an agent each: typically each agent's newest,
   * as a series read found it; an agent whose sample is not found is left out.
   */
  samplesAt(wanted: ReadonlyMap<string, number>): Promise<Map<string, PollSample>>;
  /** Whole samples, for export and tests: reading them costs ~20 times a series read. */
  samples(range: TimeRange): AsyncIterable<PollSample>;
  events(range: TimeRange): AsyncIterable<PollEvent>;
  /**
   * The alert history by ts (the file store keeps every state change, MySQL each episode's
   * latest); range.agent filters on the alert's agent.
   */
  alerts(range: TimeRange): AsyncIterable<AlertRecord>;
  close(): Promise<void>;
}
