import type { History } from "../model.js";
import type { PollEvent } from "../../../collector/src/storage/index.js";
import { formatMetricValue, metricLabel } from "./alert-text.js";
import { NONE } from "./format.js";
import { badge, table, td, timeTag, timeTagIso } from "./fragments.js";
import { attr, escapeHtml, relativeUrl } from "./html.js";
import { renderPage, type PageContext, type PageOptions } from "./layout.js";
import { agentPagePath, ALERTS_PAGE } from "./pages.js";

interface TimelineRow {
  ms: number;
  /** Input position, so that equal times keep the newer record first. */
  order: number;
  agent: string;
  severity: string;
  cells: string[];
}

function agentLink(agent: string): string {
  return `<a${attr("href", relativeUrl(ALERTS_PAGE, agentPagePath(agent)))}>${escapeHtml(agent)}</a>`;
}

function alertRows(history: History): TimelineRow[] {
  return history.alerts.map((record, order) => {
    const a = record.alert;
    return {
      ms: Date.parse(record.ts),
      order,
      agent: a.agent,
      severity: a.severity,
      cells: [
        td(timeTagIso(record.ts), "nowrap"),
        td(agentLink(a.agent)),
        td(badge(record.kind)),
        td(badge(a.severity)),
        td(metricLabel(a), "nowrap"),
        td(
          `${escapeHtml(formatMetricValue(a.metric, a.value))} / ${escapeHtml(formatMetricValue(a.metric, a.threshold))}`,
          "num",
        ),
        td(escapeHtml(record.message)),
      ],
    };
  });
}

function eventRows(history: History, offset: number): TimelineRow[] {
  const events: PollEvent[] = history.agents.flatMap((h) =>
    h.events.filter((ev) => ev.kind === "down" || ev.kind === "up"),
  );
  return events.map((ev, i) => ({
    ms: Date.parse(ev.ts),
    order: offset + i,
    agent: ev.agent,
    severity: "event",
    cells: [
      td(timeTagIso(ev.ts), "nowrap"),
      td(agentLink(ev.agent)),
      td(badge(ev.kind)),
      td(NONE),
      td(NONE),
      td(ev.kind === "down" ? escapeHtml(`${ev.consecutive_failures} failed polls`) : NONE, "num"),
      td(
        ev.kind === "down"
          ? `Agent stopped answering${ev.error ? `: <span class="mono">${escapeHtml(ev.error)}</span>` : ""}`
          : "Agent answers again",
      ),
    ],
  }));
}

/** Newest first; rows without a parsable time last. */
function compareRows(a: TimelineRow, b: TimelineRow): number {
  const am = Number.isFinite(a.ms) ? a.ms : -Infinity;
  const bm = Number.isFinite(b.ms) ? b.ms : -Infinity;
  return bm - am || b.order - a.order;
}

function pollErrorNote(history: History): string {
  const counts = history.agents
    .map((h) => ({ agent: h.series.agent, n: h.events.filter((ev) => ev.kind === "poll_error").length }))
    .filter((c) => c.n > 0);
  if (counts.length === 0) return "";
  return `<p class="muted">Failed polls in the range (not listed): ${counts
    .map((c) => `${agentLink(c.agent)} ${c.n}`)
    .join(", ")}.</p>`;
}

const FILTERS = `<form id="filters" class="filters" hidden>
<label>Show from<input type="datetime-local" id="filter-from" step="60"></label>
<label>Severity<select id="filter-severity">
<option value="">All</option>
<option value="critical">Critical</option>
<option value="warning">Warning</option>
<option value="event">Agent down/up</option>
</select></label>
<label>Agent<select id="filter-agent"><option value="">All agents</option></select></label>
<button type="button" id="filter-reset">Reset</button>
<span id="filter-count" class="muted" aria-live="polite"></span>
</form>`;

export function renderAlertsBody(history: History, _options: PageOptions): string {
  const alertList = alertRows(history);
  const rows = [...alertList, ...eventRows(history, alertList.length)].sort(compareRows);
  const html = rows.map(
    (r) =>
      `<tr${attr("data-ts", Number.isFinite(r.ms) ? r.ms : "")}${attr("data-agent", r.agent)}` +
      `${attr("data-severity", r.severity)}>${r.cells.join("")}</tr>`,
  );
  const body =
    html.length === 0
      ? `<p class="muted">No alerts and no down/up changes in this range.</p>`
      : table(["Time", "Agent", "Kind", "Severity", "Metric", "Value / threshold", "Message"], html, {
          id: "events",
        });
  return `<h1>Alert history</h1>
<p class="meta">Range ${timeTag(history.from)} → ${timeTag(history.to)}, newest first.</p>
${FILTERS}
${body}
${pollErrorNote(history)}`;
}

export function renderAlertsPage(history: History, options: PageContext): string {
  return renderPage({
    ...options,
    page: ALERTS_PAGE,
    title: "Alerts · hostwatch",
    body: renderAlertsBody(history, options),
    scripts: [options.assets.alertsFilter],
  });
}
