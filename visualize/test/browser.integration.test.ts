import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
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
  let out: string;

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
    out = path.join(work, "dashboard");
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

  it("keeps the auto-refresh pause across a reload, and reloads once resumed", async () => {
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(server.url);
    const toggle = page.locator("#refresh-toggle");
    const state = page.locator("#refresh-state");
    expect(await toggle.innerText()).toBe("Pause auto-refresh");
    expect(await state.innerText()).toBe("Auto-refresh every 60 s");
    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await page.reload();
    expect(await toggle.innerText()).toBe("Resume auto-refresh");
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    expect(await state.innerText()).toBe("Auto-refresh paused");
    // paused: two periods pass and the page is the same document (the marker survives)
    await page.evaluate("window.hostwatchMarker = 1");
    await page.clock.runFor(125_000);
    expect(await page.evaluate("window.hostwatchMarker")).toBe(1);
    await toggle.click();
    expect(await state.innerText()).toBe("Auto-refresh every 60 s");
    const reloaded = page.waitForEvent("load");
    await page.clock.runFor(61_000);
    await reloaded;
    expect(await page.evaluate("window.hostwatchMarker")).toBeUndefined();
    expect(await toggle.innerText()).toBe("Pause auto-refresh");
    await page.context().close();
  }, 30_000);

  it("shows every time in the reader's time zone, with the UTC instant as its tooltip", async () => {
    // Kathmandu: +05:45 all year, unlike the server's zone whatever it is
    const context = await browser.newContext({ timezoneId: "Asia/Kathmandu" });
    const page = await context.newPage();
    await page.goto(new URL("alerts.html", server.url).href);
    const times = await page.evaluate<{ datetime: string; text: string; title: string }[]>(
      `Array.from(document.querySelectorAll("time[datetime]"), (t) =>
        ({ datetime: t.getAttribute("datetime"), text: t.textContent, title: t.title }))`,
    );
    expect(times.length).toBeGreaterThan(3);
    const pad = (n: number): string => String(n).padStart(2, "0");
    for (const { datetime, text, title } of times) {
      const shifted = new Date(Date.parse(datetime) + (5 * 60 + 45) * 60_000);
      const local =
        `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ` +
        `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())} +05:45`;
      expect(text, datetime).toBe(local);
      expect(title, datetime).toBe(new Date(datetime).toISOString());
    }
    await context.close();
  }, 30_000);

  it("filters the alert history from the URL fragment and keeps the filter across a reload", async () => {
    const page = await browser.newPage();
    const errors = pageErrors(page);
    const alerts = new URL("alerts.html", server.url).href;
    await page.goto(alerts);
    const all = await eventRows(page);
    const critical = all.filter((row) => row.severity === "critical");
    expect(critical.length).toBeGreaterThan(0);
    const agents = [...new Set(all.map((row) => row.agent))].sort();
    expect(
      await page.evaluate(`Array.from(document.querySelectorAll("#filter-agent option"), (o) => o.value)`),
    ).toEqual(["", ...agents]);
    const agent = critical[0]!.agent;
    const wanted = (row: EventRow): boolean => row.severity === "critical" && row.agent === agent;

    // a fresh page: a fragment change alone would not run the script again
    const linked = await browser.newPage();
    const linkedErrors = pageErrors(linked);
    await linked.goto(`${alerts}#severity=critical&agent=${encodeURIComponent(agent)}`);
    expect(await linked.locator("#filters").isVisible()).toBe(true);
    expect(await linked.inputValue("#filter-severity")).toBe("critical");
    expect(await linked.inputValue("#filter-agent")).toBe(agent);
    const filtered = await eventRows(linked);
    expect(filtered.filter((row) => row.shown)).toEqual(filtered.filter(wanted));
    const shown = filtered.filter(wanted).length;
    expect(await linked.innerText("#filter-count")).toBe(`${shown} of ${all.length} events shown`);

    // a change lands in the fragment, and a reload (what the auto-refresh does) keeps it
    await linked.selectOption("#filter-severity", "");
    expect(new URL(linked.url()).hash).toBe(`#agent=${encodeURIComponent(agent)}`);
    await linked.reload();
    expect(await linked.inputValue("#filter-severity")).toBe("");
    expect(await linked.inputValue("#filter-agent")).toBe(agent);
    expect((await eventRows(linked)).filter((row) => row.shown).every((row) => row.agent === agent)).toBe(
      true,
    );
    await linked.click("#filter-reset");
    expect((await eventRows(linked)).every((row) => row.shown)).toBe(true);
    expect(new URL(linked.url()).hash).toBe("");

    // a malformed fragment is ignored, not an error
    const malformed = await browser.newPage();
    const malformedErrors = pageErrors(malformed);
    await malformed.goto(`${alerts}#severity=%E0%A4%A&agent`);
    expect((await eventRows(malformed)).every((row) => row.shown)).toBe(true);
    expect([...errors, ...linkedErrors, ...malformedErrors]).toEqual([]);
    for (const p of [page, linked, malformed]) await p.context().close();
  }, 30_000);

  it("runs only its own inline scripts: an injected script and handler are blocked by the CSP", async () => {
    const html = readFileSync(path.join(out, "index.html"), "utf8");
    const injected = html.replace(
      "</main>",
      `<script>document.title = "injected";</script>` +
        `<button id="evil" onclick="document.title = 'clicked'">x</button></main>`,
    );
    expect(injected).not.toBe(html);
    writeFileSync(path.join(out, "injected.html"), injected);
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/.test(message.text())) refused.push(message.text());
    });
    await page.goto(new URL("injected.html", server.url).href);
    await page.click("#evil");
    expect(await page.title()).toBe("hostwatch");
    expect(refused.filter((text) => /inline script|inline event handler/.test(text)).length).toBe(2);
    // the page's own scripts, allowed by hash, still ran
    expect(await page.locator("#refresh-toggle").isVisible()).toBe(true);
    expect(await page.locator("time[title]").count()).toBeGreaterThan(0);
    await page.context().close();
  }, 30_000);

  it("works from file:// too: styles, scripts and the filter, without a CSP complaint", async () => {
    const page = await browser.newPage();
    const errors = pageErrors(page);
    await page.goto(`${pathToFileURL(path.join(out, "alerts.html")).href}#severity=critical`);
    expect(await page.evaluate(`getComputedStyle(document.querySelector(".topbar")).display`)).toBe("flex");
    expect(await page.locator("#refresh-toggle").isVisible()).toBe(true);
    expect(await page.locator("time[title]").count()).toBeGreaterThan(0);
    const rows = await eventRows(page);
    expect(rows.filter((row) => row.shown).every((row) => row.severity === "critical")).toBe(true);
    expect(rows.some((row) => !row.shown)).toBe(true);
    await page.click("#refresh-toggle");
    await page.reload();
    expect(await page.innerText("#refresh-toggle")).toBe("Resume auto-refresh");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 30_000);
});

interface EventRow {
  severity: string;
  agent: string;
  shown: boolean;
}

/** The rows of alerts.html's event table, and whether each is shown. */
function eventRows(page: Page): Promise<EventRow[]> {
  return page.evaluate<EventRow[]>(
    `Array.from(document.querySelectorAll("#events tbody tr[data-ts]"), (row) => ({
      severity: row.getAttribute("data-severity"),
      agent: row.getAttribute("data-agent"),
      shown: !row.hidden,
    }))`,
  );
}

/** Uncaught errors and console errors (a CSP refusal is one) of a page, as they come. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return errors;
}
