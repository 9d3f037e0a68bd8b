import { errorText } from "../../../../common/src/error-text.js";
import type { Alert, AlertNotification } from "./notification.js";

/** The display unit of a metric: "%" for *_usage, "°C" for cpu_temperature, "" otherwise. */
export function metricUnit(metric: string): string {
  if (metric.endsWith("_usage")) return "%";
  if (metric === "cpu_temperature") return "°C";
  return "";
}

function decimals(metric: string): number {
  if (metric === "security_issues") return 0;
  if (metric.endsWith("_load") || metric === "load") return 2;
  return 1;
}

/** A metric value with its unit, rounded for display: "96.2%", "71°C", "2.35", "n/a" for null. */
export function formatValue(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "n/a";
  const factor = 10 ** decimals(metric);
  const rounded = Math.round(value * factor) / factor;
  return `${String(rounded)}${metricUnit(metric)}`;
}

/** "web-01 disk_usage /var" */
export function alertTarget(alert: Alert): string {
  return [alert.agent, alert.metric, alert.mount]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
}

/** "96.2% (>= 95%)"; "" for agent_down, whose value is a count of failed polls (the message says it). */
function reading(alert: Alert): string {
  if (alert.metric === "agent_down") return "";
  return `${formatValue(alert.metric, alert.value)} (>= ${formatValue(alert.metric, alert.threshold)})`;
}

const KIND_LABEL: Record<AlertNotification["kind"], string> = {
  firing: "FIRING",
  escalated: "ESCALATED",
  repeat: "STILL FIRING",
  resolved: "RESOLVED",
};

/**
 * One-line summary used as the e-mail subject and the webhook `text`:
 * "[hostwatch] FIRING critical: web-01 disk_usage /var 96.2% (>= 95%)",
 * "[hostwatch] RESOLVED: web-01 disk_usage /var".
 */
export function formatSummary(n: AlertNotification): string {
  const { alert } = n;
  const label = KIND_LABEL[n.kind];
  if (n.kind === "resolved") return `[hostwatch] ${label}: ${alertTarget(alert)}`;
  const detail = reading(alert);
  return `[hostwatch] ${label} ${alert.severity}: ${alertTarget(alert)}${detail === "" ? "" : ` ${detail}`}`;
}

/** The plain-text body: one "Label: value" line per field, then the evaluator's message. */
export function formatBody(n: AlertNotification): string {
  const { alert } = n;
  const rows: Array<[string, string]> = [
    ["Agent", alert.agent],
    ["Metric", alert.metric],
  ];
  if (alert.mount !== undefined && alert.mount !== "") rows.push(["Mount", alert.mount]);
  rows.push(
    ["State", `${alert.state} (${n.kind})`],
    ["Severity", alert.severity],
    ["Value", formatValue(alert.metric, alert.value)],
  );
  // After the firing message, the value it fired with tells how far things moved since.
  if (n.kind !== "firing" && alert.fired_value !== undefined && alert.metric !== "agent_down") {
    rows.push(["Fired at", formatValue(alert.metric, alert.fired_value)]);
  }
  rows.push(["Threshold", formatValue(alert.metric, alert.threshold)], ["Since", alert.started_at]);
  if (alert.resolved_at !== null) rows.push(["Resolved", alert.resolved_at]);
  rows.push(["Alert id", alert.id]);
  const lines = rows.map(([label, value]) => `${`${label}:`.padEnd(11)}${value}`);
  return `${formatSummary(n)}\n\n${lines.join("\n")}\n\n${n.message}\n`;
}

/** Subject / webhook text of the `sendTest()` message (`--test-notify`). */
export const TEST_SUMMARY = "[hostwatch] TEST: notification channel check";

/** Body of the `sendTest()` e-mail. */
export function formatTestBody(now = new Date()): string {
  return `${TEST_SUMMARY}\n\nThis is a test notification from hostwatch, sent at ${now.toISOString()}.\nNo action is needed.\n`;
}

/** The message of any thrown value, with the `cause` chain appended ("fetch failed: connect ECONNREFUSED"). */
export function errorMessage(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const message = current instanceof Error ? current.message : errorText(current);
    if (message !== "" && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ") || "unknown error";
}
