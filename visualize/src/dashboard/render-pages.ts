import type { DashboardCharts, History } from "../model.js";
import { renderAgentPage } from "./agent-page.js";
import { renderAlertsPage } from "./alerts-page.js";
import { chartsFor, renderIndexPage } from "./index-page.js";
import type { PageOptions } from "./layout.js";
import { agentPagePath, ALERTS_PAGE, INDEX_PAGE } from "./pages.js";
import { FAVICON_FILE, FAVICON_SVG } from "./favicon.js";
import { STYLE_CSS, STYLE_FILE } from "./style.js";

/** Every file of the dashboard's pages: path relative to the output folder → content. */
export function renderDashboardPages(
  history: History,
  charts: DashboardCharts,
  options: PageOptions,
): Map<string, string> {
  const files = new Map<string, string>();
  files.set(STYLE_FILE, STYLE_CSS);
  files.set(FAVICON_FILE, FAVICON_SVG);
  files.set(INDEX_PAGE, renderIndexPage(history, charts, options));
  files.set(ALERTS_PAGE, renderAlertsPage(history, options));
  for (const agent of history.agents) {
    const name = agent.series.agent;
    files.set(agentPagePath(name), renderAgentPage(history, agent, chartsFor(charts, name), options));
  }
  return files;
}
