import { availableParallelism } from "node:os";
import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from "@napi-rs/canvas";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  SubTitle,
  TimeScale,
  Title,
  type ChartConfiguration,
  type ChartItem,
  type Plugin,
} from "chart.js";
import "chartjs-adapter-date-fns";
import type { Point } from "../model.js";
import { GRID_COLOR, TEXT_COLOR } from "./palette.js";
import { encodeOpaquePng } from "./png-encode.js";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  LinearScale,
  CategoryScale,
  TimeScale,
  Filler,
  Legend,
  Title,
  SubTitle,
);

/** The configurations this module draws: time-series lines and the overview bar chart. */
export type LineChartConfig = ChartConfiguration<"line", Point[]>;
export type BarChartConfig = ChartConfiguration<"bar", number[], string>;
export type ChartConfig = LineChartConfig | BarChartConfig;

export interface RenderSize {
  /** CSS pixels; the PNG is width × pixelRatio by height × pixelRatio. */
  width: number;
  height: number;
  pixelRatio: number;
}

// Metric-compatible with Arial / Helvetica first. Skia draws no text at all without a usable
// font, so the family list names fonts actually installed (see chartFontWarning).
const FONT_CANDIDATES = ["Liberation Sans", "Arial", "Helvetica", "DejaVu Sans", "Noto Sans", "Roboto"];
const installedFonts = FONT_CANDIDATES.filter((family) => GlobalFonts.has(family));

Chart.defaults.font.family = [...installedFonts.map((family) => `'${family}'`), "sans-serif"].join(", ");
Chart.defaults.font.size = 12;
Chart.defaults.color = TEXT_COLOR;
Chart.defaults.borderColor = GRID_COLOR;

/** A message for the CLI when no font is installed and chart text would be invisible. */
export function chartFontWarning(): string | undefined {
  if (GlobalFonts.families.length > 0) return undefined;
  return "no fonts found: chart titles and labels will be blank (install fonts-liberation or fonts-dejavu-core)";
}

/**
 * The chart's 2D context as what it is here, @napi-rs/canvas's. Chart.js types it as the DOM's
 * CanvasRenderingContext2D, which a Node build without the DOM lib cannot resolve (every call on
 * it would be untyped).
 */
export function drawingContext(chart: { ctx: unknown }): SKRSContext2D {
  return chart.ctx as SKRSContext2D;
}

const background: Plugin = {
  id: "hostwatchBackground",
  beforeDraw(chart) {
    const { width, height } = chart;
    const ctx = drawingContext(chart);
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Draws the chart synchronously; the caller must destroy the chart after using the canvas. */
export function drawChart(config: ChartConfig, size: RenderSize): { canvas: Canvas; chart: Chart } {
  // Chart.js takes its CSS size from the canvas and, with devicePixelRatio, enlarges the
  // canvas itself and scales the context (BasicPlatform: no DOM, canvas.style is optional).
  const canvas = createCanvas(size.width, size.height);
  // ChartItem and ChartConfiguration name DOM types this Node build lacks (see drawingContext):
  // the casts say what Chart's constructor is given, and the linter cannot see that they matter
  /* eslint-disable @typescript-eslint/no-unnecessary-type-assertion */
  const chart = new Chart(
    canvas as unknown as ChartItem,
    {
      ...config,
      options: {
        ...config.options,
        animation: false,
        responsive: false,
        maintainAspectRatio: false,
        devicePixelRatio: size.pixelRatio,
        events: [],
      },
      plugins: [...(config.plugins ?? []), background],
    } as ChartConfiguration,
  );
  /* eslint-enable @typescript-eslint/no-unnecessary-type-assertion */
  return { canvas, chart };
}

// Drawing is synchronous on this thread while PNG compression runs on the libuv pool; a few
// charts in flight keep both busy, and the cap bounds the memory held by pixel buffers.
const MAX_IN_FLIGHT = Math.max(2, availableParallelism());
let inFlight = 0;
const waiting: Array<() => void> = [];

async function acquire(): Promise<void> {
  if (inFlight < MAX_IN_FLIGHT) {
    inFlight++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else inFlight--;
}

/**
 * The chart as a PNG. Several calls may be started without awaiting each: they draw one
 * after the other and encode concurrently.
 */
export async function renderChartPng(config: ChartConfig, size: RenderSize): Promise<Buffer> {
  await acquire();
  try {
    const { canvas, chart } = drawChart(config, size);
    // the background plugin made every pixel opaque
    const pixels = canvas.data();
    chart.destroy();
    return await encodeOpaquePng(pixels, canvas.width, canvas.height);
  } finally {
    release();
  }
}
