import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticSetup } from "../src/demo/synthetic-file-store.js";
import { SyntheticHistory } from "../src/demo/synthetic-history.js";
import { serveFolder, type StaticServer } from "../src/serve/static-server.js";
import { REPO_ROOT, runVisualize } from "./run-visualize.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts");

describe("the dashboard in headless Chromium", () => {
  let work: string;
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: apt-get install chromium (.ci/run installs it) or set CHROMIUM_PATH`,
      );
    work = mkdtempSync(path.join(tmpdir(), "hostwatch-browser-"));
    const to = Date.now();
    const history = new SyntheticHistory({ agents: 4, from: to - 3 * 3_600_000, to, intervalMs: 60_000 });
    const { configFile: config } = await writeSyntheticSetup(history, work, {
      thresholds: { cpu_usage: { warning: 80, critical: 95 } },
    });
    const out = path.join(work, "dashboard");
    const run = await runVisualize(["--config", config, "--output-dir", out, "--hours", "3"]);
    expect(run.code, run.stderr).toBe(0);
    server = await serveFolder(out);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("loads every image and every link of every page, and saves a screenshot", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const failed: string[] = [];
    page.on("requestfailed", (request) => failed.push(request.url()));
    page.on("response", (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });

    const visited = new Set<string>();
    const queue = [server.url];
    while (queue.length > 0 && visited.size < 50) {
      const url = queue.shift()!;
      if (visited.has(url)) continue;
      visited.add(url);
      if (!new URL(url).pathname.match(/(\/|\.html)$/)) {
        const file = await page.request.get(url);
        expect(file.status(), url).toBe(200);
        continue;
      }
      const response = await page.goto(url, { waitUntil: "load" });
      expect(response?.status(), url).toBe(200);
      // the pages load images lazily: ask for all of them, as scrolling down would
      await page.$$eval("img", (imgs) =>
        Promise.all(
          imgs.map((img) => {
            img.loading = "eager";
            return img.decode().catch(() => undefined);
          }),
        ),
      );
      const images = await page.$$eval("img", (imgs) =>
        imgs.map((img) => ({ src: img.src, ok: img.complete && img.naturalWidth > 0 })),
      );
      expect(
        images.filter((img) => !img.ok),
        url,
      ).toEqual([]);
      if (url === server.url) {
        expect(images.length).toBeGreaterThan(4);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, "dashboard-index.png"), fullPage: true });
      }
      const links = await page.$$eval("a[href]", (anchors) =>
        anchors.map((a) => (a as unknown as { href: string }).href),
      );
      for (const link of links) {
        const target = new URL(link);
        target.hash = "";
        if (target.origin === new URL(server.url).origin) queue.push(target.href);
      }
    }
    expect([...visited].some((url) => url.includes("/agents/"))).toBe(true);
    expect([...visited].some((url) => url.endsWith("alerts.html"))).toBe(true);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it("filters the alert history by severity in the page", async () => {
    const page = await browser.newPage();
    await page.goto(new URL("alerts.html", server.url).href);
    const visibleRows = () =>
      page.$$eval(
        "tbody tr",
        (rows) =>
          rows.filter((row) => (row as unknown as { offsetParent: unknown }).offsetParent !== null).length,
      );
    const all = await visibleRows();
    expect(all).toBeGreaterThan(2);
    const severity = page
      .locator("select")
      .filter({ hasText: /critical/i })
      .first();
    await severity.selectOption({
      label: await severity
        .locator("option", { hasText: /critical/i })
        .first()
        .innerText(),
    });
    const critical = await visibleRows();
    expect(critical).toBeGreaterThan(0);
    expect(critical).toBeLessThan(all);
    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard-alerts.png"), fullPage: true });
  }, 30_000);

  it("stays readable at phone width without sideways scrolling of the page", async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(server.url);
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard-phone.png"), fullPage: true });
  }, 30_000);
});
