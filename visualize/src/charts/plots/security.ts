import { valuesOf } from "../../model.js";
import type { SshSource } from "../../../../common/src/contract/protocol.js";
import type { Received } from "../../../../collector/src/polling/normalise/normalised-snapshot.js";
import { lineChart, lineDataset, seriesPoints } from "../line-chart.js";
import { seriesColor } from "../palette.js";
import { thresholdDatasets } from "../thresholds.js";
import { formatNumber } from "../units.js";
import type { PlotBuilder } from "./plot-spec.js";

const TOP_SOURCES = 3;

/** "SSH brute force: 203.0.113.7 (412), 198.51.100.23 (97)", or undefined without sources. */
export function bruteForceSummary(
  sources: ReadonlyArray<Received<SshSource>> | undefined,
): string | undefined {
  if (!sources || sources.length === 0) return undefined;
  const top = [...sources].sort((a, b) => (b.count ?? 0) - (a.count ?? 0)).slice(0, TOP_SOURCES);
  const more = sources.length > top.length ? `, +${sources.length - top.length} more` : "";
  return `SSH brute force: ${top.map((s) => `${s.ip ?? "?"} (${s.count ?? "?"})`).join(", ")}${more}`;
}

export const securityPlot: PlotBuilder = ({ history, frame, gapMs }) => {
  const { series } = history;
  const issues = seriesPoints(series.t, valuesOf(series, "security_issue_count"), frame, gapMs);
  const ssh = seriesPoints(series.t, valuesOf(series, "ssh_failed_total"), frame, gapMs);
  if (issues.length === 0 && ssh.length === 0) return undefined;
  const title = "Security";
  const integer = (value: number | string): string =>
    Number.isInteger(Number(value)) ? formatNumber(Number(value)) : "";
  return {
    plot: "security",
    title,
    config: lineChart({
      title,
      subtitle: bruteForceSummary(series.latest?.security?.ssh_failed_logins?.sources),
      frame,
      y: { type: "linear", min: 0, suggestedMax: 2, ticks: { precision: 0, callback: integer } },
      y1: { type: "linear", min: 0, suggestedMax: 10, ticks: { precision: 0, callback: integer } },
      datasets: [
        lineDataset("security issues", issues, seriesColor(2), { stepped: true }),
        lineDataset("SSH failed logins (right axis)", ssh, seriesColor(1), { yAxisID: "y1" }),
        ...thresholdDatasets(history.rules.security_issues, frame),
      ],
    }),
  };
};
