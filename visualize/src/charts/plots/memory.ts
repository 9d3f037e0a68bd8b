import { lineChart, lineDataset, percentAxis, seriesPoints } from "../line-chart.js";
import { seriesColor } from "../palette.js";
import { thresholdDatasets } from "../thresholds.js";
import type { PlotBuilder } from "./plot-spec.js";

export const memoryPlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series, rules } = history;
  const memory = seriesPoints(series.t, series.memory, frame, gapMs);
  const swap = seriesPoints(series.t, series.swap, frame, gapMs);
  if (memory.length === 0 && swap.length === 0) return undefined;
  const memoryRule = rules.memory_usage;
  const swapRule = rules.swap_usage;
  // the swap levels only get their own lines when they differ from the memory levels
  const sameLevels =
    memoryRule !== undefined &&
    swapRule !== undefined &&
    memoryRule.warning === swapRule.warning &&
    memoryRule.critical === swapRule.critical;
  const title = "Memory and swap usage";
  return {
    plot: "memory",
    title,
    config: lineChart({
      title,
      frame,
      y: percentAxis(),
      datasets: [
        lineDataset("memory %", memory, seriesColor(0)),
        lineDataset("swap %", swap, seriesColor(2)),
        ...thresholdDatasets(memoryRule, frame, { unit: "%", prefix: sameLevels ? undefined : "memory" }),
        ...(sameLevels ? [] : thresholdDatasets(swapRule, frame, { unit: "%", prefix: "swap" })),
      ],
    }),
  };
};
