import { mkdir } from "node:fs/promises";
import path from "node:path";
import { loadHistory } from "../history/load-history.js";
import { canReadInParallel, readSeriesInParallel } from "../history/parallel-series.js";
import { threadCount } from "../workers/worker-pool.js";
import { safeFileName } from "../charts/safe-file-name.js";
import { createCsvWriter, type AgentCsvWriter } from "../csv/csv-writer.js";
import { CsvRows, writeHistoryCsv } from "../csv/write-csv.js";
import { loadDashboardAssets, writeDashboardPages } from "../dashboard/index.js";
import type { AgentCharts, AgentHistory, DashboardCharts, PlotKind } from "../model.js";
import type { HistorySource } from "./history-source.js";
import type { Progress } from "./progress.js";
import { RenderState } from "./render-state.js";
import { createRenderer, type AgentRenderer } from "./render-pool.js";
import { PhaseTimer, type PhaseTimes } from "./phase-timer.js";

export interface GenerateOptions {
  source: HistorySource;
  outputDir: string;
  plots: PlotKind[];
  from: number;
  to: number;
  agent: string | undefined;
  width: number;
  height: number;
  pixelRatio: number;
  force: boolean;
  progress: Progress;
}

export interface GenerateResult {
  agents: number;
  /** Agents drawn this run; the others had no new sample since the last run. */
  drawn: number;
  samples: number;
  times: PhaseTimes;
}

/** Reads the range, draws what changed, and writes the pages and CSV files. */
export async function generateDashboard(options: GenerateOptions): Promise<GenerateResult> {
  const { source, outputDir, progress } = options;
  const timer = new PhaseTimer();
  // the pages are written last, but a broken install (assets not built) fails here, before
  // anything is read, drawn or written
  const assets = await loadDashboardAssets();
  await mkdir(outputDir, { recursive: true });

  const reader = await source.open();
  const threads = threadCount();
  const onProgress = (read: number) =>
    progress.update(`reading ${source.where}: ${read.toLocaleString("en")} samples`);
  const reading = timer
    .time("read", () =>
      loadHistory(reader, {
        from: options.from,
        to: options.to,
        agent: options.agent,
        config: source.config,
        onProgress,
        readSeries:
          source.files !== undefined && canReadInParallel(threads)
            ? (range, capacity) => readSeriesInParallel(source.files!, range, threads, capacity, onProgress)
            : undefined,
      }),
    )
    .finally(() => reader.close());
  // Chart.js, Skia and date-fns take most of a second to load: while the workers read
  const charts = import("../charts/index.js");
  const history = await reading;
  const samples = history.agents.reduce((sum, a) => sum + a.series.t.length, 0);
  progress.line(
    `read ${samples.toLocaleString("en")} samples of ${history.agents.length} agents in ${seconds(timer.times.read)}`,
  );

  const state = await RenderState.load(outputDir, settingsKey(options));
  // workers pay a start-up (loading Chart.js) that a handful of agents does not win back
  const renderThreads = history.agents.length >= 4 * threads ? threads : 1;
  const renderer = createRenderer(renderThreads);
  // drawing here: the CSV files can be written on another core meanwhile
  // each agent's rows are formatted once, for its CSV file and the combined one
  const csvRows = new CsvRows();
  const csvWriter = createCsvWriter(renderThreads === 1 && threads > 1, csvRows);
  // the render phase includes the agents' CSV files, written while their charts are drawn
  const renderStarted = performance.now();
  let drawn = 0;
  const total = history.agents.length;
  const agentCharts = await Promise.all(
    history.agents.map(async (agent) => {
      const name = agent.series.agent;
      const lastSample = lastSampleOf(agent);
      const previous = state.previousCharts(name);
      let charts: AgentCharts;
      if (
        !options.force &&
        previous !== undefined &&
        state.isCurrent(name, lastSample, agent.down, outputDir)
      ) {
        charts = previous;
      } else {
        charts = await drawAgent(agent, options, renderer, csvWriter);
        progress.update(`drawing: ${++drawn} of ${total} agents (${name})`);
      }
      state.record(name, lastSample, agent.down, charts);
      return charts;
    }),
  ).finally(() => Promise.all([renderer.close(), csvWriter.close()]));
  const overview = await (
    await charts
  ).renderOverviewCharts(history.agents, chartOptions(options, "charts/overview"));
  timer.add("render", performance.now() - renderStarted);
  progress.line(`drew ${drawn} of ${history.agents.length} agents in ${seconds(timer.times.render)}`);

  const dashboard: DashboardCharts = { agents: agentCharts, overview, csv: "data.csv" };
  await timer.time("write", async () => {
    await writeHistoryCsv(path.join(outputDir, dashboard.csv), history.agents, csvRows);
    await writeDashboardPages(outputDir, history, dashboard, { generatedAt: new Date(), assets });
    await state.save();
  });
  return { agents: history.agents.length, drawn, samples, times: timer.times };
}

async function drawAgent(
  agent: AgentHistory,
  options: GenerateOptions,
  renderer: AgentRenderer,
  csvWriter: AgentCsvWriter,
): Promise<AgentCharts> {
  const chartDir = `charts/${safeFileName(agent.series.agent)}`;
  const csv = `${chartDir}/data.csv`;
  const [rendered] = await Promise.all([
    renderer.render(agent, chartOptions(options, chartDir)),
    csvWriter.write(path.join(options.outputDir, csv), agent.series),
  ]);
  return { ...rendered, csv };
}

function chartOptions(options: GenerateOptions, chartDir: string) {
  return {
    from: options.from,
    to: options.to,
    plots: options.plots,
    outputDir: options.outputDir,
    chartDir,
    width: options.width,
    height: options.height,
    pixelRatio: options.pixelRatio,
  };
}

function lastSampleOf(agent: AgentHistory): number | undefined {
  const { t } = agent.series;
  return t.length === 0 ? undefined : t[t.length - 1];
}

/** Everything besides the data that changes the pictures; the range's length, not its position. */
function settingsKey(options: GenerateOptions): string {
  return JSON.stringify({
    plots: options.plots,
    hours: options.to - options.from,
    width: options.width,
    height: options.height,
    pixelRatio: options.pixelRatio,
    thresholds: options.source.config?.thresholds ?? null,
    agentThresholds: options.source.config?.agents.map((a) => [a.name, a.thresholds ?? null]) ?? null,
  });
}

function seconds(ms: number | undefined): string {
  return `${((ms ?? 0) / 1000).toFixed(1)} s`;
}
