import { randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { DashboardCharts, History } from "../model.js";
import { loadDashboardAssets, type DashboardAssets } from "./assets.js";
import { renderDashboardPages } from "./render-pages.js";

export interface DashboardPageOptions {
  /** Generation time, a Date or epoch ms [now]. */
  generatedAt?: Date | number;
  /** Auto-refresh period of every page in seconds; 0 turns auto-refresh and its toggle off [60]. */
  refreshSeconds?: number;
  /** The stylesheet and scripts [the built ones, read by loadDashboardAssets]. */
  assets?: DashboardAssets;
}

export const DEFAULT_REFRESH_SECONDS = 60;

/** Writes a file so that a reader (browser, web server) never sees it half-written. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${randomBytes(6).toString("hex")}.${process.pid}.tmp`);
  try {
    await writeFile(temp, content, "utf8");
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Writes index.html, alerts.html, agents/<agentPageName>.html and style.css into `outputDir`
 * (created if needed). The charts and CSV files the pages reference are the renderer's job.
 * Returns the written paths relative to `outputDir`, "/"-separated.
 */
export async function writeDashboardPages(
  outputDir: string,
  history: History,
  charts: DashboardCharts,
  options: DashboardPageOptions = {},
): Promise<string[]> {
  const refreshSeconds = options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  if (!Number.isFinite(refreshSeconds) || refreshSeconds < 0) {
    throw new RangeError(`refreshSeconds must be a non-negative number, got ${refreshSeconds}`);
  }
  const files = renderDashboardPages(history, charts, {
    generatedAt: options.generatedAt === undefined ? Date.now() : Number(options.generatedAt),
    refreshSeconds: Math.round(refreshSeconds),
    assets: options.assets ?? (await loadDashboardAssets()),
  });
  const folders = new Set([...files.keys()].map((file) => dirname(join(outputDir, file))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  for (const [file, content] of files) await writeFileAtomic(join(outputDir, file), content);
  return [...files.keys()];
}
