import { valuesOf } from "../../model.js";
import { lineChart, lineDataset, percentAxis, seriesPoints } from "../line-chart.js";
import { seriesColor } from "../palette.js";
import { thresholdDatasets } from "../thresholds.js";
import type { PlotBuilder } from "./plot-spec.js";

/**
 * Memory as stacked areas, as Munin draws it: used (what the applications hold), then buffers,
 * then the page cache, as % of the total; swap as a line. The stack is summed here, each top
 * its own line filled down to the one below: Chart.js stacks datasets by equal x, and each
 * series is downsampled (LTTB) to points of its own.
 */
export const memoryPlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series, rules } = history;
  const used = valuesOf(series, "memory_usage_percent");
  const total = valuesOf(series, "memory_total_bytes");
  const buffersBytes = valuesOf(series, "memory_buffers_bytes");
  const cachedBytes = valuesOf(series, "memory_cached_bytes");
  const withBuffers = used.map((u, i) => u + (buffersBytes[i]! / total[i]!) * 100);
  // used counts what of the cache cannot be dropped (shmem, tmpfs): the stack may pass the total
  const withCache = withBuffers.map((u, i) => Math.min(100, u + (cachedBytes[i]! / total[i]!) * 100));
  const memory = seriesPoints(series.t, used, frame, gapMs);
  const buffers = seriesPoints(series.t, withBuffers, frame, gapMs);
  const cache = seriesPoints(series.t, withCache, frame, gapMs);
  const swap = seriesPoints(series.t, valuesOf(series, "swap_percent"), frame, gapMs);
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
        lineDataset("used %", memory, seriesColor(0), { fill: "origin", backgroundColor: area(0) }),
        ...(buffers.length === 0
          ? []
          : [lineDataset("buffers %", buffers, seriesColor(3), { fill: "-1", backgroundColor: area(3) })]),
        ...(cache.length === 0
          ? []
          : [lineDataset("cache %", cache, seriesColor(1), { fill: "-1", backgroundColor: area(1) })]),
        lineDataset("swap %", swap, seriesColor(2)),
        ...thresholdDatasets(memoryRule, frame, { unit: "%", prefix: sameLevels ? undefined : "memory" }),
        ...(sameLevels ? [] : thresholdDatasets(swapRule, frame, { unit: "%", prefix: "swap" })),
      ],
    }),
  };
};

/** A series colour, translucent, for an area under its line. */
function area(index: number): string {
  return `${seriesColor(index)}55`;
}
