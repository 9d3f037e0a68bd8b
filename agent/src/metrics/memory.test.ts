import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureHost, fixturePath } from "../../test/fixtures/hosts.js";
import { REAL_HOST } from "./family.js";
import { MemoryCollector, memoryMetrics, parseMeminfo } from "./memory.js";

const meminfo = (host: string): Map<string, number> =>
  parseMeminfo(readFileSync(fixturePath(host, "proc/meminfo"), "latin1"));

describe("parseMeminfo", () => {
  it("converts kB to bytes and keeps unit-less counts", () => {
    const values = meminfo("host-8core-sensors");
    expect(values.get("MemTotal")).toBe(32594316 * 1024);
    expect(values.get("Active(anon)")).toBe(6214420 * 1024);
    expect(values.get("HugePages_Total")).toBe(0);
    expect(values.get("Hugepagesize")).toBe(2048 * 1024);
  });
});

describe("memoryMetrics", () => {
  it("uses MemAvailable and reports swap in use", () => {
    expect(memoryMetrics(meminfo("host-8core-sensors"))).toEqual({
      total_bytes: 32594316 * 1024,
      used_bytes: (32594316 - 21345600) * 1024,
      available_bytes: 21345600 * 1024,
      usage_percent: 34.51,
      swap_total_bytes: 2097148 * 1024,
      swap_used_bytes: 524288 * 1024,
      swap_percent: 25,
      // free(1)'s buff/cache: Cached + SReclaimable, and Buffers
      cached_bytes: (16523180 + 1265300) * 1024,
      buffers_bytes: 912344 * 1024,
    });
  });

  it("reports no page cache or buffers when the kernel lists none", () => {
    const bare = new Map([
      ["MemTotal", 1024 * 1024],
      ["MemAvailable", 512 * 1024],
    ]);
    expect(memoryMetrics(bare)).toMatchObject({ cached_bytes: 0, buffers_bytes: 0 });
  });

  it("estimates available memory on kernels without MemAvailable", () => {
    const available = (412908 + 301244 + 4102332 + 366208) * 1024;
    expect(memoryMetrics(meminfo("host-amd-k10temp"))).toMatchObject({
      total_bytes: 8054232 * 1024,
      available_bytes: available,
      used_bytes: 8054232 * 1024 - available,
      usage_percent: 35.65,
    });
  });

  it("reports swap_percent 0 without swap", () => {
    expect(memoryMetrics(meminfo("host-2core"))).toMatchObject({
      total_bytes: 24684096 * 1024,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
      swap_percent: 0,
    });
  });

  it("fails without MemTotal", () => {
    expect(() => memoryMetrics(parseMeminfo("MemFree: 10 kB\n"))).toThrow(/MemTotal/);
  });
});

describe("MemoryCollector", () => {
  it("reads a fixture host", async () => {
    const { memory } = await new MemoryCollector(fixtureHost("host-2core")).collect();
    expect(memory?.available_bytes).toBe(24077124 * 1024);
  });

  it("reads this machine", async () => {
    const memTotalKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "latin1"))?.[1]);
    const { memory } = await new MemoryCollector(REAL_HOST).collect();
    expect(memory?.total_bytes).toBe(memTotalKb * 1024);
    expect(memory?.used_bytes).toBeGreaterThan(0);
    expect(memory?.usage_percent).toBeLessThanOrEqual(100);
  });
});
