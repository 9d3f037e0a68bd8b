import type { AgentCharts, AgentHistory, ChartFile, History } from "../model.js";
import { PLOTS } from "../model.js";
import type { Alert } from "../../../collector/src/alerts/evaluator/types.js";
import { relativeTime } from "./format.js";
import { availabilityBadge, badge, chartImage, table, td, timeTag, timeTagIso } from "./fragments.js";
import { attr, escapeHtml, relativeUrl } from "./html.js";
import { renderPage, type PageContext, type PageOptions } from "./layout.js";
import { agentPagePath, INDEX_PAGE } from "./pages.js";
import { renderSnapshotSection } from "./snapshot-section.js";
import { activeAlerts } from "./status.js";
import { alertReading } from "./alert-reading.js";
import { alertDescription, formatMetricValue } from "./alert-text.js";

function plotOrder(plot: string): number {
  const i = (PLOTS as readonly string[]).indexOf(plot);
  return i < 0 ? PLOTS.length : i;
}

/** Charts in their display order, each note placed where its chart would have been. */
function chartsWithNotes(page: string, agentCharts: AgentCharts | undefined): string {
  if (agentCharts === undefined) return `<p class="muted">No charts for this agent.</p>`;
  const notes = [...agentCharts.notes].sort((a, b) => plotOrder(a.plot) - plotOrder(b.plot));
  const figures: string[] = [];
  const note = (text: string): string => `<figure class="note"><p>${escapeHtml(text)}</p></figure>`;
  const chart = (c: ChartFile): string =>
    `<figure><figcaption>${escapeHtml(c.title)}</figcaption>${chartImage(page, c)}</figure>`;
  for (const c of agentCharts.charts) {
    while (notes.length > 0 && plotOrder(notes[0]!.plot) < plotOrder(c.plot))
      figures.push(note(notes.shift()!.text));
    figures.push(chart(c));
  }
  for (const n of notes) figures.push(note(n.text));
  if (figures.length === 0) return `<p class="muted">Nothing to chart in this range.</p>`;
  return `<div class="charts">\n${figures.join("\n")}\n</div>`;
}

/**
 * Each firing alert with its latest value (from the newest sample, see alertReading) and when
 * it was seen, the value it fired with, and since when it fires.
 */
function alertsSection(alerts: readonly Alert[], agent: AgentHistory): string {
  if (alerts.length === 0) return "";
  const items = alerts.map((a) => {
    const reading = alertReading(a, agent);
    const seen = reading.at === undefined ? "" : ` at ${timeTag(reading.at)}`;
    const fired =
      reading.firedValue === undefined
        ? ""
        : ` · fired at ${escapeHtml(formatMetricValue(a.metric, reading.firedValue))}`;
    return (
      `<li${attr("data-alert", a.key)}>${badge(a.severity)} ${alertDescription({ ...a, value: reading.value })}` +
      ` <span class="muted">now${seen}${fired} · since ${timeTagIso(a.started_at)}</span></li>`
    );
  });
  return `<section><h2>Active alerts</h2><ul>${items.join("")}</ul></section>`;
}

function eventsSection(history: AgentHistory): string {
  const changes = history.events.filter((ev) => ev.kind === "down" || ev.kind === "up");
  const errors = history.events.filter((ev) => ev.kind === "poll_error");
  const lastError = errors.at(-1);
  const errorsLine =
    errors.length === 0
      ? ""
      : `<p>${errors.length} failed poll${errors.length === 1 ? "" : "s"} in the range; the last at ` +
        `${timeTagIso(lastError!.ts)}: <span class="mono">${escapeHtml(lastError!.error ?? "unknown error")}</span></p>`;
  const rows = [...changes]
    .reverse()
    .map(
      (ev) =>
        `<tr>${td(timeTagIso(ev.ts), "nowrap")}${td(badge(ev.kind))}` +
        `${td(escapeHtml(ev.kind === "down" ? (ev.error ?? "") : ""), "mono")}` +
        `${td(escapeHtml(ev.kind === "down" ? ev.consecutive_failures : ""), "num")}</tr>`,
    );
  const list =
    rows.length === 0
      ? `<p class="muted">No down/up changes in the range.</p>`
      : table(["Time", "Event", "Error", "Failed polls"], rows);
  return `<section><h2>Availability</h2>${list}${errorsLine}</section>`;
}

export function renderAgentBody(
  history: History,
  agent: AgentHistory,
  agentCharts: AgentCharts | undefined,
  options: PageOptions,
): string {
  const name = agent.series.agent;
  const page = agentPagePath(name);
  const lastSeen =
    agent.lastSeen === undefined
      ? "never seen"
      : `last seen ${escapeHtml(relativeTime(agent.lastSeen, options.generatedAt))} (${timeTag(agent.lastSeen)})`;
  const csv =
    agentCharts === undefined || agentCharts.csv === ""
      ? ""
      : ` · <a${attr("href", relativeUrl(page, agentCharts.csv))}>Download this agent's data (CSV)</a>`;
  const alerts = activeAlerts(history.alerts).filter((a) => a.agent === name);
  return `<p><a${attr("href", relativeUrl(page, INDEX_PAGE))}>← All agents</a></p>
<h1>${escapeHtml(name)} ${availabilityBadge(agent.down, agent.lastSeen)}</h1>
<p class="meta">${lastSeen} · range ${timeTag(history.from)} → ${timeTag(history.to)}${csv}</p>
${alertsSection(alerts, agent)}
<section><h2>Charts</h2>
${chartsWithNotes(page, agentCharts)}
</section>
${renderSnapshotSection(agent.series.latest)}
${eventsSection(agent)}`;
}

export function renderAgentPage(
  history: History,
  agent: AgentHistory,
  agentCharts: AgentCharts | undefined,
  options: PageContext,
): string {
  return renderPage({
    ...options,
    page: agentPagePath(agent.series.agent),
    title: `${agent.series.agent} · hostwatch`,
    body: renderAgentBody(history, agent, agentCharts, options),
  });
}
