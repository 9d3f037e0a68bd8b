import type { DashboardCharts, History } from "../model.js";
import { renderAgentPage } from "./agent-page.js";
import { renderAlertsPage } from "./alerts-page.js";
import { chartsFor, renderIndexPage } from "./index-page.js";
import type { PageContext } from "./layout.js";
import { agentPagePath, ALERTS_PAGE, INDEX_PAGE, STYLE_FILE } from "./pages.js";
import { FAVICON_FILE, FAVICON_SVG } from "./favicon.js";

/** Every file of the dashboard's pages: path relative to the output folder → content. */
export function renderDashboardPages(
  history: History,
  charts: DashboardCharts,
  options: PageContext,
): Map<string, string> {
  const files = new Map<string, string>();
  // the built stylesheet as it is, so that style.css is byte for byte what npm run build made
  files.set(STYLE_FILE, options.assets.css);
  files.set(FAVICON_FILE, FAVICON_SVG);
  files.set(INDEX_PAGE, renderIndexPage(history, charts, options));
  files.set(ALERTS_PAGE, renderAlertsPage(history, options));
  for (const agent of history.agents) {
    const name = agent.series.agent;
    files.set(agentPagePath(name), renderAgentPage(history, agent, chartsFor(charts, name), options));
  }
  return files;
}
