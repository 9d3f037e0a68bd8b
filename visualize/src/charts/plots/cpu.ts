import { valuesOf } from "../../model.js";
import { bandLegendDataset, bandPlugin, type Band } from "../band.js";
import { bucketCentres, bucketEnvelope, bucketsFor } from "../buckets.js";
import { lineChart, lineDataset, percentAxis, plotWidth, seriesPoints } from "../line-chart.js";
import { BAND_COLOR, seriesColor } from "../palette.js";
import { hasPresent } from "../series-stats.js";
import { thresholdDatasets } from "../thresholds.js";
import type { PlotBuilder } from "./plot-spec.js";

export const cpuPlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series } = history;
  const usage = seriesPoints(series.t, valuesOf(series, "cpu_usage_percent"), frame, gapMs);
  if (usage.length === 0) return undefined;
  const withBand =
    hasPresent(valuesOf(series, "cpu_core_min_percent")) &&
    hasPresent(valuesOf(series, "cpu_core_max_percent"));
  const bands: Band[] = [];
  if (withBand) {
    const buckets = bucketsFor(frame.from, frame.to, gapMs / 2.5, plotWidth(frame.width));
    const { low, high } = bucketEnvelope(
      series.t,
      valuesOf(series, "cpu_core_min_percent"),
      valuesOf(series, "cpu_core_max_percent"),
      buckets,
    );
    bands.push({ x: bucketCentres(buckets), low, high, color: BAND_COLOR });
  }
  const title = "CPU usage";
  return {
    plot: "cpu",
    title,
    config: lineChart({
      title,
      frame,
      y: percentAxis(),
      datasets: [
        lineDataset("CPU %", usage, seriesColor(0)),
        ...thresholdDatasets(history.rules.cpu_usage, frame, { unit: "%" }),
        ...(withBand ? [bandLegendDataset("per-core min–max", BAND_COLOR)] : []),
      ],
      plugins: withBand ? [bandPlugin(bands)] : [],
    }),
  };
};
