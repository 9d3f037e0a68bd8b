import type {
  AlertRecord,
  HistoryReader,
  PollEvent,
  PollSample,
  SeriesBatch,
  SeriesQuery,
  TimeRange,
} from "../../../collector/src/storage/index.js";
import { seriesRowOf } from "../../../collector/src/storage/index.js";
import { SeriesBatcher, queryColumns } from "../../../collector/src/storage/series.js";

/** Series batches of the samples as a reader gives them: `batchSize` samples a take, a batch per agent. */
export function seriesBatches(
  samples: readonly PollSample[],
  options: { batchSize?: number; columns?: readonly string[] } = {},
): SeriesBatch[] {
  const batchSize = Math.max(1, options.batchSize ?? Number.POSITIVE_INFINITY);
  const batcher = new SeriesBatcher(queryColumns({ from: 0, to: 0, columns: options.columns }));
  const batches: SeriesBatch[] = [];
  let pending = 0;
  for (const sample of samples) {
    batcher.add(seriesRowOf(sample));
    if (++pending >= batchSize) {
      batches.push(...batcher.take());
      pending = 0;
    }
  }
  batches.push(...batcher.take());
  return batches;
}

/** The one batch of the samples (all of one agent): what SeriesBuilder.add takes. */
export function seriesBatch(samples: readonly PollSample[], columns?: readonly string[]): SeriesBatch {
  const [batch, ...more] = seriesBatches(samples, { columns });
  if (batch === undefined || more.length > 0) throw new Error("seriesBatch wants samples of one agent");
  return batch;
}

export interface MemoryHistory {
  samples?: readonly PollSample[];
  events?: readonly PollEvent[];
  alerts?: readonly AlertRecord[];
  /** Samples per series() take (batches interleave agents, as a paged read does) [50]. */
  batchSize?: number;
}

/**
 * A HistoryReader over records in memory, by the contract of storage/store.ts: oldest first,
 * (agent, ts) duplicates removed (the first one written kept), from inclusive and to exclusive;
 * series off whole samples the reference way (seriesRowOf). Records what it was asked.
 */
export class MemoryHistoryReader implements HistoryReader {
  readonly seriesQueries: SeriesQuery[] = [];
  readonly samplesAtCalls: Array<Map<string, number>> = [];
  closed = false;
  private readonly stored: PollSample[];
  private readonly storedEvents: PollEvent[];
  private readonly storedAlerts: AlertRecord[];
  private readonly batchSize: number;

  constructor(history: MemoryHistory) {
    const seen = new Set<string>();
    this.stored = byTime(history.samples ?? []).filter((sample) => {
      const key = `${sample.agent}\n${Date.parse(sample.ts)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    this.storedEvents = byTime(history.events ?? []);
    this.storedAlerts = byTime(history.alerts ?? []);
    this.batchSize = history.batchSize ?? 50;
  }

  async *series(query: SeriesQuery): AsyncIterable<SeriesBatch> {
    this.seriesQueries.push(query);
    const inRange = this.stored.filter(
      (s) => within(s.ts, query) && (query.agents === undefined || query.agents.has(s.agent)),
    );
    yield* seriesBatches(inRange, { batchSize: this.batchSize, columns: query.columns });
  }

  async samplesAt(wanted: ReadonlyMap<string, number>): Promise<Map<string, PollSample>> {
    this.samplesAtCalls.push(new Map(wanted));
    const found = new Map<string, PollSample>();
    for (const [agent, time] of wanted) {
      const sample = this.stored.find((s) => s.agent === agent && Date.parse(s.ts) === time);
      if (sample !== undefined) found.set(agent, sample);
    }
    return found;
  }

  async *samples(range: TimeRange): AsyncIterable<PollSample> {
    yield* this.stored.filter((s) => within(s.ts, range) && ofAgent(s.agent, range));
  }

  async *events(range: TimeRange): AsyncIterable<PollEvent> {
    yield* this.storedEvents.filter((e) => within(e.ts, range) && ofAgent(e.agent, range));
  }

  async *alerts(range: TimeRange): AsyncIterable<AlertRecord> {
    yield* this.storedAlerts.filter((a) => within(a.ts, range) && ofAgent(a.alert.agent, range));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Everything a reader holds, read back through its whole-record reads. */
export async function readAll(reader: HistoryReader): Promise<Required<Omit<MemoryHistory, "batchSize">>> {
  const all: TimeRange = { from: 0, to: Date.UTC(9000, 0, 1) };
  const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const item of items) out.push(item);
    return out;
  };
  return {
    samples: await collect(reader.samples(all)),
    events: await collect(reader.events(all)),
    alerts: await collect(reader.alerts(all)),
  };
}

function byTime<T extends { ts: string }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
}

function within(ts: string, range: { from: number; to: number }): boolean {
  const time = Date.parse(ts);
  return time >= range.from && time < range.to;
}

function ofAgent(agent: string, range: TimeRange): boolean {
  return range.agent === undefined || range.agent === agent;
}
