// npm run docs:screenshots — the README's pictures, made by the tool itself: a synthetic
// 24-hour history of six agents, hostwatch-visualize, and headless Chromium.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { SyntheticHistory } = await import("../dist/visualize/src/demo/synthetic-history.js");
const { writeSyntheticSetup } = await import("../dist/visualize/src/demo/synthetic-file-store.js");
const { serveFolder } = await import("../dist/visualize/src/serve/static-server.js");

const work = mkdtempSync(path.join(tmpdir(), "hostwatch-screenshots-"));
try {
  const to = Date.now();
  const history = new SyntheticHistory({ agents: 6, from: to - 24 * 3_600_000, to, intervalMs: 60_000 });
  const { configFile: config } = await writeSyntheticSetup(history, work, {
    thresholds: { cpu_usage: { warning: 80, critical: 95 }, disk_usage: { warning: 85, critical: 95 } },
  });
  const out = path.join(work, "dashboard");
  execFileSync(
    process.execPath,
    [path.join(ROOT, "dist/visualize/src/main.js"), "--config", config, "--output-dir", out],
    {
      stdio: "inherit",
    },
  );
  const server = await serveFolder(out);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url, { waitUntil: "load" });
    await page.screenshot({ path: path.join(ROOT, "docs/dashboard.png") });
    await page.goto(new URL("agents/web-01.html", server.url).href, { waitUntil: "load" });
    await page.screenshot({ path: path.join(ROOT, "docs/agent-page.png") });
    console.log("wrote docs/dashboard.png and docs/agent-page.png");
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
