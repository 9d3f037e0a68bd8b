import { join } from "node:path";
import { writeFileAtomic } from "../charts/write-atomic.js";
import type { DashboardCharts, History } from "../model.js";
import type { DashboardAssets } from "./assets.js";
import { renderDashboardPages } from "./render-pages.js";

export interface DashboardPageOptions {
  /** Generation time, a Date or epoch ms [now]. */
  generatedAt?: Date | number;
  /** Auto-refresh period of every page in seconds; 0 turns auto-refresh and its toggle off [60]. */
  refreshSeconds?: number;
  /** The stylesheet and scripts, read once per run by loadDashboardAssets. */
  assets: DashboardAssets;
}

export const DEFAULT_REFRESH_SECONDS = 60;

/**
 * Writes index.html, alerts.html, agents/<agentPageName>.html and style.css into `outputDir`
 * (created if needed), each atomically: a browser or web server reading the folder during a run
 * never sees half a page. The charts and CSV files the pages reference are the renderer's job.
 * Returns the written paths relative to `outputDir`, "/"-separated.
 */
export async function writeDashboardPages(
  outputDir: string,
  history: History,
  charts: DashboardCharts,
  options: DashboardPageOptions,
): Promise<string[]> {
  const refreshSeconds = options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  if (!Number.isFinite(refreshSeconds) || refreshSeconds < 0) {
    throw new RangeError(`refreshSeconds must be a non-negative number, got ${refreshSeconds}`);
  }
  const files = renderDashboardPages(history, charts, {
    generatedAt: options.generatedAt === undefined ? Date.now() : Number(options.generatedAt),
    refreshSeconds: Math.round(refreshSeconds),
    assets: options.assets,
  });
  for (const [file, content] of files)
    await writeFileAtomic(join(outputDir, file), Buffer.from(content, "utf8"));
  return [...files.keys()];
}
