/**
 * The dashboard's stylesheet and browser scripts through the built CLI: what a run writes and
 * inlines is byte for byte what npm run build made of visualize/src/dashboard/assets and browser,
 * and each page's Content-Security-Policy allows exactly the scripts it inlines.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticSetup } from "../src/demo/synthetic-file-store.js";
import { SyntheticHistory } from "../src/demo/synthetic-history.js";
import { htmlPages, REPO_ROOT, runVisualize } from "./run-visualize.js";

const BUILT = path.join(REPO_ROOT, "dist/visualize/src/dashboard");
const built = (file: string): string => readFileSync(path.join(BUILT, file), "utf8");
const HOUR = 3_600_000;
const to = Date.UTC(2026, 10, 20, 12, 0, 0);

let work: string;
let out: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "hostwatch-assets-cli-"));
  const history = new SyntheticHistory({ agents: 3, from: to - 2 * HOUR, to, intervalMs: 60_000 });
  const { configFile } = await writeSyntheticSetup(history, work, {
    thresholds: { cpu_usage: { warning: 80, critical: 95 } },
  });
  out = path.join(work, "dashboard");
  const run = await runVisualize([
    "--config",
    configFile,
    "--output-dir",
    out,
    "--hours",
    "2",
    "--until",
    new Date(to).toISOString(),
  ]);
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
  it("writes style.css as the built stylesheet, which is the source stylesheet", () => {
    const css = built("assets/dashboard.css");
    expect(read("style.css")).toBe(css);
    expect(css).toBe(
      readFileSync(path.join(REPO_ROOT, "visualize/src/dashboard/assets/dashboard.css"), "utf8"),
    );
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
