import { valuesOf } from "../../model.js";
import { lineChart, lineDataset, seriesPoints } from "../line-chart.js";
import { seriesColor } from "../palette.js";
import { thresholdDatasets } from "../thresholds.js";
import { formatNumber } from "../units.js";
import type { PlotBuilder } from "./plot-spec.js";

export const temperaturePlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series } = history;
  const celsius = seriesPoints(series.t, valuesOf(series, "cpu_temperature_celsius"), frame, gapMs);
  if (celsius.length === 0) return undefined;
  const title = "CPU temperature";
  return {
    plot: "temperature",
    title,
    config: lineChart({
      title,
      frame,
      y: { type: "linear", ticks: { callback: (value) => `${formatNumber(Number(value))} °C` } },
      datasets: [
        lineDataset("CPU °C", celsius, seriesColor(4)),
        ...thresholdDatasets(history.rules.cpu_temperature, frame, { unit: "°C" }),
      ],
    }),
  };
};
