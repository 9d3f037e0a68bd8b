import type { NormalisedSnapshot } from "../../collector/src/polling/normalise/normalised-snapshot.js";
import type { ResolvedRules } from "../../collector/src/alerts/evaluator/types.js";
import { SERIES_COLUMNS, type AlertRecord, type PollEvent } from "../../collector/src/storage/index.js";

/** What `--plot` can ask for. */
export const PLOTS = ["cpu", "temperature", "load", "memory", "disk", "network", "security"] as const;
export type PlotKind = (typeof PLOTS)[number];

/** A series value that is absent (family missing, nil temperature). Charts draw no point there. */
export const MISSING = Number.NaN;

/**
 * One agent's history over the range, column-oriented: index i of every array belongs to
 * sample i, taken at t[i]. Missing values are NaN. Arrays are all t.length long.
 */
export interface AgentSeries {
  agent: string;
  /** Poll times, epoch ms, ascending, no duplicates. */
  t: Float64Array;
  /** Every series column of the storage catalog (SERIES_COLUMNS), by its name; see valuesOf. */
  values: Record<string, Float64Array>;
  /** Usage % per mount point, in order of first appearance; NaN where the mount was absent. */
  disks: Map<string, Float64Array>;
  /** The newest sample's full snapshot (latest values, brute-force sources, findings). */
  latest: NormalisedSnapshot | undefined;
  /** Number of CPUs from the newest sample that had it (per-core load thresholds). */
  cpuCount: number | undefined;
}

/** Every series column, `length` long: the given ones, NaN for the rest. */
export function seriesValues(
  length: number,
  given: Readonly<Record<string, Float64Array>> = {},
): Record<string, Float64Array> {
  return Object.fromEntries(
    SERIES_COLUMNS.map(({ name }) => [name, given[name] ?? new Float64Array(length).fill(Number.NaN)]),
  );
}

/** A series column of the agent by its catalog name (columns.ts); a name that is none is a bug. */
export function valuesOf(series: AgentSeries, name: string): Float64Array {
  const values = series.values[name];
  if (values === undefined) throw new Error(`no series column ${name}`);
  return values;
}

/** Everything the renderer and the pages need about one agent. */
export interface AgentHistory {
  series: AgentSeries;
  /** down / up / poll_error events in the range, oldest first. */
  events: PollEvent[];
  /** Whether the agent is down at the end of the range (last down event after the last up / sample). */
  down: boolean;
  /** Epoch ms of the newest sample (even if older than the range), undefined when never seen. */
  lastSeen: number | undefined;
  /** Threshold rules from the collector config for this agent (empty without a config). */
  rules: ResolvedRules;
}

/** The whole picture for one run. */
export interface History {
  /** Inclusive start / exclusive end, epoch ms. */
  from: number;
  to: number;
  agents: AgentHistory[];
  /** Alert history in the range, oldest first. */
  alerts: AlertRecord[];
}

/** A line ready to draw: x epoch ms, y value or null for "break the line here". */
export interface Point {
  x: number;
  y: number | null;
}

/** A PNG written for the pages; paths are relative to the output folder, with "/" separators. */
export interface ChartFile {
  plot: PlotKind | "overview";
  title: string;
  file: string;
  width: number;
  height: number;
}

/** What the renderer produced for one agent, for its page and its row on index.html. */
export interface AgentCharts {
  agent: string;
  /** Full-size charts in display order; a plot with nothing to show (no temperature sensor) is absent. */
  charts: ChartFile[];
  /** Small charts for the index row, by metric. */
  sparklines: Partial<Record<"cpu" | "memory" | "disk" | "load", ChartFile>>;
  /** Plots that were asked for but had no data, with the note to show instead ("No temperature sensor on this host"). */
  notes: Array<{ plot: PlotKind; text: string }>;
  /** Per-agent CSV of the plotted range. */
  csv: string;
}

/** The run's charts: per agent and across agents. */
export interface DashboardCharts {
  agents: AgentCharts[];
  overview: ChartFile[];
  /** CSV of every agent's plotted range. */
  csv: string;
}
