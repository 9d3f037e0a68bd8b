import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * The dashboard's stylesheet and browser scripts, as built by npm run build: the text written as
 * style.css and the text of each inline <script>, whose CSP hashes are computed from it.
 */
export interface DashboardAssets {
  /** The files of ASSET_FILES.css concatenated in that order, written beside the pages as style.css. */
  css: string;
  /** browser/local-time.js: every page. */
  localTime: string;
  /** browser/reload.js: every page while auto-refresh is on. */
  reload: string;
  /** browser/alerts-filter.js: alerts.html. */
  alertsFilter: string;
}

/**
 * Where each asset lies in the built folder, relative to it. The stylesheet is split by job into
 * several files (visualize/src/dashboard/assets/, each copied as it is by npm run build) that
 * style.css joins byte for byte, nothing between them, in this order, so that the browser still
 * makes one request. The order is the cascade's: a later file may refine an earlier one.
 * - base.css: the colour themes (the custom properties the others use), reset, text, controls
 * - layout.css: the page frame (top bar, auto-refresh toggle, footer) and summary cards
 * - tables.css: tables and the status badges
 * - charts.css: chart figures, the no-data note, sparklines
 * - pages.css: an agent page's facts lists, the alerts page's filters
 */
export const ASSET_FILES: {
  readonly [K in keyof DashboardAssets]: K extends "css" ? readonly string[] : string;
} = {
  css: ["assets/base.css", "assets/layout.css", "assets/tables.css", "assets/charts.css", "assets/pages.css"],
  localTime: "browser/local-time.js",
  reload: "browser/reload.js",
  alertsFilter: "browser/alerts-filter.js",
};

/**
 * The folder holding the built assets: this module's own folder in dist (npm run build compiles
 * browser/ and copies assets/ there). Run from its TypeScript source (vitest), this module is not
 * in dist, and the browser scripts exist only compiled: the same folder under dist/ then
 * (tsconfig's rootDir "." and outDir "dist" mirror the source tree there).
 */
export function builtAssetsDir(moduleUrl: string = import.meta.url): URL {
  return moduleUrl.endsWith(".ts")
    ? new URL("../../../dist/visualize/src/dashboard/", moduleUrl)
    : new URL("./", moduleUrl);
}

/**
 * Reads the built stylesheet and scripts from `dir` (a folder URL, with its trailing "/").
 * A missing file is a broken or missing build: the error names the file and the command that
 * makes it. The files are read one after the other in the order of ASSET_FILES, so that the file
 * named is the first one missing when several are. Read on every generation, not kept in the
 * module, so that a rebuild is picked up.
 */
export async function loadDashboardAssets(dir: URL = builtAssetsDir()): Promise<DashboardAssets> {
  const at = (relative: string): string => fileURLToPath(new URL(relative, dir));
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      const failure = error as NodeJS.ErrnoException;
      const why = failure.code === "ENOENT" ? "is missing" : `cannot be read (${failure.message})`;
      throw new Error(
        `the dashboard's built asset ${file} ${why}: run "npm run build", which compiles ` +
          `visualize/src/dashboard/browser/ and copies visualize/src/dashboard/assets/ into dist/`,
        { cause: error },
      );
    }
  };
  const script = async (relative: string): Promise<string> => {
    const file = at(relative);
    const text = await read(file);
    checkInlineScript(file, text);
    return text;
  };
  const css: string[] = [];
  for (const relative of ASSET_FILES.css) css.push(await read(at(relative)));
  // awaited in turn: an object literal's properties are evaluated in order
  return {
    css: css.join(""),
    localTime: await script(ASSET_FILES.localTime),
    reload: await script(ASSET_FILES.reload),
    alertsFilter: await script(ASSET_FILES.alertsFilter),
  };
}

/**
 * The pages put a script's text between <script> and </script> as it is: a "</script" would end
 * the element early and "<!--" changes how the HTML parser reads the rest, so neither may appear.
 */
function checkInlineScript(file: string, text: string): void {
  const bad = /<\/script|<!--/i.exec(text);
  if (bad !== null)
    throw new Error(`the dashboard script ${file} contains "${bad[0]}", which cannot be inlined in a page`);
}
