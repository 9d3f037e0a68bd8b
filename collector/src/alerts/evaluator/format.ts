import type { Alert, AlertMetric } from "./types.js";

/** One-line messages. Units: % for percents, °C for temperature, plain for load and counts. */

const UNITS: Record<AlertMetric, string> = {
  cpu_usage: "%",
  cpu_temperature: "°C",
  system_load: "",
  memory_usage: "%",
  swap_usage: "%",
  disk_usage: "%",
  security_issues: "",
  agent_down: "",
};

export function formatValue(metric: AlertMetric, value: number): string {
  // Rounding 1e308 to hundredths overflows to Infinity: such a value is shown as it is.
  const rounded = Math.round(value * 100) / 100;
  return `${Number.isFinite(rounded) ? rounded : value}${UNITS[metric]}`;
}

/** ISO 8601 UTC to the second: 2026-11-22T06:21:10Z. */
export function formatTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z");
}

function subject(alert: Alert): string {
  return `${alert.agent} ${alert.metric}${alert.mount !== undefined ? ` ${oneLine(alert.mount)}` : ""}`;
}

/**
 * An agent's mount as message text: a mount with a line break or control character (an agent
 * may send any string) broke the one-line message of logs, e-mail subjects and chat (found by
 * extract.property.test.ts), so those characters are shown as "?".
 */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, "?");
}

function context(detail: string | null | undefined): string {
  return detail ? ` (${detail})` : "";
}

function comparison(alert: Alert): string {
  return `${formatValue(alert.metric, alert.value)} >= ${formatValue(alert.metric, alert.threshold)}`;
}

function since(alert: Alert): string {
  return `since ${formatTime(alert.started_at)}`;
}

export function firingMessage(alert: Alert, detail?: string | null): string {
  return `${subject(alert)} ${alert.severity.toUpperCase()}: ${comparison(alert)}${context(detail)} ${since(alert)}`;
}

export function escalatedMessage(alert: Alert, detail?: string | null): string {
  return `${subject(alert)} escalated to ${alert.severity.toUpperCase()}: ${comparison(alert)}${context(detail)} ${since(alert)}`;
}

export function repeatMessage(alert: Alert, detail?: string | null): string {
  const value = formatValue(alert.metric, alert.value);
  const threshold = formatValue(alert.metric, alert.threshold);
  return `${subject(alert)} still ${alert.severity.toUpperCase()}: ${value} (threshold ${threshold})${context(detail)} ${since(alert)}`;
}

/** `releasedBelow`: the level minus hysteresis that the value fell below. */
export function resolvedMessage(alert: Alert, releasedBelow: number, detail?: string | null): string {
  const value = formatValue(alert.metric, alert.value);
  const below = formatValue(alert.metric, releasedBelow);
  return `${subject(alert)} resolved: ${value} < ${below}${context(detail)} (was ${alert.severity.toUpperCase()} ${since(alert)})`;
}

export function unmonitoredMessage(alert: Alert, why: string): string {
  return `${subject(alert)} resolved: ${why} (was ${alert.severity.toUpperCase()} ${since(alert)})`;
}

export function downMessage(alert: Alert, error: string | null): string {
  return `${alert.agent} agent_down CRITICAL: down after ${polls(alert.value)}${context(error)} since ${formatTime(alert.started_at)}`;
}

export function downRepeatMessage(alert: Alert): string {
  return `${alert.agent} agent_down still CRITICAL: ${polls(alert.value)} since ${formatTime(alert.started_at)}`;
}

export function upMessage(alert: Alert, failures: number): string {
  return `${alert.agent} agent_down resolved: agent up, recovered after ${polls(failures)} (down since ${formatTime(alert.started_at)})`;
}

function polls(count: number): string {
  return `${count} failed poll${count === 1 ? "" : "s"}`;
}
