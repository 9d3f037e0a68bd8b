import type { ChartFile } from "../model.js";
import { displayLocal, isoLocal, NONE } from "./format.js";
import { attr, escapeHtml, relativeUrl } from "./html.js";

/** An absolute time; the local-time script rewrites it to the reader's zone. */
export function timeTag(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return NONE;
  return `<time${attr("datetime", isoLocal(ms))}>${escapeHtml(displayLocal(ms))}</time>`;
}

/** A time from a record's ISO string; an unparsable one is shown as it is. */
export function timeTagIso(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? timeTag(ms) : escapeHtml(iso);
}

/** A coloured pill; `kind` picks the colour class and must be one of the style's status names. */
export function badge(kind: string, text: string = kind): string {
  const cls = /^[a-z_-]+$/.test(kind) ? kind : "unknown";
  return `<span class="badge ${cls}">${escapeHtml(text)}</span>`;
}

/** A table in a horizontally scrolling wrapper. Cells are HTML (callers escape data). */
export function table(
  headers: readonly string[],
  rows: readonly string[],
  options: { id?: string; caption?: string } = {},
): string {
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("");
  const caption = options.caption === undefined ? "" : `<caption>${escapeHtml(options.caption)}</caption>`;
  return (
    `<div class="table-wrap"><table${attr("id", options.id)}>${caption}<thead><tr>${head}</tr></thead>` +
    `<tbody>\n${rows.join("\n")}\n</tbody></table></div>`
  );
}

/** `<td>` with HTML content; `cls` is a fixed class name from the caller. */
export function td(html: string, cls?: string): string {
  return `<td${attr("class", cls)}>${html}</td>`;
}

/** An <img> of a chart, sized so the layout does not jump while it loads. */
export function chartImage(page: string, chart: ChartFile, alt: string = chart.title): string {
  return (
    `<img${attr("src", relativeUrl(page, chart.file))}${attr("width", chart.width)}` +
    `${attr("height", chart.height)}${attr("alt", alt)} loading="lazy">`
  );
}

/** up / down / no data (never seen) for an agent. */
export function availabilityBadge(down: boolean, lastSeen: number | undefined): string {
  if (down) return badge("down");
  return lastSeen === undefined ? badge("unavailable", "no data") : badge("up");
}
