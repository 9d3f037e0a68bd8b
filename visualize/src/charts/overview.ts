import type { Plugin } from "chart.js";
import { gapThresholdMs } from "../downsample/index.js";
import { valuesOf, type AgentHistory } from "../model.js";
import { bandLegendDataset, bandPlugin, type Band } from "./band.js";
import { bucketCentres, bucketMeans, bucketPoints, bucketsFor, type Buckets } from "./buckets.js";
import { drawingContext, type BarChartConfig, type LineChartConfig } from "./canvas-chart.js";
import {
  lineChart,
  lineDataset,
  percentAxis,
  plotWidth,
  type LineDataset,
  type PlotFrame,
} from "./line-chart.js";
import { CRITICAL_COLOR, OTHERS_BAND_COLOR, OTHERS_COLOR, seriesColor, WARNING_COLOR } from "./palette.js";
import { hasPresent, maxPresent } from "./series-stats.js";
import { formatNumber } from "./units.js";

/** Up to this many agents every one gets a line; beyond, the top ones by peak and a band for the rest. */
export const OVERVIEW_ALL_LINES = 12;
export const OVERVIEW_TOP_LINES = 10;

export type OverviewMetric = "cpu" | "memory";

/** The series column each overview draws. */
const METRIC_COLUMNS: Record<OverviewMetric, string> = {
  cpu: "cpu_usage_percent",
  memory: "memory_usage_percent",
};

const METRIC_TITLES: Record<OverviewMetric, string> = {
  cpu: "CPU usage, all agents",
  memory: "Memory usage, all agents",
};

function overviewBuckets(histories: AgentHistory[], frame: PlotFrame): Buckets {
  const spacing = Math.min(...histories.map(({ series }) => gapThresholdMs(series.t) / 2.5));
  // about two pixels a bucket: smoother lines that still show the day's shape
  return bucketsFor(frame.from, frame.to, spacing, plotWidth(frame.width) / 2);
}

/**
 * One line per agent, or with many agents the ten with the highest peaks and a min–max band
 * with the median of the others. Lines are bucket means: a hundred raw lines are unreadable.
 */
export function overviewLineConfig(
  histories: AgentHistory[],
  metric: OverviewMetric,
  frame: PlotFrame,
): LineChartConfig | undefined {
  const present = histories.filter((h) => hasPresent(valuesOf(h.series, METRIC_COLUMNS[metric])));
  if (present.length === 0) return undefined;
  const buckets = overviewBuckets(present, frame);
  const agents = present
    .map((history) => {
      const means = bucketMeans(history.series.t, valuesOf(history.series, METRIC_COLUMNS[metric]), buckets);
      return { agent: history.series.agent, means, peak: maxPresent(means) ?? 0 };
    })
    .sort((a, b) => b.peak - a.peak || a.agent.localeCompare(b.agent));
  const lineCount = agents.length <= OVERVIEW_ALL_LINES ? agents.length : OVERVIEW_TOP_LINES;
  const lines = agents
    .slice(0, lineCount)
    .map(({ agent, means }, i) =>
      lineDataset(agent, bucketPoints(means, buckets), seriesColor(i), { borderWidth: 1.2 }),
    );
  const rest = agents.slice(lineCount);
  const others =
    rest.length > 0
      ? othersBand(
          rest.map((a) => a.means),
          buckets,
        )
      : undefined;
  const config = lineChart({
    title: METRIC_TITLES[metric],
    subtitle: rest.length > 0 ? `the ${lineCount} highest peaks of ${agents.length} agents` : undefined,
    frame,
    y: percentAxis(),
    datasets: [...lines, ...(others?.datasets ?? [])],
    plugins: others ? [bandPlugin([others.band])] : [],
  });
  const legend = config.options!.plugins!.legend!;
  legend.position = "right";
  legend.align = "start";
  return config;
}

/** Median line and min–max band across several agents' bucket means. */
export function othersBand(means: Float64Array[], buckets: Buckets): { datasets: LineDataset[]; band: Band } {
  const low = new Float64Array(buckets.count);
  const high = new Float64Array(buckets.count);
  const median = new Float64Array(buckets.count);
  const values: number[] = [];
  for (let b = 0; b < buckets.count; b++) {
    values.length = 0;
    for (const m of means) if (!Number.isNaN(m[b]!)) values.push(m[b]!);
    values.sort((p, q) => p - q);
    const mid = values.length >> 1;
    low[b] = values.length > 0 ? values[0]! : Number.NaN;
    high[b] = values.length > 0 ? values.at(-1)! : Number.NaN;
    median[b] =
      values.length === 0
        ? Number.NaN
        : values.length % 2
          ? values[mid]!
          : (values[mid - 1]! + values[mid]!) / 2;
  }
  const n = means.length;
  return {
    datasets: [
      lineDataset(`median of other ${n}`, bucketPoints(median, buckets), OTHERS_COLOR, { borderWidth: 1.2 }),
      bandLegendDataset(`other ${n} min–max`, OTHERS_BAND_COLOR),
    ],
    band: { x: bucketCentres(buckets), low, high, color: OTHERS_BAND_COLOR },
  };
}

export interface WorstDisk {
  agent: string;
  mount: string;
  usage: number;
  level: "ok" | "warning" | "critical";
}

/** Each agent's fullest mount at its newest sample with disk figures, fullest first. */
export function worstDisks(histories: AgentHistory[]): WorstDisk[] {
  const out: WorstDisk[] = [];
  for (const { series, rules } of histories) {
    for (let i = series.t.length - 1; i >= 0; i--) {
      let worst: { mount: string; usage: number } | undefined;
      for (const [mount, usage] of series.disks) {
        const value = usage[i]!;
        if (!Number.isNaN(value) && (!worst || value > worst.usage)) worst = { mount, usage: value };
      }
      if (!worst) continue;
      const rule = rules.disk_usage;
      const level =
        rule?.critical !== undefined && worst.usage >= rule.critical
          ? "critical"
          : rule?.warning !== undefined && worst.usage >= rule.warning
            ? "warning"
            : "ok";
      out.push({ agent: series.agent, ...worst, level });
      break;
    }
  }
  return out.sort((a, b) => b.usage - a.usage || a.agent.localeCompare(b.agent));
}

export const BAR_ROW_HEIGHT = 16;

/** CSS height of the worst-disk bar chart for this many agents. */
export const worstDiskChartHeight = (agents: number): number => Math.max(120, 70 + agents * BAR_ROW_HEIGHT);

const LEVEL_COLORS: Record<WorstDisk["level"], string> = {
  ok: seriesColor(0),
  warning: WARNING_COLOR,
  critical: CRITICAL_COLOR,
};

/** "87 % /var" at the end of each bar. */
const barValueLabels = (disks: WorstDisk[]): Plugin<"bar"> => ({
  id: "hostwatchBarLabels",
  afterDatasetsDraw(chart) {
    const ctx = drawingContext(chart);
    ctx.save();
    ctx.fillStyle = "#374151";
    ctx.font = `11px ${chart.options.font?.family ?? "sans-serif"}`;
    ctx.textBaseline = "middle";
    chart.getDatasetMeta(0).data.forEach((bar, i) => {
      const disk = disks[i];
      if (disk) ctx.fillText(`${formatNumber(disk.usage)} % ${disk.mount}`, bar.x + 4, bar.y);
    });
    ctx.restore();
  },
});

/** Horizontal bars of each agent's fullest disk, fullest first, coloured by its disk_usage rule. */
export function worstDiskConfig(histories: AgentHistory[]): BarChartConfig | undefined {
  const disks = worstDisks(histories);
  if (disks.length === 0) return undefined;
  return {
    type: "bar",
    data: {
      labels: disks.map((d) => d.agent),
      datasets: [
        {
          label: "fullest disk %",
          data: disks.map((d) => d.usage),
          backgroundColor: disks.map((d) => LEVEL_COLORS[d.level]),
          barPercentage: 0.8,
          categoryPercentage: 0.9,
        },
      ],
    },
    options: {
      indexAxis: "y",
      // room right of a full bar for its label
      layout: { padding: { right: 16, left: 4 } },
      scales: {
        x: {
          type: "linear",
          min: 0,
          max: 120,
          position: "top",
          ticks: { stepSize: 20, callback: (v) => (Number(v) <= 100 ? `${v} %` : "") },
        },
        y: { type: "category", ticks: { autoSkip: false, font: { size: 11 } }, grid: { display: false } },
      },
      plugins: {
        title: {
          display: true,
          text: "Fullest disk per agent (latest)",
          align: "start",
          font: { size: 14, weight: "bold" },
        },
        legend: { display: false },
      },
    },
    plugins: [barValueLabels(disks)],
  };
}
