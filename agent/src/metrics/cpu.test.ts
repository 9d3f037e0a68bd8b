import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureHost, fixturePath, tempHost } from "../../test/fixtures/hosts.js";
import type { TempHost } from "../../test/fixtures/hosts.js";
import { CpuCollector, cpuMetrics, cpuPercentages, parseProcStatCpu } from "./cpu.js";
import { REAL_HOST } from "./family.js";

const stat8 = parseProcStatCpu(readFileSync(fixturePath("host-8core-sensors/proc/stat"), "latin1"));
const stat8later = parseProcStatCpu(
  readFileSync(fixturePath("host-8core-sensors-later/proc/stat"), "latin1"),
);

describe("parseProcStatCpu", () => {
  it("reads the aggregate line and every cpuN line", () => {
    expect(stat8.total).toEqual({
      user: 1669476,
      nice: 11675,
      system: 605387,
      idle: 39584237,
      iowait: 31588,
      irq: 0,
      softirq: 11300,
      steal: 0,
    });
    expect([...stat8.cores.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(stat8.cores.get(7)?.user).toBe(256223);
  });

  it("reads this machine's copy (2 cores, steal in use)", () => {
    const stat = parseProcStatCpu(readFileSync(fixturePath("host-2core/proc/stat"), "latin1"));
    expect(stat.cores.size).toBe(2);
    expect(stat.total.steal).toBe(178);
  });

  it("accepts old kernels' shorter lines and rejects text without a cpu line", () => {
    const old = parseProcStatCpu("cpu  10 0 5 85\ncpu0 10 0 5 85\n");
    expect(old.total).toMatchObject({ user: 10, idle: 85, iowait: 0, steal: 0 });
    expect(() => parseProcStatCpu("intr 1 2 3\n")).toThrow(/cpu line/);
  });
});

describe("cpuPercentages", () => {
  it("computes shares of the interval between two readings", () => {
    // The later fixture adds 8000 jiffies: 1400 user+nice, 580 system+irq+softirq, 5880 idle, 120 iowait, 20 steal.
    expect(cpuPercentages(stat8.total, stat8later.total)).toEqual({
      usage: 25,
      user: 17.5,
      system: 7.25,
      iowait: 1.5,
      steal: 0.25,
    });
  });

  it("reports the since-boot average without a previous reading", () => {
    expect(cpuPercentages(undefined, stat8.total)).toEqual({
      usage: 5.48,
      user: 4.01,
      system: 1.47,
      iowait: 0.08,
      steal: 0,
    });
  });

  it("treats counters that went backwards as a reset", () => {
    expect(cpuPercentages(stat8later.total, stat8.total)).toEqual(cpuPercentages(undefined, stat8.total));
  });

  it("counts a single field that dipped (iowait) as 0 instead of going negative", () => {
    const before = { user: 100, nice: 0, system: 0, idle: 100, iowait: 50, irq: 0, softirq: 0, steal: 0 };
    const after = { ...before, user: 150, idle: 150, iowait: 40 };
    expect(cpuPercentages(before, after)).toMatchObject({ usage: 50, iowait: 0 });
  });

  it("reports 0 when no time passed", () => {
    expect(cpuPercentages(stat8.total, stat8.total).usage).toBe(0);
  });
});

describe("cpuMetrics", () => {
  it("gives per-core usage and the count of cpuN lines", () => {
    const metrics = cpuMetrics(stat8, stat8later);
    expect(metrics.per_core_percent).toEqual([60, 20, 20, 20, 20, 20, 20, 20]);
    expect(metrics.count).toBe(8);
    expect(metrics.usage_percent).toBe(25);
  });
});

describe("CpuCollector", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  it("reports since boot first, then deltas between collects, with load averages", async () => {
    host = tempHost("host-8core-sensors");
    const collector = new CpuCollector(host.paths);
    const first = await collector.collect();
    expect(first.cpu?.usage_percent).toBe(5.48);
    expect(first.cpu?.per_core_percent[7]).toBe(6.53);
    expect(first.load).toEqual({ load_1: 1.37, load_5: 0.98, load_15: 0.71 });
    host.overlay("host-8core-sensors-later", "proc/stat");
    const second = await collector.collect();
    expect(second.cpu).toEqual({
      usage_percent: 25,
      user_percent: 17.5,
      system_percent: 7.25,
      iowait_percent: 1.5,
      steal_percent: 0.25,
      per_core_percent: [60, 20, 20, 20, 20, 20, 20, 20],
      count: 8,
    });
  });

  it("fails with the missing file's name", async () => {
    host = tempHost();
    await expect(new CpuCollector(host.paths).collect()).rejects.toThrow(
      /required file missing: .*\/proc\/stat/,
    );
  });

  it("reads the 2-core fixture", async () => {
    const result = await new CpuCollector(fixtureHost("host-2core")).collect();
    expect(result.cpu).toMatchObject({ count: 2, usage_percent: 15, steal_percent: 0.26 });
  });

  it("reads this machine", async () => {
    const collector = new CpuCollector(REAL_HOST);
    await collector.collect();
    const { cpu, load } = await collector.collect();
    expect(cpu?.count).toBe(cpus().length);
    expect(cpu?.per_core_percent).toHaveLength(cpus().length);
    expect(cpu?.usage_percent).toBeGreaterThanOrEqual(0);
    expect(cpu?.usage_percent).toBeLessThanOrEqual(100);
    expect(load?.load_1).toBeGreaterThanOrEqual(0);
  });
});
