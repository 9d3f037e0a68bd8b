import { describe, expect, it } from "vitest";
import type { DiskMetrics, MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import { makeSnapshot } from "../../../common/src/contract/example-snapshot.js";
import { SERIES_COLUMNS } from "../../../collector/src/storage/index.js";
import type { PollSample } from "../../../collector/src/storage/records.js";
import { seriesBatch, seriesBatches } from "../../test/support/memory-reader.js";
import { valuesOf, type AgentSeries } from "../model.js";
import { SeriesBuilder, SeriesBuilders } from "./series-builder.js";

const T0 = Date.parse("2026-11-22T00:00:00.000Z");
const ts = (i: number): string => new Date(T0 + i * 10_000).toISOString();
const sample = (i: number, patch: Partial<MetricsSnapshot> = {}, agent = "web-01"): PollSample => ({
  agent,
  ts: ts(i),
  duration_ms: 5,
  snapshot: { ...makeSnapshot(agent, ts(i), i), ...patch },
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
/** The samples' series, fed to one builder in batches of `batchSize` samples (all at once by default). */
const build = (
  samples: PollSample[],
  { initialCapacity = undefined as number | undefined, batchSize = 0 } = {},
) => {
  const builder = new SeriesBuilder("web-01", initialCapacity);
  for (const batch of seriesBatches(samples, { batchSize: batchSize || samples.length })) builder.add(batch);
  return builder.build();
};
const column = (series: AgentSeries, name: string): number[] => [...valuesOf(series, name)];

describe("SeriesBuilder", () => {
  it("puts each sample's series values in their catalog columns, at its time", () => {
    const s = sample(0);
    const series = build([s]);
    const snapshot = s.snapshot;
    expect([...series.t]).toEqual([T0]);
    expect(Object.keys(series.values).sort()).toEqual(SERIES_COLUMNS.map((c) => c.name).sort());
    for (const values of Object.values(series.values)) expect(values).toHaveLength(1);
    expect(column(series, "cpu_usage_percent")).toEqual([snapshot.cpu?.usage_percent]);
    expect(column(series, "cpu_temperature_celsius")).toEqual([snapshot.temperature?.cpu_celsius]);
    expect(["load_1", "load_5", "load_15"].map((name) => valuesOf(series, name)[0])).toEqual([
      snapshot.load?.load_1,
      snapshot.load?.load_5,
      snapshot.load?.load_15,
    ]);
    expect([valuesOf(series, "memory_usage_percent")[0], valuesOf(series, "swap_percent")[0]]).toEqual([
      snapshot.memory?.usage_percent,
      snapshot.memory?.swap_percent,
    ]);
    expect(column(series, "memory_total_bytes")).toEqual([snapshot.memory?.total_bytes]);
    expect([valuesOf(series, "net_rx_bytes_per_s")[0], valuesOf(series, "net_tx_bytes_per_s")[0]]).toEqual([
      snapshot.network?.rx_bytes_per_s,
      snapshot.network?.tx_bytes_per_s,
    ]);
    expect([valuesOf(series, "security_issue_count")[0], valuesOf(series, "ssh_failed_total")[0]]).toEqual([
      1, 14,
    ]);
    expect(column(series, "cpu_count")).toEqual([8]);
    expect(column(series, "worst_disk_usage_percent")).toEqual([
      Math.max(...snapshot.disks!.map((d) => d.usage_percent!)),
    ]);
    expect([...series.disks.keys()]).toEqual(["/", "/boot/efi", "/srv/backup data"]);
    expect(series.cpuCount).toBe(8);
    // the whole snapshot is not in a series batch: loadHistory fills it (reader.samplesAt)
    expect(series.latest).toBeUndefined();
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
    for (const name of [
      "cpu_usage_percent",
      "cpu_core_min_percent",
      "cpu_core_max_percent",
      "cpu_count",
      "memory_usage_percent",
      "swap_percent",
    ]) {
      expect(Number.isNaN(valuesOf(series, name)[1]), name).toBe(true);
      expect(Number.isNaN(valuesOf(series, name)[0]), name).toBe(false);
    }
    expect(Number.isNaN(valuesOf(series, "net_rx_bytes_per_s")[1])).toBe(true);
    expect(Number.isNaN(valuesOf(series, "cpu_temperature_celsius")[2])).toBe(true);
    expect(Number.isNaN(valuesOf(series, "security_issue_count")[3])).toBe(true);
    expect(valuesOf(series, "ssh_failed_total")[3]).toBe(14);
  });

  it("leaves NaN in the columns a batch does not carry", () => {
    const builder = new SeriesBuilder("web-01");
    expect(builder.add(seriesBatch([sample(0)], ["cpu_usage_percent"]))).toBe(1);
    expect(builder.add(seriesBatch([sample(1)]))).toBe(1);
    const series = builder.build();
    expect(column(series, "cpu_usage_percent")).toEqual([
      sample(0).snapshot.cpu?.usage_percent,
      sample(1).snapshot.cpu?.usage_percent,
    ]);
    expect(Number.isNaN(valuesOf(series, "memory_usage_percent")[0])).toBe(true);
    expect(valuesOf(series, "memory_usage_percent")[1]).toBe(sample(1).snapshot.memory?.usage_percent);
  });

  it.each([1, 2, 5])(
    "keeps a column per mount in order of appearance, NaN before a mount appeared and while it was gone (batches of %i)",
    (batchSize) => {
      const series = build(
        [
          sample(0, { disks: [disk("/", 10)] }),
          sample(1, { disks: [disk("/", 11)] }),
          sample(2, { disks: [disk("/", 12), disk("/data", 50)] }),
          sample(3, { disks: [disk("/data", 51)] }),
          sample(4, { disks: [disk("/data", 52), disk("/", 14)] }),
        ],
        { batchSize },
      );
      expect([...series.disks.keys()]).toEqual(["/", "/data"]);
      expect([...series.disks.get("/")!]).toEqual([10, 11, 12, NaN, 14]);
      expect([...series.disks.get("/data")!]).toEqual([NaN, NaN, 50, 51, 52]);
      expect(column(series, "worst_disk_usage_percent")).toEqual([10, 11, 50, 51, 52]);
    },
  );

  it("ignores samples with the time of the newest one so far (or older), and gives how many it kept", () => {
    const builder = new SeriesBuilder("web-01");
    expect(builder.size).toBe(0);
    expect(builder.lastTime).toBeUndefined();
    expect(builder.add(seriesBatch([sample(0)]))).toBe(1);
    expect(builder.add(seriesBatch([sample(1)]))).toBe(1);
    expect(builder.add(seriesBatch([sample(1, { cpu: undefined })]))).toBe(0);
    expect(builder.add(seriesBatch([sample(0)]))).toBe(0);
    // a batch that overlaps the samples so far: only its newer samples are kept
    expect(builder.add(seriesBatch([sample(0), sample(1, { cpu: undefined }), sample(2)]))).toBe(1);
    expect(builder.size).toBe(3);
    expect(builder.lastTime).toBe(T0 + 20_000);
    const series = builder.build();
    expect([...series.t]).toEqual([T0, T0 + 10_000, T0 + 20_000]);
    expect(column(series, "cpu_usage_percent")).toEqual(
      [0, 1, 2].map((i) => sample(i).snapshot.cpu?.usage_percent),
    );
  });

  it("gives the lowest and highest per-core usage, NaN without per-core figures", () => {
    const cpu = makeSnapshot("web-01", ts(0)).cpu!;
    const series = build([
      sample(0, { cpu: { ...cpu, per_core_percent: [35, 5.5, 90, 12] } }),
      sample(1, { cpu: { ...cpu, per_core_percent: [] } }),
      sample(2, { cpu: { ...cpu, per_core_percent: [42] } }),
    ]);
    expect(column(series, "cpu_core_min_percent")).toEqual([5.5, NaN, 42]);
    expect(column(series, "cpu_core_max_percent")).toEqual([90, NaN, 42]);
  });

  it.each([1, 5, 37])(
    "grows past its first capacity and trims every column to the number of samples (batches of %i)",
    (batchSize) => {
      const samples = Array.from({ length: 37 }, (_, i) =>
        sample(i, i === 20 ? { disks: [disk("/late", i)] } : {}),
      );
      const series = build(samples, { initialCapacity: 2, batchSize });
      const { t, values, disks, latest, cpuCount } = series;
      for (const values_ of [t, ...Object.values(values), ...disks.values()])
        expect(values_).toHaveLength(37);
      expect(t[36]).toBe(T0 + 360_000);
      expect(valuesOf(series, "cpu_usage_percent")[36]).toBe(samples[36]?.snapshot.cpu?.usage_percent);
      expect(disks.get("/late")?.[20]).toBe(20);
      expect(Number.isNaN(disks.get("/late")?.[19])).toBe(true);
      expect(Number.isNaN(disks.get("/late")?.[21])).toBe(true);
      expect(Number.isNaN(disks.get("/")?.[20])).toBe(true);
      expect(latest).toBeUndefined();
      expect(cpuCount).toBe(8);
      expect(series).toEqual(build(samples));
    },
  );

  it("takes the CPU count from the newest sample that had one", () => {
    const { cpu: _cpu, ...withoutCpu } = makeSnapshot("web-01", ts(1));
    const fourCpus = (i: number) => sample(i, { cpu: { ...makeSnapshot("web-01", ts(i)).cpu!, count: 4 } });
    const series = build([fourCpus(0), sample(1), { ...sample(2), snapshot: withoutCpu }]);
    expect(series.cpuCount).toBe(8);
    expect(build([sample(0), fourCpus(1)]).cpuCount).toBe(4);
    expect(build([{ ...sample(1), snapshot: withoutCpu }]).cpuCount).toBeUndefined();
  });

  it("builds the same series however the samples are cut into batches, and can go on after a build", () => {
    const samples = [
      sample(0, { disks: [disk("/", 10)] }),
      sample(1, { temperature: { cpu_celsius: null, max_celsius: null, sensors: [] } }),
      sample(2),
      sample(3, { disks: [] }),
      sample(4),
    ];
    const whole = build(samples);
    for (const batchSize of [1, 2, 3, 4])
      expect(build(samples, { batchSize }), `${batchSize}`).toEqual(whole);
    const builder = new SeriesBuilder("web-01");
    builder.add(seriesBatch(samples.slice(0, 2)));
    expect(builder.build().t).toHaveLength(2);
    builder.add(seriesBatch(samples.slice(2)));
    expect(builder.build()).toEqual(whole);
  });

  it("builds an empty series with every column", () => {
    const series = new SeriesBuilder("spare-01", 0).build();
    expect(series.agent).toBe("spare-01");
    expect(series.t).toHaveLength(0);
    expect(Object.keys(series.values).sort()).toEqual(SERIES_COLUMNS.map((c) => c.name).sort());
    expect(series.disks.size).toBe(0);
    expect(series.cpuCount).toBeUndefined();
  });
});

describe("SeriesBuilders", () => {
  it("builds a series per agent of the batches, each as its own builder would", () => {
    const samples = [0, 1, 2, 3].flatMap((i) => [sample(i), sample(i, {}, "db-01")]);
    const builders = new SeriesBuilders(4);
    let kept = 0;
    for (const batch of seriesBatches(samples, { batchSize: 3 })) kept += builders.add(batch);
    // a replayed batch adds nothing
    for (const batch of seriesBatches(samples.slice(0, 4))) kept += builders.add(batch);
    expect(kept).toBe(8);
    const built = builders.build();
    expect([...built.keys()]).toEqual(["web-01", "db-01"]);
    expect(built.get("web-01")).toEqual(build(samples.filter((s) => s.agent === "web-01")));
    const db = new SeriesBuilder("db-01");
    db.add(seriesBatch(samples.filter((s) => s.agent === "db-01")));
    expect(built.get("db-01")).toEqual(db.build());
  });
});
