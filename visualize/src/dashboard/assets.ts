import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * The dashboard's stylesheet and browser scripts, as built by npm run build: the text written as
 * style.css and the text of each inline <script>, whose CSP hashes are computed from it.
 */
export interface DashboardAssets {
  /** assets/dashboard.css, written beside the pages as style.css. */
  css: string;
  /** browser/local-time.js: every page. */
  localTime: string;
  /** browser/reload.js: every page while auto-refresh is on. */
  reload: string;
  /** browser/alerts-filter.js: alerts.html. */
  alertsFilter: string;
}

/** Where each asset lies in the built folder, relative to it. */
export const ASSET_FILES: Readonly<Record<keyof DashboardAssets, string>> = {
  css: "assets/dashboard.css",
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
 * makes it. Read on every generation, not kept in the module, so that a rebuild is picked up.
 */
export async function loadDashboardAssets(dir: URL = builtAssetsDir()): Promise<DashboardAssets> {
  const read = async (key: keyof DashboardAssets): Promise<string> => {
    const file = fileURLToPath(new URL(ASSET_FILES[key], dir));
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      const failure = error as NodeJS.ErrnoException;
      const why = failure.code === "ENOENT" ? "is missing" : `cannot be read (${failure.message})`;
      throw new Error(
        `the dashboard's built asset ${file} ${why}: run "npm run build", which compiles ` +
          `visualize/src/dashboard/browser/ and copies visualize/src/dashboard/assets/ into dist/`,
        { cause: error },
      );
    }
    if (key !== "css") checkInlineScript(file, text);
    return text;
  };
  const [css, localTime, reload, alertsFilter] = await Promise.all([
    read("css"),
    read("localTime"),
    read("reload"),
    read("alertsFilter"),
  ]);
  return { css, localTime, reload, alertsFilter };
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
