import { valuesOf } from "../../model.js";
import { lineChart, lineDataset, seriesPoints } from "../line-chart.js";
import { seriesColor } from "../palette.js";
import { maxPresent } from "../series-stats.js";
import { bytesPerSecondStep, formatBytesPerSecond } from "../units.js";
import type { PlotBuilder } from "./plot-spec.js";

export const networkPlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series } = history;
  const rx = seriesPoints(series.t, valuesOf(series, "net_rx_bytes_per_s"), frame, gapMs);
  const tx = seriesPoints(series.t, valuesOf(series, "net_tx_bytes_per_s"), frame, gapMs);
  if (rx.length === 0 && tx.length === 0) return undefined;
  const max = Math.max(
    maxPresent(valuesOf(series, "net_rx_bytes_per_s")) ?? 0,
    maxPresent(valuesOf(series, "net_tx_bytes_per_s")) ?? 0,
  );
  const title = "Network throughput";
  return {
    plot: "network",
    title,
    config: lineChart({
      title,
      frame,
      y: {
        type: "linear",
        min: 0,
        ticks: {
          stepSize: bytesPerSecondStep(max),
          callback: (value) => formatBytesPerSecond(Number(value)),
        },
      },
      datasets: [lineDataset("rx", rx, seriesColor(0)), lineDataset("tx", tx, seriesColor(1))],
    }),
  };
};
