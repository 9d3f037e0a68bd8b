import { resolveRules } from "../../../collector/src/alerts/evaluator/rules.js";
import type { CollectorConfig } from "../../../collector/src/config/load-config.js";
import type { HistoryReader, SeriesQuery, TimeRange } from "../../../collector/src/storage/index.js";
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
  /** Reads the range's series another way (several threads); default: reader.series. */
  readSeries?: (query: SeriesQuery, capacity: number) => Promise<Map<string, AgentSeries>>;
}

const PROGRESS_EVERY = 10_000;
const DEFAULT_LOOKBACK_MS = 86_400_000;
/** The collector's defaults (config schema), for a run without a config. */
const DEFAULT_DOWN_AFTER = 3;

/**
 * Reads series, events and alerts of the range at once and builds every agent's history: the
 * config's agents (with empty series when they have no data) and any other agent in the data,
 * sorted by name, each with its newest whole snapshot (the series' last sample, or for an agent
 * silent in the range, its newest within the look-back).
 */
export async function loadHistory(reader: HistoryReader, options: LoadHistoryOptions): Promise<History> {
  const { from, to, agent, config } = options;
  const range: TimeRange = { from, to, agent };
  const query: SeriesQuery = { from, to, agents: agent === undefined ? undefined : new Set([agent]) };
  const capacity = capacityHint(options);
  const [events, alerts, seriesByAgent] = await Promise.all([
    collect(reader.events(range)),
    collect(reader.alerts(range)),
    options.readSeries?.(query, capacity) ?? readSeries(reader, query, capacity, options.onProgress),
  ]);

  const configured = new Map((config?.agents ?? []).map((a) => [a.name, a]));
  const names = new Set<string>([
    ...configured.keys(),
    ...seriesByAgent.keys(),
    ...events.map((e) => e.agent),
  ]);
  if (agent !== undefined) for (const name of names) if (name !== agent) names.delete(name);
  const unseen = [...names].filter((name) => !seriesByAgent.has(name));
  const earlier = await newestBefore(reader, from, options.lookbackMs ?? DEFAULT_LOOKBACK_MS, unseen);
  const newest = new Map(earlier);
  for (const [name, series] of seriesByAgent)
    if (series.t.length > 0) newest.set(name, series.t[series.t.length - 1]!);
  const snapshots = await reader.samplesAt(newest);

  const eventsByAgent = groupBy(events, (e) => e.agent);
  const downAfter = config?.alerts.down_after ?? DEFAULT_DOWN_AFTER;
  const agents = [...names].sort(byName).map((name): AgentHistory => {
    const series = seriesByAgent.get(name) ?? new SeriesBuilder(name, 0).build();
    series.latest = snapshots.get(name)?.snapshot;
    const lastSeen = newest.get(name);
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
  query: SeriesQuery,
  capacity: number,
  onProgress: ((samplesRead: number) => void) | undefined,
): Promise<Map<string, AgentSeries>> {
  const series = new SeriesBuilders(capacity);
  let read = 0;
  let reported = 0;
  for await (const batch of reader.series(query)) {
    read += series.add(batch);
    if (read - reported >= PROGRESS_EVERY) onProgress?.((reported = read));
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

/** The time of each agent's newest sample in [from - lookbackMs, from), for agents silent in the range. */
async function newestBefore(
  reader: HistoryReader,
  from: number,
  lookbackMs: number,
  agents: string[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (agents.length === 0 || !(lookbackMs > 0)) return found;
  const query = { from: from - lookbackMs, to: from, agents: new Set(agents), columns: [] };
  for await (const batch of reader.series(query))
    if (batch.t.length > 0) found.set(batch.agent, batch.t[batch.t.length - 1]!);
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
