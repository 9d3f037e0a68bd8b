import { resolveRules } from "../../../collector/src/alerts/evaluator/rules.js";
import type { CollectorConfig } from "../../../collector/src/config/load-config.js";
import type {
  SampleFigures,
  PollSample,
  TimeRange,
  HistoryReader,
} from "../../../collector/src/storage/index.js";
import type { AgentHistory, AgentSeries, History } from "../model.js";
import { isDown } from "./agent-state.js";
import { SeriesBuilder, SeriesBuilders } from "./series-builder.js";

export interface LoadHistoryOptions {
  /** Inclusive start / exclusive end, epoch ms. */
  from: number;
  to: number;
  /** Only this agent. */
  agent?: string | undefined;
  /** Agents, thresholds and poll interval; without it, the agents found in the data and no rules. */
  config?: CollectorConfig | undefined;
  /** Called with the number of samples read so far, about every 10,000 samples and at the end. */
  onProgress?: (samplesRead: number) => void;
  /**
   * How far before `from` to look for the newest sample of an agent that has none in the range
   * (its lastSeen and latest snapshot) [1 day; 0: not at all]. A file store has no index: the
   * look-back reads the files from there on (only agent and time of the other agents' lines).
   */
  lookbackMs?: number;
  /** Reads the range's series another way (several threads); default: reader.figures or samples. */
  readSeries?: (range: TimeRange, capacity: number) => Promise<Map<string, AgentSeries>>;
}

const PROGRESS_EVERY = 10_000;
const DEFAULT_LOOKBACK_MS = 86_400_000;
/** The collector's defaults (config schema), for a run without a config. */
const DEFAULT_DOWN_AFTER = 3;

/**
 * Reads samples, events and alerts of the range at once and builds every agent's history: the
 * config's agents (with empty series when they have no data) and any other agent in the data,
 * sorted by name. Samples go straight into typed arrays; none is kept.
 */
export async function loadHistory(reader: HistoryReader, options: LoadHistoryOptions): Promise<History> {
  const { from, to, agent, config } = options;
  const range: TimeRange = { from, to, agent };
  const capacity = capacityHint(options);
  const [events, alerts, seriesByAgent] = await Promise.all([
    collect(reader.events(range)),
    collect(reader.alerts(range)),
    options.readSeries?.(range, capacity) ?? readSeries(reader, range, capacity, options.onProgress),
  ]);

  const configured = new Map((config?.agents ?? []).map((a) => [a.name, a]));
  const names = new Set<string>([
    ...configured.keys(),
    ...seriesByAgent.keys(),
    ...events.map((e) => e.agent),
  ]);
  if (agent !== undefined) for (const name of names) if (name !== agent) names.delete(name);
  const unseen = [...names].filter((name) => !seriesByAgent.has(name));
  const [earlier] = await Promise.all([
    newestBefore(reader, from, options.lookbackMs ?? DEFAULT_LOOKBACK_MS, unseen),
    fillLatest(reader, seriesByAgent),
  ]);

  const eventsByAgent = groupBy(events, (e) => e.agent);
  const downAfter = config?.alerts.down_after ?? DEFAULT_DOWN_AFTER;
  const agents = [...names].sort(byName).map((name): AgentHistory => {
    const series = seriesByAgent.get(name) ?? new SeriesBuilder(name, 0).build();
    const before = earlier.get(name);
    series.latest ??= before?.snapshot;
    const lastSeen =
      series.t.length > 0
        ? series.t[series.t.length - 1]
        : before === undefined
          ? undefined
          : Date.parse(before.ts);
    const agentEvents = eventsByAgent.get(name) ?? [];
    const thresholds = configured.get(name)?.thresholds;
    return {
      series,
      events: agentEvents,
      down: isDown(agentEvents, lastSeen, downAfter),
      lastSeen,
      rules: config === undefined ? {} : resolveRules(config.thresholds, thresholds),
    };
  });
  return { from, to, agents, alerts };
}

async function readSeries(
  reader: HistoryReader,
  range: TimeRange,
  capacity: number,
  onProgress: ((samplesRead: number) => void) | undefined,
): Promise<Map<string, AgentSeries>> {
  const series = new SeriesBuilders(capacity);
  let read = 0;
  let reported = 0;
  const count = (samples: number) => {
    read += samples;
    if (read - reported >= PROGRESS_EVERY) onProgress?.((reported = read));
  };
  if (reader.figureBatches !== undefined) {
    for await (const batch of reader.figureBatches(range)) {
      for (const figures of batch) series.of(figures.agent).addFigures(figures);
      count(batch.length);
    }
  } else if (reader.figures !== undefined) {
    // one at a time, as the reader makes them (see MysqlHistoryReader.figures)
    for await (const figures of reader.figures(range)) {
      series.of(figures.agent).addFigures(figures);
      count(1);
    }
  } else {
    for await (const sample of reader.samples(range)) {
      series.of(sample.agent).add(sample);
      count(1);
    }
  }
  onProgress?.(read);
  return series.build();
}

/** Samples an agent sends over the range at the configured poll interval: the series' first capacity. */
function capacityHint({ from, to, config }: LoadHistoryOptions): number {
  const interval = config?.poll_interval;
  if (interval === undefined || !(to > from)) return 1024;
  return Math.min(Math.ceil((to - from) / (interval * 1000)) + 16, 1 << 20);
}

/** The latest snapshot of series read from figures that came without their sample. */
async function fillLatest(reader: HistoryReader, seriesByAgent: Map<string, AgentSeries>): Promise<void> {
  const wanted = new Map<string, number>();
  for (const [agent, series] of seriesByAgent)
    if (series.latest === undefined && series.t.length > 0) wanted.set(agent, series.t[series.t.length - 1]!);
  if (wanted.size === 0 || reader.samplesAt === undefined) return;
  for (const [agent, sample] of await reader.samplesAt(wanted))
    seriesByAgent.get(agent)!.latest = sample.snapshot;
}

/** Each agent's newest sample in [from - lookbackMs, from), complete. */
async function newestBefore(
  reader: HistoryReader,
  from: number,
  lookbackMs: number,
  agents: string[],
): Promise<Map<string, PollSample>> {
  const found = new Map<string, PollSample>();
  if (agents.length === 0 || !(lookbackMs > 0)) return found;
  const wanted = new Set(agents);
  const range: TimeRange = {
    from: from - lookbackMs,
    to: from,
    agent: agents.length === 1 ? agents[0] : undefined,
  };
  if (reader.figures !== undefined) {
    const newest = new Map<string, SampleFigures>();
    for await (const figures of reader.figures(range, wanted)) newest.set(figures.agent, figures);
    const elsewhere = new Map<string, number>();
    for (const [agent, figures] of newest) {
      const sample = figures.sample();
      if (sample !== undefined) found.set(agent, sample);
      else elsewhere.set(agent, figures.time);
    }
    if (elsewhere.size > 0 && reader.samplesAt !== undefined)
      for (const [agent, sample] of await reader.samplesAt(elsewhere)) found.set(agent, sample);
  } else {
    for await (const sample of reader.samples(range)) {
      if (!wanted.has(sample.agent)) continue;
      const known = found.get(sample.agent);
      if (known === undefined || Date.parse(sample.ts) > Date.parse(known.ts))
        found.set(sample.agent, sample);
    }
  }
  return found;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
