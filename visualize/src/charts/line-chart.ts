import type { ChartDataset, Plugin, ScaleOptions } from "chart.js";
import { toPoints } from "../downsample/index.js";
import type { Point } from "../model.js";
import type { LineChartConfig } from "./canvas-chart.js";
import { LINE_WIDTH } from "./palette.js";
import { timeAxis } from "./time-axis.js";

export type LineDataset = ChartDataset<"line", Point[]>;

/** Where a chart goes: the range it shows and its CSS size. */
export interface PlotFrame {
  from: number;
  to: number;
  width: number;
  height: number;
}

// Fixed axis widths, and room for a right axis on every chart, so that the plot areas of all
// charts of a page have the same size and position and their time axes line up.
const Y_AXIS_WIDTH = 72;
const Y1_AXIS_WIDTH = 52;
const PADDING = { left: 4, right: 8 };

/** The plot area's width in CSS pixels: toPoints keeps about one point per pixel. */
export const plotWidth = (width: number): number =>
  Math.max(20, Math.round(width - Y_AXIS_WIDTH - Y1_AXIS_WIDTH - PADDING.left - PADDING.right));

export function seriesPoints(t: Float64Array, y: Float64Array, frame: PlotFrame, gapMs: number): Point[] {
  return toPoints(t, y, { maxPoints: plotWidth(frame.width), gapMs });
}

export function lineDataset(
  label: string,
  data: Point[],
  color: string,
  extra: Partial<LineDataset> = {},
): LineDataset {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: LINE_WIDTH,
    // round joins: Chart.js's fast path folds points sharing a pixel column into a vertical
    // stroke, which shows as notches with miter joins
    borderJoinStyle: "round",
    pointRadius: 0,
    pointHoverRadius: 0,
    pointStyle: "line",
    fill: false,
    spanGaps: false,
    ...extra,
  };
}

export const percentAxis = (): ScaleOptions<"linear"> => ({
  type: "linear",
  min: 0,
  max: 100,
  ticks: { stepSize: 20, callback: (value) => `${value} %` },
});

export interface LineChartParts {
  title: string;
  subtitle?: string | undefined;
  datasets: LineDataset[];
  frame: PlotFrame;
  y: ScaleOptions<"linear">;
  /** A second value axis on the right (datasets with yAxisID "y1"). */
  y1?: ScaleOptions<"linear"> | undefined;
  plugins?: Array<Plugin<"line">>;
}

const fixWidth =
  (width: number) =>
  (scale: { width: number }): void => {
    scale.width = width;
  };

export function lineChart(parts: LineChartParts): LineChartConfig {
  const { frame } = parts;
  return {
    type: "line",
    data: { datasets: parts.datasets },
    plugins: parts.plugins ?? [],
    options: {
      parsing: false,
      normalized: true,
      layout: {
        padding: {
          left: PADDING.left,
          right: PADDING.right + (parts.y1 ? 0 : Y1_AXIS_WIDTH),
          top: 0,
          bottom: 0,
        },
      },
      scales: {
        x: timeAxis(frame.from, frame.to),
        y: {
          ...parts.y,
          ticks: { padding: 6, ...parts.y.ticks },
          grid: { drawTicks: false },
          afterFit: fixWidth(Y_AXIS_WIDTH),
        },
        ...(parts.y1
          ? {
              y1: {
                ...parts.y1,
                ticks: { padding: 6, ...parts.y1.ticks },
                position: "right",
                grid: { drawOnChartArea: false, drawTicks: false },
                afterFit: fixWidth(Y1_AXIS_WIDTH),
              },
            }
          : {}),
      },
      plugins: {
        title: {
          display: true,
          text: parts.title,
          align: "start",
          font: { size: 14, weight: "bold" },
          padding: { top: 6, bottom: parts.subtitle ? 2 : 4 },
        },
        subtitle: {
          display: parts.subtitle !== undefined,
          text: parts.subtitle ?? "",
          align: "start",
          padding: { bottom: 4 },
        },
        legend: {
          display: true,
          position: "top",
          align: "end",
          labels: {
            usePointStyle: true,
            pointStyleWidth: 22,
            boxHeight: 8,
            padding: 8,
            filter: (item) => item.text !== "",
          },
        },
      },
    },
  };
}
