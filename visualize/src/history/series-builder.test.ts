import { describe, expect, it } from "vitest";
import type { DiskMetrics, MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import { figuresOf } from "../../../collector/src/storage/figures.js";
import { makeSnapshot } from "../../../common/src/contract/example-snapshot.js";
import type { PollSample } from "../../../collector/src/storage/records.js";
import { SeriesBuilder } from "./series-builder.js";

const T0 = Date.parse("2026-11-22T00:00:00.000Z");
const ts = (i: number): string => new Date(T0 + i * 10_000).toISOString();
const sample = (i: number, patch: Partial<MetricsSnapshot> = {}): PollSample => ({
  agent: "web-01",
  ts: ts(i),
  duration_ms: 5,
  snapshot: { ...makeSnapshot("web-01", ts(i), i), ...patch },
});
const disk = (mount: string, usage_percent: number): DiskMetrics => ({
  mount,
  device: "/dev/sda1",
  fstype: "ext4",
  total_bytes: 1e12,
  used_bytes: 1e10 * usage_percent,
  usage_percent,
  inodes_percent: null,
});
const build = (samples: PollSample[], initialCapacity?: number) => {
  const builder = new SeriesBuilder("web-01", initialCapacity);
  for (const s of samples) builder.add(s);
  return builder.build();
};

describe("SeriesBuilder", () => {
  it("puts each sample's figures in the columns, at its time", () => {
    const s = sample(0);
    const series = build([s]);
    const snapshot = s.snapshot;
    expect([...series.t]).toEqual([T0]);
    expect(series.cpu[0]).toBe(snapshot.cpu?.usage_percent);
    expect(series.temperature[0]).toBe(snapshot.temperature?.cpu_celsius);
    expect([series.load1[0], series.load5[0], series.load15[0]]).toEqual([
      snapshot.load?.load_1,
      snapshot.load?.load_5,
      snapshot.load?.load_15,
    ]);
    expect([series.memory[0], series.swap[0]]).toEqual([
      snapshot.memory?.usage_percent,
      snapshot.memory?.swap_percent,
    ]);
    expect([series.rxBytesPerS[0], series.txBytesPerS[0]]).toEqual([
      snapshot.network?.rx_bytes_per_s,
      snapshot.network?.tx_bytes_per_s,
    ]);
    expect([series.securityIssues[0], series.sshFailed[0]]).toEqual([1, 14]);
    expect(series.cpuCount).toBe(8);
    expect(series.latest).toBe(snapshot);
  });

  it("leaves NaN where a sample lacks a family, has no temperature sensor or no security data", () => {
    const {
      cpu: _cpu,
      memory: _memory,
      network: _network,
      ...withoutFamilies
    } = makeSnapshot("web-01", ts(1));
    const series = build([
      sample(0),
      { ...sample(1), snapshot: withoutFamilies },
      sample(2, { temperature: { cpu_celsius: null, max_celsius: null, sensors: [] } }),
      sample(3, { security: { ...makeSnapshot("web-01", ts(3)).security!, status: "unavailable" } }),
    ]);
    expect(series.t).toHaveLength(4);
    for (const column of [series.cpu, series.cpuCoreMin, series.cpuCoreMax, series.memory, series.swap]) {
      expect(Number.isNaN(column[1])).toBe(true);
      expect(Number.isNaN(column[0])).toBe(false);
    }
    expect(Number.isNaN(series.rxBytesPerS[1])).toBe(true);
    expect(Number.isNaN(series.temperature[2])).toBe(true);
    expect(Number.isNaN(series.securityIssues[3])).toBe(true);
    expect(series.sshFailed[3]).toBe(14);
  });

  it("keeps a column per mount in order of appearance, NaN before a mount appeared and while it was gone", () => {
    const series = build([
      sample(0, { disks: [disk("/", 10)] }),
      sample(1, { disks: [disk("/", 11)] }),
      sample(2, { disks: [disk("/", 12), disk("/data", 50)] }),
      sample(3, { disks: [disk("/data", 51)] }),
      sample(4, { disks: [disk("/data", 52), disk("/", 14)] }),
    ]);
    expect([...series.disks.keys()]).toEqual(["/", "/data"]);
    expect([...series.disks.get("/")!]).toEqual([10, 11, 12, NaN, 14]);
    expect([...series.disks.get("/data")!]).toEqual([NaN, NaN, 50, 51, 52]);
  });

  it("ignores a sample with the time of the previous one (or older)", () => {
    const builder = new SeriesBuilder("web-01");
    expect(builder.add(sample(0))).toBe(true);
    expect(builder.add(sample(1))).toBe(true);
    expect(builder.add(sample(1, { cpu: undefined }))).toBe(false);
    expect(builder.add(sample(0))).toBe(false);
    const series = builder.build();
    expect([...series.t]).toEqual([T0, T0 + 10_000]);
    expect(series.cpu[1]).toBe(sample(1).snapshot.cpu?.usage_percent);
    expect(series.latest).toEqual(sample(1).snapshot);
  });

  it("gives the lowest and highest per-core usage, NaN without per-core figures", () => {
    const cpu = makeSnapshot("web-01", ts(0)).cpu!;
    const series = build([
      sample(0, { cpu: { ...cpu, per_core_percent: [35, 5.5, 90, 12] } }),
      sample(1, { cpu: { ...cpu, per_core_percent: [] } }),
      sample(2, { cpu: { ...cpu, per_core_percent: [42] } }),
    ]);
    expect([...series.cpuCoreMin]).toEqual([5.5, NaN, 42]);
    expect([...series.cpuCoreMax]).toEqual([90, NaN, 42]);
  });

  it("grows past its first capacity and trims every column to the number of samples", () => {
    const samples = Array.from({ length: 37 }, (_, i) =>
      sample(i, i === 20 ? { disks: [disk("/late", i)] } : {}),
    );
    const series = build(samples, 2);
    const { agent: _agent, disks, latest, cpuCount, ...columns } = series;
    for (const column of [...Object.values(columns), ...disks.values()]) expect(column).toHaveLength(37);
    expect(series.t[36]).toBe(T0 + 360_000);
    expect(series.cpu[36]).toBe(samples[36]?.snapshot.cpu?.usage_percent);
    expect(disks.get("/late")?.[20]).toBe(20);
    expect(Number.isNaN(disks.get("/")?.[20])).toBe(true);
    expect(latest).toBe(samples[36]?.snapshot);
    expect(cpuCount).toBe(8);
  });

  it("takes the CPU count from the newest sample that had one", () => {
    const { cpu: _cpu, ...withoutCpu } = makeSnapshot("web-01", ts(1));
    const series = build([sample(0), { ...sample(1), snapshot: withoutCpu }]);
    expect(series.cpuCount).toBe(8);
    expect(build([{ ...sample(1), snapshot: withoutCpu }]).cpuCount).toBeUndefined();
  });

  it("builds the same series from a reader's figures, the newest one's sample as latest", () => {
    const samples = [
      sample(0, { disks: [disk("/", 10)] }),
      sample(1, { temperature: { cpu_celsius: null, max_celsius: null, sensors: [] } }),
      sample(2),
    ];
    const fromFigures = new SeriesBuilder("web-01");
    for (const s of samples) fromFigures.addFigures(figuresOf(s));
    expect(fromFigures.build()).toEqual(build(samples));
  });
});
