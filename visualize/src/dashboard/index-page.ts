import type { AgentCharts, DashboardCharts, History } from "../model.js";
import { formatNumber, formatPercent, formatCelsius, NONE, relativeTime } from "./format.js";
import { availabilityBadge, badge, chartImage, table, td, timeTag } from "./fragments.js";
import { attr, escapeHtml, relativeUrl } from "./html.js";
import { renderPage, type PageContext, type PageOptions } from "./layout.js";
import { agentPagePath, ALERTS_PAGE, INDEX_PAGE } from "./pages.js";
import {
  activeAlerts,
  compareSummaries,
  severityCounts,
  severityRank,
  summarizeAgent,
  type AgentSummary,
} from "./status.js";

const SPARKLINES = ["cpu", "memory", "disk", "load"] as const;

/** The index rows' order: worst first (see compareSummaries). */
export function sortedSummaries(history: History, charts: DashboardCharts): AgentSummary[] {
  const alerts = activeAlerts(history.alerts);
  return history.agents
    .map((h) => {
      const notes = chartsFor(charts, h.series.agent)?.notes ?? [];
      return summarizeAgent(
        h,
        alerts,
        notes.some((n) => n.plot === "temperature"),
      );
    })
    .sort(compareSummaries);
}

export function chartsFor(charts: DashboardCharts, agent: string): AgentCharts | undefined {
  return charts.agents.find((c) => c.agent === agent);
}

function lastSeenCell(summary: AgentSummary, now: number): string {
  if (summary.lastSeen === undefined) return td(`<span class="muted">never</span>`);
  return td(
    `<span${attr("title", "relative to the generation time")}>${escapeHtml(relativeTime(summary.lastSeen, now))}</span>` +
      `<br><span class="muted">${timeTag(summary.lastSeen)}</span>`,
    "nowrap",
  );
}

function temperatureText(summary: AgentSummary): string {
  if (summary.temperature === "no sensor") return `<span class="muted">no sensor</span>`;
  return escapeHtml(formatCelsius(summary.temperature));
}

function alertsCell(summary: AgentSummary): string {
  if (summary.alerts.length === 0) return td(`<span class="muted">none</span>`);
  const parts = severityCounts(summary.alerts).map(([severity, n]) => badge(severity, `${n} ${severity}`));
  return td(`${summary.alerts.length} active<br>${parts.join(" ")}`, "nowrap");
}

function securityCell(summary: AgentSummary): string {
  const issues = summary.securityIssues > 0 ? ` <span class="muted">(${summary.securityIssues})</span>` : "";
  return td(badge(summary.security) + issues, "nowrap");
}

function sparklinesCell(page: string, agentCharts: AgentCharts | undefined): string {
  const images = SPARKLINES.flatMap((metric) => {
    const chart = agentCharts?.sparklines[metric];
    return chart === undefined ? [] : [chartImage(page, chart, `${metric} trend`)];
  });
  return td(images.length > 0 ? `<div class="sparklines">${images.join("")}</div>` : NONE);
}

function agentRow(summary: AgentSummary, charts: DashboardCharts, now: number): string {
  const agentCharts = chartsFor(charts, summary.agent);
  const disk =
    summary.disk === undefined
      ? NONE
      : `${escapeHtml(formatPercent(summary.disk.percent))} <span class="muted mono">${escapeHtml(summary.disk.mount)}</span>`;
  const load =
    summary.load === undefined ? NONE : summary.load.map((v) => escapeHtml(formatNumber(v))).join(" / ");
  const cells = [
    td(
      `<a${attr("href", relativeUrl(INDEX_PAGE, agentPagePath(summary.agent)))}>${escapeHtml(summary.agent)}</a>`,
    ),
    td(availabilityBadge(summary.down, summary.lastSeen)),
    lastSeenCell(summary, now),
    td(escapeHtml(formatPercent(summary.cpu)), "num"),
    td(escapeHtml(formatPercent(summary.memory)), "num"),
    td(disk, "nowrap"),
    td(temperatureText(summary), "num"),
    td(load, "num"),
    securityCell(summary),
    alertsCell(summary),
    sparklinesCell(INDEX_PAGE, agentCharts),
  ];
  return `<tr${attr("data-agent", summary.agent)}${attr("data-rank", severityRank(summary))}>${cells.join("")}</tr>`;
}

export function renderIndexBody(history: History, charts: DashboardCharts, options: PageOptions): string {
  const summaries = sortedSummaries(history, charts);
  const down = summaries.filter((s) => s.down).length;
  const alerts = activeAlerts(history.alerts);
  const alertText =
    alerts.length === 0
      ? "no active alerts"
      : `${alerts.length} active alert${alerts.length === 1 ? "" : "s"} ` +
        severityCounts(alerts)
          .map(([severity, n]) => badge(severity, `${n} ${severity}`))
          .join(" ");
  const overview =
    charts.overview.length === 0
      ? ""
      : `<section><h2>Overview</h2><div class="charts">${charts.overview
          .map(
            (chart) =>
              `<figure><figcaption>${escapeHtml(chart.title)}</figcaption>${chartImage(INDEX_PAGE, chart)}</figure>`,
          )
          .join("\n")}</div></section>`;
  const rows = summaries.map((s) => agentRow(s, charts, options.generatedAt));
  const agentsTable =
    rows.length === 0
      ? `<p class="muted">No agents in this range.</p>`
      : table(
          [
            "Agent",
            "Status",
            "Last seen",
            "CPU",
            "Memory",
            "Worst disk",
            "Temp.",
            "Load 1/5/15",
            "Security",
            "Alerts",
            "Trends",
          ],
          rows,
          { id: "agents" },
        );
  return `<h1>hostwatch</h1>
<p class="meta">Generated ${timeTag(options.generatedAt)} · range ${timeTag(history.from)} → ${timeTag(history.to)}</p>
<p class="summary"><span>${summaries.length} agent${summaries.length === 1 ? "" : "s"}, ${down} down</span>
<span>${alertText}</span>
<a${attr("href", relativeUrl(INDEX_PAGE, ALERTS_PAGE))}>Alert history</a>
<a${attr("href", relativeUrl(INDEX_PAGE, charts.csv))}>Download data (CSV)</a></p>
${overview}
<section><h2>Agents</h2>
${agentsTable}
</section>`;
}

export function renderIndexPage(history: History, charts: DashboardCharts, options: PageContext): string {
  return renderPage({
    ...options,
    page: INDEX_PAGE,
    title: "hostwatch",
    body: renderIndexBody(history, charts, options),
  });
}
