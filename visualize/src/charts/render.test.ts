import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GlobalFonts } from "@napi-rs/canvas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLOTS } from "../model.js";
import { renderChartPng } from "./canvas-chart.js";
import { PLOT_BUILDERS, plotInput } from "./plots/index.js";
import { renderAgentCharts } from "./render-agent.js";
import { renderOverviewCharts } from "./render-overview.js";
import { fakeHistory } from "../../test/support/chart-history.js";
import { inkStats, pngPixels, pngSize } from "../../test/support/png.js";

const HOUR = 3_600_000;
const to = Date.UTC(2025, 2, 12, 12);
const from = to - 24 * HOUR;
const rules = { cpu_usage: { warning: 80, critical: 95, for: 1, per_core: false } };

let outputDir: string;
beforeAll(async () => {
  outputDir = await mkdtemp(path.join(tmpdir(), "hostwatch-charts-"));
});
afterAll(async () => {
  await rm(outputDir, { recursive: true, force: true });
});

describe("renderAgentCharts", () => {
  it("writes every plot and sparkline as a PNG of the asked size", async () => {
    const history = fakeHistory({
      agent: "web-01",
      from,
      gapHours: [9, 11],
      rules,
      sshSources: [{ ip: "203.0.113.7", count: 4 }],
    });
    const charts = await renderAgentCharts(history, {
      from,
      to,
      plots: [...PLOTS],
      outputDir,
      chartDir: "charts/web-01",
      pixelRatio: 2,
    });
    expect(charts.agent).toBe("web-01");
    expect(charts.notes).toEqual([]);
    expect(charts.charts.map((c) => c.plot)).toEqual([...PLOTS]);
    expect(charts.charts[0]).toEqual({
      plot: "cpu",
      title: "CPU usage",
      file: "charts/web-01/cpu.png",
      width: 800,
      height: 300,
    });
    expect(Object.keys(charts.sparklines).sort()).toEqual(["cpu", "disk", "load", "memory"]);
    expect(charts.sparklines.disk).toMatchObject({
      file: "charts/web-01/spark-disk.png",
      width: 160,
      height: 40,
    });

    for (const chart of [...charts.charts, ...Object.values(charts.sparklines)]) {
      const png = await readFile(path.join(outputDir, chart.file));
      expect(pngSize(png)).toEqual({ width: chart.width * 2, height: chart.height * 2 });
      const { ink, variance } = inkStats(await pngPixels(png));
      expect(ink, chart.file).toBeGreaterThan(0.01);
      expect(variance, chart.file).toBeGreaterThan(50);
    }
    // written atomically: no temp files left
    expect((await readdir(path.join(outputDir, "charts/web-01"))).every((f) => f.endsWith(".png"))).toBe(
      true,
    );
  });

  it("writes a note instead of a temperature chart when there is no sensor", async () => {
    const history = fakeHistory({ agent: "db-01", from, temperature: false });
    const charts = await renderAgentCharts(history, {
      from,
      to,
      plots: ["cpu", "temperature"],
      outputDir,
      chartDir: "charts/db-01",
      pixelRatio: 1,
      width: 400,
      height: 200,
    });
    expect(charts.charts.map((c) => c.plot)).toEqual(["cpu"]);
    expect(charts.notes).toEqual([{ plot: "temperature", text: "No temperature sensor on this host" }]);
    const files = await readdir(path.join(outputDir, "charts/db-01"));
    expect(files).toContain("cpu.png");
    expect(files).not.toContain("temperature.png");
    expect(pngSize(await readFile(path.join(outputDir, "charts/db-01/cpu.png")))).toEqual({
      width: 400,
      height: 200,
    });
  });

  it("notes every plot of an agent without samples in the range", async () => {
    const history = fakeHistory({ agent: "gone", from, hours: 1, gapHours: [0, 1] });
    const charts = await renderAgentCharts(history, {
      from,
      to,
      plots: ["cpu", "disk"],
      outputDir,
      chartDir: "charts/gone",
    });
    expect(charts.charts).toEqual([]);
    expect(charts.sparklines).toEqual({});
    expect(charts.notes.map((n) => n.text)).toEqual(["No samples in this range", "No samples in this range"]);
  });
});

describe("renderOverviewCharts", () => {
  it("writes CPU, memory and fullest-disk charts across agents", async () => {
    const histories = Array.from({ length: 15 }, (_, i) =>
      fakeHistory({ agent: `host-${i}`, from, seed: i + 1 }),
    );
    const charts = await renderOverviewCharts(histories, {
      from,
      to,
      outputDir,
      chartDir: "charts/overview",
      pixelRatio: 1,
    });
    expect(charts.map((c) => c.file)).toEqual([
      "charts/overview/cpu.png",
      "charts/overview/memory.png",
      "charts/overview/disk.png",
    ]);
    for (const chart of charts) {
      const png = await readFile(path.join(outputDir, chart.file));
      expect(pngSize(png)).toEqual({ width: chart.width, height: chart.height });
      expect(inkStats(await pngPixels(png)).ink).toBeGreaterThan(0.01);
    }
  });
});

describe("text", () => {
  it("renders the title (fonts are found)", async () => {
    // without a system font Skia draws no text at all; .ci/run installs fonts-dejavu-core
    expect(GlobalFonts.families.length, "no system font: apt-get install fonts-dejavu-core").toBeGreaterThan(
      0,
    );
    const history = fakeHistory({ from });
    const spec = PLOT_BUILDERS.memory(plotInput(history, { from, to, width: 800, height: 300 }))!;
    spec.config.data.datasets = [];
    const png = await renderChartPng(spec.config, { width: 800, height: 300, pixelRatio: 1 });
    // the title sits alone in the top-left corner
    expect(inkStats(await pngPixels(png, { x: 0, y: 0, width: 250, height: 30 })).ink).toBeGreaterThan(0.02);
  });
});
