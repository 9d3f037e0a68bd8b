import type { Alert, AlertMetric } from "../../../collector/src/alerts/evaluator/types.js";
import { formatCelsius, formatNumber, formatPercent } from "./format.js";
import { escapeHtml } from "./html.js";

/** A metric's value in its unit: "92.3%", "81.0 °C", "3.20", "4 failed polls". */
export function formatMetricValue(metric: AlertMetric, value: number): string {
  switch (metric) {
    case "cpu_usage":
    case "memory_usage":
    case "swap_usage":
    case "disk_usage":
      return formatPercent(value);
    case "cpu_temperature":
      return formatCelsius(value);
    case "system_load":
      return formatNumber(value);
    case "security_issues":
      return formatNumber(value, 0);
    case "agent_down":
      return `${formatNumber(value, 0)} failed polls`;
  }
}

/** The metric name with its mount for disk alerts, as HTML: "disk_usage (/var)". */
export function metricLabel(alert: Pick<Alert, "metric" | "mount">): string {
  return alert.mount === undefined
    ? escapeHtml(alert.metric)
    : `${escapeHtml(alert.metric)} <span class="mono">(${escapeHtml(alert.mount)})</span>`;
}

/** "disk_usage (/var): 92.3% / 90.0%" as HTML. */
export function alertDescription(alert: Alert): string {
  return (
    `${metricLabel(alert)}: ${escapeHtml(formatMetricValue(alert.metric, alert.value))}` +
    ` / ${escapeHtml(formatMetricValue(alert.metric, alert.threshold))}`
  );
}
