import { lineChart, lineDataset, percentAxis, seriesPoints } from "../line-chart.js";
import { seriesColor } from "../palette.js";
import { lastPresent } from "../series-stats.js";
import { thresholdDatasets } from "../thresholds.js";
import type { PlotBuilder } from "./plot-spec.js";

export const MAX_MOUNTS = 8;

export const diskPlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series } = history;
  const mounts = [...series.disks]
    .map(([mount, usage]) => ({ mount, usage, latest: lastPresent(usage) }))
    .filter((m): m is typeof m & { latest: number } => m.latest !== undefined)
    .sort((a, b) => b.latest - a.latest);
  if (mounts.length === 0) return undefined;
  const shown = mounts.slice(0, MAX_MOUNTS);
  const title = "Disk usage";
  return {
    plot: "disk",
    title,
    config: lineChart({
      title,
      subtitle:
        mounts.length > shown.length ? `the ${shown.length} fullest of ${mounts.length} mounts` : undefined,
      frame,
      y: percentAxis(),
      datasets: [
        ...shown.map(({ mount, usage }, i) =>
          lineDataset(mount, seriesPoints(series.t, usage, frame, gapMs), seriesColor(i)),
        ),
        ...thresholdDatasets(history.rules.disk_usage, frame, { unit: "%" }),
      ],
    }),
  };
};
