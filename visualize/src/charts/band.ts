import type { Chart, Plugin } from "chart.js";
import { lineDataset, type LineDataset } from "./line-chart.js";
import { drawingContext } from "./canvas-chart.js";

/** A filled area between two edges sampled at the same x; NaN where there is no value. */
export interface Band {
  x: Float64Array;
  low: Float64Array;
  high: Float64Array;
  color: string;
}

export interface BandPlugin extends Plugin<"line"> {
  bands: Band[];
}

/**
 * Draws bands under the lines, one polygon per run of present values. Chart.js's Filler would
 * do it with two datasets, but it clips with the (long, noisy) edge paths, which costs more
 * than drawing the whole rest of the chart.
 */
export function bandPlugin(bands: Band[]): BandPlugin {
  return {
    id: "hostwatchBand",
    bands,
    beforeDatasetsDraw(chart: Chart<"line">) {
      const { chartArea, scales } = chart;
      const ctx = drawingContext(chart);
      const xScale = scales.x!;
      const yScale = scales.y!;
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
      ctx.clip();
      for (const band of bands) {
        ctx.fillStyle = band.color;
        ctx.beginPath();
        let start = -1;
        for (let i = 0; i <= band.x.length; i++) {
          const present = i < band.x.length && !Number.isNaN(band.low[i]!) && !Number.isNaN(band.high[i]!);
          if (present && start < 0) start = i;
          if (!present && start >= 0) {
            ctx.moveTo(xScale.getPixelForValue(band.x[start]!), yScale.getPixelForValue(band.high[start]!));
            for (let j = start + 1; j < i; j++) {
              ctx.lineTo(xScale.getPixelForValue(band.x[j]!), yScale.getPixelForValue(band.high[j]!));
            }
            for (let j = i - 1; j >= start; j--) {
              ctx.lineTo(xScale.getPixelForValue(band.x[j]!), yScale.getPixelForValue(band.low[j]!));
            }
            ctx.closePath();
            start = -1;
          }
        }
        ctx.fill();
      }
      ctx.restore();
    },
  };
}

/** A dataset with nothing to draw that gives the band its legend entry. */
export const bandLegendDataset = (label: string, color: string): LineDataset =>
  lineDataset(label, [], color, { backgroundColor: color, borderWidth: 0, pointStyle: "rect" });
