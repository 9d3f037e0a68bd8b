import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listReferencedFiles } from "./html.js";
import { agentPagePath } from "./pages.js";
import {
  buildCharts,
  buildHistory,
  chartFiles,
  EVIL,
  EVIL_PROCESS,
  EVIL_USER,
  GENERATED_AT,
} from "../../test/support/dashboard-history.js";
import type { DashboardAssets } from "./assets.js";
import { writeDashboardPages } from "./write-pages.js";

/**
 * Stand-ins for the built stylesheet and scripts (what the built ones do is the browser tests'
 * job), each distinct, so that a page inlining the wrong one shows.
 */
const ASSETS: DashboardAssets = {
  css: "body { color: red; }\n",
  localTime: '"use strict";\nvoid "local time";\n',
  reload: '"use strict";\nvoid "reload";\n',
  alertsFilter: '"use strict";\nvoid "alerts filter";\n',
};

let out: string;
let written: string[];
const read = (file: string): Promise<string> => readFile(join(out, file), "utf8");

function unescape(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

/** The page's Content-Security-Policy, entities decoded. */
function policyOf(html: string): string {
  const raw = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  expect(raw).toBeDefined();
  return unescape(raw!);
}

const sha256 = (text: string): string =>
  `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "hostwatch-dashboard-"));
  const charts = buildCharts();
  for (const file of chartFiles(charts)) {
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file), "");
  }
  written = await writeDashboardPages(out, buildHistory(), charts, {
    generatedAt: GENERATED_AT,
    assets: ASSETS,
  });
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe("writeDashboardPages", () => {
  it("writes the pages, one per agent, and the stylesheet as given, without temp files left", async () => {
    expect(written).toEqual(expect.arrayContaining(["style.css", "index.html", "alerts.html"]));
    for (const agent of buildHistory().agents) expect(written).toContain(agentPagePath(agent.series.agent));
    const top = await readdir(out);
    const agents = await readdir(join(out, "agents"));
    expect([...top, ...agents].filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(await read("style.css")).toBe(ASSETS.css);
  });

  it("every relative reference of every page resolves to a file", async () => {
    const pages = written.filter((f) => f.endsWith(".html"));
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) {
      const refs = listReferencedFiles(await read(page));
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        const target = posix.normalize(posix.join(posix.dirname(page), ref));
        expect(target.startsWith("../"), `${page} → ${ref}`).toBe(false);
        expect(existsSync(join(out, target)), `${page} → ${ref}`).toBe(true);
      }
    }
  });

  it("sorts the index rows worst first", async () => {
    const html = await read("index.html");
    const rows = [...html.matchAll(/<tr data-agent="([^"]*)"/g)].map((m) => unescape(m[1]!));
    expect(rows).toEqual(["db-01", "app-02", "mid-01", EVIL, "edge-01", "web-01", "new-01"]);
    expect(html).toContain("<title>hostwatch</title>");
    expect(html).toContain('href="alerts.html"');
    expect(html).toContain('href="data.csv"');
    expect(html).toContain("2 min ago");
    expect(html).toContain("no sensor");
    expect(html).toMatch(/<time datetime="2024-05-01T\d\d:00:00[+-]\d\d:\d\d">/);
  });

  it("never lets data through unescaped", async () => {
    for (const page of written.filter((f) => f.endsWith(".html"))) {
      const html = await read(page);
      // the only <script> tags are the page's own inline scripts
      expect(html.match(/<script/gi)?.length, page).toBe(inlineScripts(html).length);
      expect(html).not.toContain("alert(1)</script>");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain("<b>x</b>");
      for (const script of inlineScripts(html)) {
        expect(script).not.toContain("alert(");
      }
    }
    const evil = await read(agentPagePath(EVIL));
    expect(evil).toContain("&lt;script&gt;alert(&#39;proc&#39;)&lt;/script&gt;");
    expect(evil).toContain("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(evil).not.toContain(EVIL_PROCESS);
    expect(evil).not.toContain(EVIL_USER);
  });

  it("inlines local time, reload and the page's own scripts, and allows exactly those by hash", async () => {
    for (const page of ["index.html", "alerts.html", agentPagePath("web-01")]) {
      const html = await read(page);
      const own = page === "alerts.html" ? [ASSETS.alertsFilter] : [];
      expect(inlineScripts(html), page).toEqual([ASSETS.localTime, ASSETS.reload, ...own]);
      const csp = policyOf(html);
      expect(csp).toContain(`script-src ${inlineScripts(html).map(sha256).join(" ")};`);
      expect(csp).toContain("img-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    }
  });

  it("puts the auto-refresh toggle, and a refresh without JavaScript, on every page", async () => {
    for (const page of ["index.html", "alerts.html", agentPagePath("edge-01")]) {
      const html = await read(page);
      expect(html).toContain('id="refresh-toggle" data-interval="60"');
      expect(html).toContain("Pause auto-refresh");
      expect(html).toContain('<noscript><meta http-equiv="refresh" content="60"></noscript>');
      expect(html).toMatch(/Generated by hostwatch at <time datetime=/);
    }
  });

  it("lists alerts and down/up events newest first with filter controls", async () => {
    const html = await read("alerts.html");
    const ts = [...html.matchAll(/<tr data-ts="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ts.length).toBe(6 + 3);
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    for (const id of ["filter-from", "filter-severity", "filter-agent", "filter-reset"]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('type="datetime-local"');
    expect(html).toContain('data-severity="event"');
    expect(html).toContain("escalated");
    expect(html).toContain("Failed polls in the range");
    expect(html).toMatch(/disk_usage <span class="mono">\(\/mnt\/&lt;b&gt;x&lt;\/b&gt;\)<\/span>/);
  });

  it("shows the note instead of a temperature chart, and the snapshot details", async () => {
    const html = await read(agentPagePath("edge-01"));
    expect(html).toContain("No temperature sensor on this host");
    expect(html).not.toContain("temperature.png");
    expect(html).toContain('src="../charts/edge-01/cpu.png" width="800" height="300" alt="edge-01 cpu"');
    expect(html).toContain('href="../csv/edge-01.csv"');
    expect(html).toContain('href="../index.html"');
    expect(html).toContain("edge-01.example");
    expect(html).toContain("Top processes by CPU");
    // the note takes the temperature chart's place: after cpu, before load
    const cpu = html.indexOf("cpu.png");
    const note = html.indexOf("No temperature sensor");
    expect(cpu).toBeLessThan(note);
    expect(note).toBeLessThan(html.indexOf("load.png"));
  });

  it("shows down/up events and security findings on the agent page", async () => {
    const db = await read(agentPagePath("db-01"));
    expect(db).toContain('<span class="badge down">down</span>');
    expect(db).toContain("refused");
    expect(db).toContain("1 failed poll in the range");
    const evil = await read(agentPagePath(EVIL));
    expect(evil).toContain("Suspicious processes");
    expect(evil).toContain("SSH brute-force sources");
    expect(evil).toContain("203.0.113.9");
    expect(evil).toContain("Unexpected listeners");
    expect(evil).toContain("4444");
    expect(evil).toContain('src="../charts/evil%20%231%20%3F%26/cpu.png"');
  });

  it("can switch auto-refresh off, and inlines no reload script then", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hostwatch-dashboard-norefresh-"));
    try {
      await writeDashboardPages(dir, buildHistory(), buildCharts(), {
        generatedAt: GENERATED_AT,
        refreshSeconds: 0,
        assets: ASSETS,
      });
      const html = await readFile(join(dir, "index.html"), "utf8");
      expect(html).not.toContain("refresh-toggle");
      expect(html).not.toContain('http-equiv="refresh"');
      expect(inlineScripts(html)).toEqual([ASSETS.localTime]);
      expect(policyOf(html)).toContain(`script-src ${sha256(ASSETS.localTime)};`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
