import type { SecurityStatus } from "../../../common/src/contract/protocol.js";
import type { Alert, Severity } from "../../../collector/src/alerts/evaluator/types.js";
import type { AlertRecord } from "../../../collector/src/storage/index.js";
import type { AgentHistory } from "../model.js";

/**
 * Alerts still open at the end of the range: the newest record of each alert id is not a
 * "resolved" one. Records with the same time keep their array order (later wins).
 */
export function activeAlerts(records: readonly AlertRecord[]): Alert[] {
  const latest = new Map<string, { record: AlertRecord; ms: number }>();
  for (const record of records) {
    const ms = Date.parse(record.ts);
    const seen = latest.get(record.alert.id);
    if (seen === undefined || !(ms < seen.ms)) latest.set(record.alert.id, { record, ms });
  }
  return [...latest.values()]
    .filter(({ record }) => record.kind !== "resolved" && record.alert.state !== "resolved")
    .map(({ record }) => record.alert);
}

export interface WorstDisk {
  mount: string;
  percent: number;
}

/** The latest figures of one agent as the index row shows them; undefined where unknown. */
export interface AgentSummary {
  agent: string;
  down: boolean;
  lastSeen: number | undefined;
  cpu: number | undefined;
  memory: number | undefined;
  disk: WorstDisk | undefined;
  /** A number, "no sensor" (the host has none) or undefined (not reported). */
  temperature: number | "no sensor" | undefined;
  load: [number | undefined, number | undefined, number | undefined] | undefined;
  security: SecurityStatus;
  securityIssues: number;
  alerts: Alert[];
}

function finiteOrUndefined(value: number | null | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function summarizeAgent(
  history: AgentHistory,
  alerts: readonly Alert[],
  hasTemperatureNote = false,
): AgentSummary {
  const latest = history.series.latest;
  let disk: WorstDisk | undefined;
  for (const d of latest?.disks ?? []) {
    const percent = d.usage_percent;
    if (percent !== undefined && Number.isFinite(percent) && (disk === undefined || percent > disk.percent)) {
      disk = { mount: d.mount ?? "?", percent };
    }
  }
  let temperature: AgentSummary["temperature"];
  if (latest?.temperature !== undefined) {
    temperature =
      finiteOrUndefined(latest.temperature.cpu_celsius) ??
      finiteOrUndefined(latest.temperature.max_celsius) ??
      "no sensor";
  } else if (hasTemperatureNote) {
    temperature = "no sensor";
  }
  const load = latest?.load;
  return {
    agent: history.series.agent,
    down: history.down,
    lastSeen: history.lastSeen,
    cpu: finiteOrUndefined(latest?.cpu?.usage_percent),
    memory: finiteOrUndefined(latest?.memory?.usage_percent),
    disk,
    temperature,
    load: load === undefined ? undefined : [load.load_1, load.load_5, load.load_15],
    security: latest?.security?.status ?? "unavailable",
    securityIssues: latest?.security?.issue_count ?? 0,
    alerts: alerts.filter((a) => a.agent === history.series.agent),
  };
}

/** 0 down, 1 critical, 2 warning, 3 fine. */
export function severityRank(summary: AgentSummary): number {
  if (summary.down) return 0;
  if (summary.security === "critical" || summary.alerts.some((a) => a.severity === "critical")) return 1;
  if (summary.security === "warning" || summary.alerts.some((a) => a.severity === "warning")) return 2;
  return 3;
}

/** The highest of CPU, memory and worst disk usage; -1 when none is known. */
export function peakUsage(summary: AgentSummary): number {
  return Math.max(summary.cpu ?? -1, summary.memory ?? -1, summary.disk?.percent ?? -1);
}

/** Worst first: down, then critical, then warning, then by peak usage; then by name. */
export function compareSummaries(a: AgentSummary, b: AgentSummary): number {
  return (
    severityRank(a) - severityRank(b) ||
    peakUsage(b) - peakUsage(a) ||
    (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0)
  );
}

/** Severities of a set of alerts, worst first, with counts: [["critical", 2], ["warning", 1]]. */
export function severityCounts(alerts: readonly Alert[]): Array<[Severity, number]> {
  const out: Array<[Severity, number]> = [];
  for (const severity of ["critical", "warning"] as const) {
    const n = alerts.filter((a) => a.severity === severity).length;
    if (n > 0) out.push([severity, n]);
  }
  return out;
}
