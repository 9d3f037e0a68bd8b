import { valuesOf } from "../../model.js";
import { lineChart, lineDataset, seriesPoints } from "../line-chart.js";
import { seriesColor } from "../palette.js";
import { thresholdDatasets } from "../thresholds.js";
import { formatNumber } from "../units.js";
import type { PlotBuilder } from "./plot-spec.js";

export const loadPlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series } = history;
  const lines = [
    lineDataset("load 1", seriesPoints(series.t, valuesOf(series, "load_1"), frame, gapMs), seriesColor(0)),
    lineDataset("load 5", seriesPoints(series.t, valuesOf(series, "load_5"), frame, gapMs), seriesColor(1)),
    lineDataset("load 15", seriesPoints(series.t, valuesOf(series, "load_15"), frame, gapMs), seriesColor(2)),
  ];
  if (lines.every((line) => line.data.length === 0)) return undefined;
  const rule = history.rules.system_load;
  // a per-core rule compares load / CPU count; without the count its line cannot be placed
  const thresholds =
    rule?.per_core === true
      ? series.cpuCount
        ? thresholdDatasets(rule, frame, {
            factor: series.cpuCount,
            note: (level) => `${formatNumber(level, 2)} × ${series.cpuCount} CPUs`,
          })
        : []
      : thresholdDatasets(rule, frame);
  const title = series.cpuCount ? `System load (${series.cpuCount} CPUs)` : "System load";
  return {
    plot: "load",
    title,
    config: lineChart({
      title,
      frame,
      y: { type: "linear", min: 0, ticks: { callback: (value) => formatNumber(Number(value), 2) } },
      datasets: [...lines, ...thresholds],
    }),
  };
};
