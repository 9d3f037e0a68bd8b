import path from "node:path";
import type { AgentCharts, AgentHistory, ChartFile, PlotKind } from "../model.js";
import { renderChartPng, type ChartConfig } from "./canvas-chart.js";
import type { PlotFrame } from "./line-chart.js";
import { NO_DATA_NOTES, PLOT_BUILDERS, plotInput } from "./plots/index.js";
import { SPARKLINE_TITLES, SPARKLINES, sparklineConfig, type SparklineKind } from "./sparkline.js";
import { writeFileAtomic } from "./write-atomic.js";

export const DEFAULT_CHART_WIDTH = 800;
export const DEFAULT_CHART_HEIGHT = 300;
export const DEFAULT_PIXEL_RATIO = 2;
export const SPARKLINE_WIDTH = 160;
export const SPARKLINE_HEIGHT = 40;

export interface ChartOptions {
  /** The range, epoch ms: every chart's x axis spans exactly this. */
  from: number;
  to: number;
  /** Output folder; chart files go to `<outputDir>/<chartDir>/`. */
  outputDir: string;
  /** Relative to outputDir, "/"-separated ("charts/web-01"). */
  chartDir: string;
  /** Chart size in CSS pixels [800 × 300]; the PNG is pixelRatio times larger [2]. */
  width?: number;
  height?: number;
  pixelRatio?: number;
}

export interface AgentChartOptions extends ChartOptions {
  /** Plots to draw, in display order. */
  plots: readonly PlotKind[];
}

/** Renders one chart to `<outputDir>/<file>` and describes it; width / height are CSS pixels. */
export async function writeChart(
  config: ChartConfig,
  chart: Omit<ChartFile, "width" | "height">,
  size: { width: number; height: number; pixelRatio: number },
  outputDir: string,
): Promise<ChartFile> {
  const png = await renderChartPng(config, size);
  await writeFileAtomic(path.join(outputDir, ...chart.file.split("/")), png);
  return { ...chart, width: size.width, height: size.height };
}

export function frameOf(options: ChartOptions): PlotFrame & { pixelRatio: number } {
  return {
    from: options.from,
    to: options.to,
    width: options.width ?? DEFAULT_CHART_WIDTH,
    height: options.height ?? DEFAULT_CHART_HEIGHT,
    pixelRatio: options.pixelRatio ?? DEFAULT_PIXEL_RATIO,
  };
}

/**
 * Draws the asked plots and the index-row sparklines of one agent as
 * `<chartDir>/<plot>.png` and `<chartDir>/spark-<metric>.png`. A plot with nothing in the
 * range gets a note instead of a file.
 */
export async function renderAgentCharts(
  history: AgentHistory,
  options: AgentChartOptions,
): Promise<Omit<AgentCharts, "csv">> {
  const frame = frameOf(options);
  const input = plotInput(history, frame);
  const noSamples = history.series.t.length === 0;
  const notes: AgentCharts["notes"] = [];
  // started together so that drawing the next chart overlaps encoding the previous ones
  const pending: Array<Promise<ChartFile>> = [];
  for (const plot of options.plots) {
    const spec = PLOT_BUILDERS[plot](input);
    if (!spec) {
      notes.push({ plot, text: noSamples ? "No samples in this range" : NO_DATA_NOTES[plot] });
      continue;
    }
    pending.push(
      writeChart(
        spec.config,
        { plot, title: spec.title, file: `${options.chartDir}/${plot}.png` },
        frame,
        options.outputDir,
      ),
    );
  }
  const sparkSize = { width: SPARKLINE_WIDTH, height: SPARKLINE_HEIGHT, pixelRatio: frame.pixelRatio };
  const sparkFrame = { from: frame.from, to: frame.to, width: SPARKLINE_WIDTH };
  const sparkPending: Array<Promise<[SparklineKind, ChartFile]>> = [];
  for (const kind of SPARKLINES) {
    const config = sparklineConfig(history.series, kind, sparkFrame, input.gapMs);
    if (!config) continue;
    const chart = {
      plot: kind,
      title: SPARKLINE_TITLES[kind],
      file: `${options.chartDir}/spark-${kind}.png`,
    };
    sparkPending.push(writeChart(config, chart, sparkSize, options.outputDir).then((file) => [kind, file]));
  }
  const [charts, sparks] = await Promise.all([Promise.all(pending), Promise.all(sparkPending)]);
  const sparklines: AgentCharts["sparklines"] = Object.fromEntries(sparks);
  return { agent: history.series.agent, charts, sparklines, notes };
}
