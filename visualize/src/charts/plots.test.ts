import { describe, expect, it } from "vitest";
import type { AgentHistory, PlotKind } from "../model.js";
import type { BandPlugin } from "./band.js";
import type { LineChartConfig } from "./canvas-chart.js";
import type { PlotFrame } from "./line-chart.js";
import { overviewLineConfig, worstDiskConfig, worstDisks } from "./overview.js";
import { MAX_MOUNTS } from "./plots/disk.js";
import { PLOT_BUILDERS, plotInput } from "./plots/index.js";
import { sparklineConfig } from "./sparkline.js";
import { fakeHistory } from "../../test/support/chart-history.js";

const HOUR = 3_600_000;
const to = Date.UTC(2025, 2, 12, 12);
const from = to - 24 * HOUR;
const frame: PlotFrame = { from, to, width: 800, height: 300 };
const rule = (warning: number | undefined, critical: number | undefined, perCore = false) => ({
  warning,
  critical,
  for: 1,
  per_core: perCore,
});

const build = (history: AgentHistory, plot: PlotKind): LineChartConfig | undefined =>
  PLOT_BUILDERS[plot](plotInput(history, frame))?.config;

const datasets = (config: LineChartConfig | undefined) => config!.data.datasets;
const byLabel = (config: LineChartConfig | undefined, label: string | RegExp) =>
  datasets(config).find((d) => (typeof label === "string" ? d.label === label : label.test(d.label ?? "")));

describe("plot configs", () => {
  const history = fakeHistory({
    from,
    gapHours: [9, 11],
    rules: {
      cpu_usage: rule(80, 95),
      system_load: rule(1.5, 2, true),
      disk_usage: rule(85, undefined),
      security_issues: rule(1, undefined),
    },
    cpuCount: 8,
    sshSources: [
      { ip: "198.51.100.23", count: 97 },
      { ip: "203.0.113.7", count: 412 },
    ],
  });

  it("breaks the line where the agent was down", () => {
    const cpu = byLabel(build(history, "cpu"), "CPU %")!;
    const nulls = cpu.data.filter((p) => p.y === null);
    expect(nulls).toHaveLength(1);
    expect(nulls[0]!.x).toBeGreaterThan(from + 9 * HOUR);
    expect(nulls[0]!.x).toBeLessThan(from + 11 * HOUR);
    expect(cpu.spanGaps).toBe(false);
  });

  it("keeps about one point per pixel of the plot", () => {
    const cpu = byLabel(build(history, "cpu"), "CPU %")!;
    expect(cpu.data.length).toBeGreaterThan(500);
    expect(cpu.data.length).toBeLessThan(800);
  });

  it("draws warning and critical levels as horizontal datasets across the range", () => {
    const config = build(history, "cpu");
    expect(byLabel(config, "warning 80 %")!.data).toEqual([
      { x: from, y: 80 },
      { x: to, y: 80 },
    ]);
    expect(byLabel(config, "critical 95 %")!.data.map((p) => p.y)).toEqual([95, 95]);
    expect(byLabel(config, /warning/)!.borderDash).toEqual([6, 4]);
    expect(byLabel(build(history, "disk"), /^critical/)).toBeUndefined();
    expect(byLabel(build(history, "disk"), "warning 85 %")).toBeDefined();
  });

  it("multiplies per-core load levels by the CPU count", () => {
    const config = build(history, "load");
    expect(byLabel(config, /^warning/)!.data[0]!.y).toBe(12);
    expect(byLabel(config, /^critical/)!.data[0]!.y).toBe(16);
    expect(byLabel(config, /^warning/)!.label).toBe("warning 12 (1.5 × 8 CPUs)");
  });

  it("leaves out per-core load levels when the CPU count is unknown", () => {
    const unknown = { ...history, series: { ...history.series, cpuCount: undefined } };
    expect(byLabel(build(unknown, "load"), /warning|critical/)).toBeUndefined();
    const absolute = { ...history, rules: { system_load: rule(3, undefined) } };
    expect(byLabel(build(absolute, "load"), "warning 3")!.data[0]!.y).toBe(3);
  });

  it("draws the per-core min–max band when the agent sent per-core figures", () => {
    const config = build(history, "cpu")!;
    const band = config.plugins!.find((p) => p.id === "hostwatchBand") as BandPlugin;
    expect(band.bands).toHaveLength(1);
    const { low, high } = band.bands[0]!;
    const present = [...low.keys()].filter((i) => !Number.isNaN(low[i]!));
    expect(present.length).toBeGreaterThan(400);
    expect(present.every((i) => low[i]! <= high[i]!)).toBe(true);
    expect(byLabel(config, "per-core min–max")).toBeDefined();

    const noCores = build(fakeHistory({ from, perCore: false }), "cpu")!;
    expect(noCores.plugins).toEqual([]);
    expect(byLabel(noCores, "per-core min–max")).toBeUndefined();
  });

  it("has no temperature plot without a sensor", () => {
    expect(build(fakeHistory({ from, temperature: false }), "temperature")).toBeUndefined();
    expect(build(history, "temperature")).toBeDefined();
  });

  it("shows the fullest mounts first, at most eight", () => {
    const mounts = Array.from({ length: 12 }, (_, i) => `/m${i}`);
    const config = build(fakeHistory({ from, mounts }), "disk")!;
    expect(datasets(config)).toHaveLength(MAX_MOUNTS);
    expect(config.options!.plugins!.subtitle!.text).toBe("the 8 fullest of 12 mounts");
    const latest = datasets(config).map((d) => d.data.at(-1)!.y!);
    expect(latest).toEqual([...latest].sort((a, b) => b - a));
  });

  it("labels network ticks in binary units", () => {
    const y = build(history, "network")!.options!.scales!.y!;
    const callback = y.ticks!.callback as (value: number) => string;
    expect(callback(2 * 1024 * 1024)).toBe("2 MiB/s");
    expect(y.min).toBe(0);
  });

  it("names the top brute-force sources and puts SSH failures on their own axis", () => {
    const config = build(history, "security")!;
    expect(config.options!.plugins!.subtitle!.text).toBe(
      "SSH brute force: 203.0.113.7 (412), 198.51.100.23 (97)",
    );
    expect(byLabel(config, /SSH failed/)!.yAxisID).toBe("y1");
    expect(byLabel(config, "security issues")!.stepped).toBe(true);
    expect(byLabel(config, "warning 1")!.data[0]!.y).toBe(1);
    expect(build(fakeHistory({ from }), "security")!.options!.plugins!.subtitle!.display).toBe(false);
  });

  it("returns nothing for an agent without samples", () => {
    const empty = fakeHistory({ from, hours: 1, gapHours: [0, 1] });
    for (const plot of Object.keys(PLOT_BUILDERS) as PlotKind[]) expect(build(empty, plot)).toBeUndefined();
  });
});

describe("sparklines", () => {
  it("puts a dot on the last value and fixes percentages to 0–100", () => {
    const history = fakeHistory({ from });
    const config = sparklineConfig(history.series, "cpu", { from, to, width: 160 })!;
    const [line, dot] = config.data.datasets;
    expect(dot!.data).toEqual([line!.data.at(-1)]);
    expect(config.options!.scales!.y).toMatchObject({ min: 0, max: 100, display: false });
    expect(config.options!.plugins!.legend!.display).toBe(false);
  });

  it("uses the fullest mount per sample for disk", () => {
    const history = fakeHistory({ from, mounts: ["/", "/var"] });
    const config = sparklineConfig(history.series, "disk", { from, to, width: 160 })!;
    const last = history.series.t.length - 1;
    const fullest = Math.max(history.series.disks.get("/")![last]!, history.series.disks.get("/var")![last]!);
    expect(config.data.datasets[1]!.data[0]!.y).toBe(fullest);
  });
});

describe("overview", () => {
  const many = Array.from({ length: 20 }, (_, i) =>
    fakeHistory({ agent: `host-${i}`, from, seed: i + 1, rules: { disk_usage: rule(80, 90) } }),
  );

  it("draws every agent up to twelve", () => {
    const config = overviewLineConfig(many.slice(0, 5), "cpu", frame)!;
    expect(datasets(config).map((d) => d.label)).toHaveLength(5);
    expect(config.plugins).toEqual([]);
  });

  it("draws the top ten and a band with the median of the rest beyond twelve", () => {
    const config = overviewLineConfig(many, "memory", frame)!;
    const labels = datasets(config).map((d) => d.label);
    expect(labels).toHaveLength(12);
    expect(labels.slice(10)).toEqual(["median of other 10", "other 10 min–max"]);
    expect(config.plugins!.map((p) => p.id)).toEqual(["hostwatchBand"]);
  });

  it("sorts agents by their fullest disk and colours them by level", () => {
    const disks = worstDisks(many);
    expect(disks).toHaveLength(20);
    expect(disks.map((d) => d.usage)).toEqual(disks.map((d) => d.usage).sort((a, b) => b - a));
    for (const d of disks)
      expect(d.level).toBe(d.usage >= 90 ? "critical" : d.usage >= 80 ? "warning" : "ok");
    const config = worstDiskConfig(many)!;
    expect(config.data.labels).toEqual(disks.map((d) => d.agent));
  });
});
