import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSample } from "../../collector/test/support/mysql-server.js";
import { fileStoreIn, writeSyntheticSetup } from "../src/demo/synthetic-file-store.js";
import { SyntheticHistory } from "../src/demo/synthetic-history.js";
import { brokenReferences, htmlPages, pixelStats, pngSize, runVisualize } from "./run-visualize.js";

const HOUR = 3_600_000;
const to = Date.UTC(2026, 10, 20, 12, 0, 0);
const from = to - 6 * HOUR;
const until = new Date(to).toISOString();
let work: string;
let dataDir: string;
let configFile: string;
let history: SyntheticHistory;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "hostwatch-visualize-"));
  history = new SyntheticHistory({ agents: 5, from, to, intervalMs: 60_000 });
  ({ configFile, dataDir } = await writeSyntheticSetup(history, work, {
    agents: [...history.names, "never-seen"].map((name) => ({ name, host: "127.0.0.1" })),
    thresholds: { cpu_usage: { warning: 80, critical: 95 }, disk_usage: 90 },
  }));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The CLI over the test's config and its 6-hour range, into `out`. */
const visualizeRange = (out: string, extra: string[] = []) =>
  runVisualize(["--config", configFile, "--output-dir", out, "--hours", "6", "--until", until, ...extra]);

describe("hostwatch-visualize over the file store", () => {
  let out: string;

  it("writes a dashboard whose pages reference only files that exist", async () => {
    out = path.join(work, "out");
    const run = await visualizeRange(out);
    expect(run.stderr).toMatch(/wrote .*index\.html: 6 agents \(6 drawn\)/);
    expect(run.code).toBe(0);
    const pages = htmlPages(out).sort();
    expect(pages).toEqual(
      expect.arrayContaining(["alerts.html", "index.html", "agents/web-01.html", "agents/never-seen.html"]),
    );
    expect(brokenReferences(out)).toEqual([]);
    // a row per sample of the range, in the agent's CSV (written on a worker) and in data.csv
    const rows = (file: string) => readFileSync(path.join(out, file), "utf8").split("\r\n").slice(1, -1);
    const stored = [...history.sampleBatches()]
      .flat()
      .filter((s) => s.agent === "web-01" && Date.parse(s.ts) >= from && Date.parse(s.ts) < to);
    expect(stored.length).toBeGreaterThan(300);
    const agentRows = rows("charts/web-01/data.csv");
    expect(agentRows.map((row) => row.split(",")[1])).toEqual(stored.map((s) => s.ts));
    expect(rows("data.csv").filter((row) => row.startsWith("web-01,"))).toEqual(agentRows);
  });

  it("draws PNG charts of the expected size that are not blank", async () => {
    const charts = path.join(out, "charts/web-01");
    const files = readdirSync(charts).filter((f) => f.endsWith(".png"));
    expect(files).toEqual(expect.arrayContaining(["cpu.png", "memory.png", "disk.png", "temperature.png"]));
    const cpu = readFileSync(path.join(charts, "cpu.png"));
    expect(pngSize(cpu)).toEqual({ width: 1600, height: 600 });
    const stats = await pixelStats(cpu);
    expect(stats.inked).toBeGreaterThan(0.02);
    expect(stats.colours).toBeGreaterThan(20);
  });

  it("shows a note instead of a temperature chart for an agent without a sensor", () => {
    // every fourth synthetic agent has no sensor: web-04
    expect(
      statSync(path.join(out, "charts/web-04/temperature.png"), { throwIfNoEntry: false }),
    ).toBeUndefined();
    expect(readFileSync(path.join(out, "agents/web-04.html"), "utf8")).toMatch(/no temperature sensor/i);
  });

  it("lists the down agent first on the index and the alerts newest first", () => {
    const index = readFileSync(path.join(out, "index.html"), "utf8");
    expect(index.indexOf("web-05")).toBeLessThan(index.indexOf("web-03"));
    const alerts = readFileSync(path.join(out, "alerts.html"), "utf8");
    expect(alerts.indexOf("agent_down")).toBeLessThan(alerts.indexOf("cpu_usage"));
  });

  it("redraws only the agents with new samples on the next run", async () => {
    const again = await visualizeRange(out);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/6 agents \(0 drawn\)/);
    const before = statSync(path.join(out, "charts/web-01/cpu.png")).mtimeMs;
    const ts = new Date(to - 30_000).toISOString();
    const store = fileStoreIn(dataDir);
    await store.open();
    await store.writeSamples([makeSample("web-02", ts, 7)]);
    await store.close();
    const third = await visualizeRange(out);
    expect(third.stderr).toMatch(/6 agents \(1 drawn\)/);
    expect(statSync(path.join(out, "charts/web-01/cpu.png")).mtimeMs).toBe(before);
    expect(brokenReferences(out)).toEqual([]);
  });

  it("draws only the asked plots for one agent", async () => {
    const one = path.join(work, "one");
    const run = await visualizeRange(one, [
      "--agent",
      "web-01",
      "--plot",
      "cpu,memory",
      "--pixel-ratio",
      "1",
    ]);
    expect(run.code).toBe(0);
    expect(
      readdirSync(path.join(one, "charts/web-01")).filter((f) => /^(cpu|memory|disk|load)\.png$/.test(f)),
    ).toEqual(["cpu.png", "memory.png"]);
    expect(pngSize(readFileSync(path.join(one, "charts/web-01/cpu.png")))).toEqual({
      width: 800,
      height: 300,
    });
    expect(htmlPages(one).filter((p) => p.startsWith("agents/"))).toEqual(["agents/web-01.html"]);
  });
});

describe("hostwatch-visualize command line", () => {
  it("prints its usage with --help", async () => {
    const run = await runVisualize(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--output-dir/);
    expect(run.stdout).toMatch(/--plot/);
  });

  it.each([
    [["--hours", "-3"], /--hours/],
    [["--plot", "cpu,gpu"], /unknown plot "gpu"/],
    [["--until", "yesterday"], /--until/],
  ])("refuses %j with a message naming the option", async (args, message) => {
    const run = await runVisualize(["--output-dir", path.join(work, "bad"), ...args]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });

  it("exits 2 naming the config file when --config points nowhere", async () => {
    const run = await runVisualize([
      "--config",
      path.join(work, "missing.json"),
      "--output-dir",
      path.join(work, "x"),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing\.json/);
  });

  it("exits 1 when the asked agent is unknown", async () => {
    const run = await runVisualize([
      "--config",
      configFile,
      "--output-dir",
      path.join(work, "nobody"),
      "--agent",
      "nobody",
      "--until",
      until,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no agent named "nobody"/);
  });
});
