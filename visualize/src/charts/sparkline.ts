import type { ScaleOptions } from "chart.js";
import { gapThresholdMs, toPoints } from "../downsample/index.js";
import { type AgentSeries, valuesOf } from "../model.js";
import type { LineChartConfig } from "./canvas-chart.js";
import { lineDataset } from "./line-chart.js";
import { seriesColor } from "./palette.js";
import { worstDisk } from "./series-stats.js";

export const SPARKLINES = ["cpu", "memory", "disk", "load"] as const;
export type SparklineKind = (typeof SPARKLINES)[number];

export const SPARKLINE_TITLES: Record<SparklineKind, string> = {
  cpu: "CPU %",
  memory: "Memory %",
  disk: "Fullest disk %",
  load: "Load (1 min)",
};

export interface SparklineFrame {
  from: number;
  to: number;
  width: number;
}

function sparkValues(series: AgentSeries, kind: SparklineKind): Float64Array {
  switch (kind) {
    case "cpu":
      return valuesOf(series, "cpu_usage_percent");
    case "memory":
      return valuesOf(series, "memory_usage_percent");
    case "disk":
      return worstDisk(series.disks, series.t.length);
    case "load":
      return valuesOf(series, "load_1");
  }
}

/** A tiny line with no axes or legend and a dot on the last value; undefined without data. */
export function sparklineConfig(
  series: AgentSeries,
  kind: SparklineKind,
  frame: SparklineFrame,
  gapMs = gapThresholdMs(series.t),
): LineChartConfig | undefined {
  const points = toPoints(series.t, sparkValues(series, kind), { maxPoints: frame.width, gapMs });
  const last = points.findLast((p) => p.y !== null);
  if (!last) return undefined;
  const color = seriesColor(0);
  const y: ScaleOptions<"linear"> =
    kind === "load"
      ? { type: "linear", display: false, min: 0 }
      : { type: "linear", display: false, min: 0, max: 100 };
  return {
    type: "line",
    data: {
      datasets: [
        lineDataset(SPARKLINE_TITLES[kind], points, color, { borderWidth: 1.2, clip: 4 }),
        lineDataset("", [last], color, { pointRadius: 2.5, pointStyle: "circle", clip: 4 }),
      ],
    },
    options: {
      parsing: false,
      normalized: true,
      layout: { padding: 3 },
      scales: { x: { type: "linear", display: false, min: frame.from, max: frame.to }, y },
      plugins: { legend: { display: false }, title: { display: false }, subtitle: { display: false } },
    },
  };
}
