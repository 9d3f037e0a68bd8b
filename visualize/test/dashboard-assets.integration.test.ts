/**
 * The dashboard's stylesheet and browser scripts through the built CLI: what a run writes and
 * inlines is byte for byte what npm run build made of visualize/src/dashboard/assets and browser,
 * each page's Content-Security-Policy allows exactly the scripts it inlines, and a build missing
 * one of them fails before the run reads, draws or writes anything.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ASSET_FILES } from "../src/dashboard/index.js";
import { writeSyntheticSetup } from "../src/demo/synthetic-file-store.js";
import { SyntheticHistory } from "../src/demo/synthetic-history.js";
import { htmlPages, REPO_ROOT, runVisualize, type VisualizeRun } from "./run-visualize.js";

const BUILT = path.join(REPO_ROOT, "dist/visualize/src/dashboard");
const SOURCE = path.join(REPO_ROOT, "visualize/src/dashboard");
const built = (file: string): string => readFileSync(path.join(BUILT, file), "utf8");
const source = (file: string): string => readFileSync(path.join(SOURCE, file), "utf8");
const HOUR = 3_600_000;
const to = Date.UTC(2026, 10, 20, 12, 0, 0);

let work: string;
let configFile: string;
let out: string;

/** The arguments of a run over the synthetic history into `outputDir`. */
const runArgs = (outputDir: string): string[] => [
  "--config",
  configFile,
  "--output-dir",
  outputDir,
  "--hours",
  "2",
  "--until",
  new Date(to).toISOString(),
];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "hostwatch-assets-cli-"));
  const history = new SyntheticHistory({ agents: 3, from: to - 2 * HOUR, to, intervalMs: 60_000 });
  ({ configFile } = await writeSyntheticSetup(history, work, {
    thresholds: { cpu_usage: { warning: 80, critical: 95 } },
  }));
  out = path.join(work, "dashboard");
  const run = await runVisualize(runArgs(out));
  expect(run.code, run.stderr).toBe(0);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const read = (page: string): string => readFileSync(path.join(out, page), "utf8");

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

/** The page's policy from its <meta http-equiv>, entities decoded, as directive → value. */
function policy(html: string): Map<string, string> {
  const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
  expect(metas).toHaveLength(1);
  const text = metas[0]![1]!.replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  return new Map(
    text.split(/;\s*/).map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values.join(" ")];
    }),
  );
}

const sha256 = (text: string): string =>
  `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

describe("the built dashboard assets in a CLI run", () => {
  it("lists every stylesheet file of the source in the order style.css joins them", () => {
    const sources = readdirSync(path.join(SOURCE, "assets")).filter((file) => file.endsWith(".css"));
    expect([...ASSET_FILES.css].sort()).toEqual(sources.map((file) => `assets/${file}`).sort());
  });

  it("writes style.css as the built stylesheet files joined in that order, each the source file", () => {
    for (const file of ASSET_FILES.css) expect(built(file), file).toBe(source(file));
    expect(read("style.css")).toBe(ASSET_FILES.css.map(built).join(""));
  });

  it("inlines on each page exactly the compiled browser scripts", () => {
    const localTime = built("browser/local-time.js");
    const reload = built("browser/reload.js");
    const alertsFilter = built("browser/alerts-filter.js");
    // compiled output, not the TypeScript source
    for (const script of [localTime, reload, alertsFilter]) {
      expect(script.startsWith('"use strict";')).toBe(true);
      expect(script).not.toMatch(/\): void|sourceMappingURL|^\s*(?:import|export)\s/m);
    }
    const pages = htmlPages(out);
    expect(pages.filter((p) => p.startsWith("agents/")).length).toBe(3);
    for (const page of pages) {
      const expected = page === "alerts.html" ? [localTime, reload, alertsFilter] : [localTime, reload];
      expect(inlineScripts(read(page)), page).toEqual(expected);
    }
  });

  it("allows by hash exactly the inlined scripts, and nothing else, on every page", () => {
    for (const page of htmlPages(out)) {
      const html = read(page);
      const csp = policy(html);
      expect(csp.get("script-src"), page).toBe(inlineScripts(html).map(sha256).join(" "));
      expect(csp.get("default-src"), page).toBe("'none'");
      expect(csp.get("style-src"), page).toBe("'self'");
      expect(csp.get("img-src"), page).toBe("'self'");
      expect(csp.get("base-uri"), page).toBe("'none'");
      expect(csp.get("form-action"), page).toBe("'none'");
      expect(html).not.toMatch(/unsafe-inline|unsafe-eval|<script\s+src|\sstyle="/);
    }
  });
});

/**
 * Runs a copy of the built CLI whose dist lacks `missing` (a path in ASSET_FILES): the copy gets
 * the repository's package.json ("type": "module") and node_modules beside it, as an install has.
 */
async function runWithout(missing: string, outputDir: string): Promise<VisualizeRun> {
  const install = path.join(work, "install");
  rmSync(install, { recursive: true, force: true });
  cpSync(path.join(REPO_ROOT, "dist"), path.join(install, "dist"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "package.json"), path.join(install, "package.json"));
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(install, "node_modules"), "dir");
  const gone = path.join(install, "dist/visualize/src/dashboard", missing);
  rmSync(gone);
  const main = path.join(install, "dist/visualize/src/main.js");
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, ...runArgs(outputDir)], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as VisualizeRun;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("a build missing a dashboard asset", () => {
  it.each([ASSET_FILES.css[2]!, ASSET_FILES.alertsFilter])(
    "without %s, fails at once naming it and writes nothing",
    async (missing) => {
      const outputDir = path.join(work, "not-written", "dashboard");
      const run = await runWithout(missing, outputDir);
      expect(run.code).not.toBe(0);
      const file = path.join(work, "install/dist/visualize/src/dashboard", missing);
      expect(run.stderr).toContain(`hostwatch-visualize: the dashboard's built asset ${file} is missing`);
      expect(run.stderr).toContain('run "npm run build"');
      // nothing read, drawn or written first: no progress lines, no output folder
      expect(run.stderr).not.toMatch(/^(read|drew|wrote) /m);
      expect(existsSync(path.join(work, "not-written"))).toBe(false);
    },
  );
});
