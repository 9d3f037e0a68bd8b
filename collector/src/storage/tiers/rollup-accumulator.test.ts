import { describe, expect, it } from "vitest";
import { sample } from "../../../test/support/alert-samples.js";
import type { Aggregate, Column } from "../columns.js";
import { ROLLUP_COLUMNS } from "./aggregates.js";
import { RollupAccumulator, type EmittedBucket } from "./rollup-accumulator.js";
import { rollupSampleOf, type RollupSample } from "./rollup-sample.js";
import { ROLLUP_TIERS, bucketStart } from "./tiers.js";

const column = (name: string, aggregate: Aggregate): Column => ({
  name,
  path: ["test", name],
  sql: "DOUBLE",
  unit: "percent",
  aggregate,
});
const COLUMNS = [column("cpu", "avg"), column("temp", "max"), column("cores", "last")];

const MIDNIGHT = Date.UTC(2026, 11, 4);
const MINUTE = 60_000;
/** A sample of agent "web" at MIDNIGHT + `minutes`: cpu, temp, cores (null: no value). */
const at = (minutes: number, cpu: number | null, temp: number | null = 40, cores = 4): RollupSample => ({
  agent: "web",
  t: MIDNIGHT + minutes * MINUTE,
  values: [cpu ?? Number.NaN, temp ?? Number.NaN, cores],
});
const accumulator = () => new RollupAccumulator({ columns: COLUMNS });
const summary = (bucket: EmittedBucket) => ({
  tier: bucket.tier,
  start: new Date(bucket.start).toISOString(),
  replaces: bucket.replaces,
  samples: bucket.aggregates.samples,
  cpu: [bucket.aggregates.low(0), bucket.aggregates.value(0), bucket.aggregates.high(0)],
  temp: bucket.aggregates.value(1),
  cores: bucket.aggregates.value(2),
});

describe("tiers", () => {
  it("start buckets on the 5 minutes, the UTC hour and UTC midnight", () => {
    const t = Date.parse("2026-12-04T13:47:12.345Z");
    expect(ROLLUP_TIERS.map((tier) => new Date(bucketStart(tier, t)).toISOString())).toEqual([
      "2026-12-04T13:45:00.000Z",
      "2026-12-04T13:00:00.000Z",
      "2026-12-04T00:00:00.000Z",
    ]);
  });
});

describe("RollupAccumulator", () => {
  it("emits a 5-minute bucket once, when a sample of the next one comes: min, avg, max and the count", () => {
    const rollups = accumulator();
    expect(rollups.add([at(0, 10), at(1, null, 55), at(2, 30, 41, 8)]).buckets).toEqual([]);
    const { buckets } = rollups.add([at(5, 99)]);
    expect(buckets.map(summary)).toEqual([
      {
        tier: "5m",
        start: "2026-12-04T00:00:00.000Z",
        replaces: false,
        samples: 3,
        cpu: [10, 20, 30], // the null is no value: avg of 10 and 30
        temp: 55,
        cores: 8,
      },
    ]);
    expect(buckets[0]!.aggregates.count[0]).toBe(2);
  });

  it("closes the hour and the day from the buckets below them when the next hour or day starts", () => {
    const rollups = accumulator();
    rollups.add([at(10, 10), at(50, 20)]);
    const nextHour = rollups.add([at(61, 60)]).buckets.map(summary);
    expect(nextHour.map((b) => [b.tier, b.start, b.cpu[1]])).toEqual([
      ["5m", "2026-12-04T00:50:00.000Z", 20],
      ["1h", "2026-12-04T00:00:00.000Z", 15],
    ]);
    const nextDay = rollups.add([at(24 * 60 + 1, 0)]).buckets.map(summary);
    expect(nextDay.map((b) => [b.tier, b.start, b.samples, b.cpu[1]])).toEqual([
      ["5m", "2026-12-04T01:00:00.000Z", 1, 60],
      ["1h", "2026-12-04T01:00:00.000Z", 1, 60],
      ["1d", "2026-12-04T00:00:00.000Z", 3, 30],
    ]);
  });

  it("closes the buckets of an agent that went quiet on a flush, once their end and 2 minutes have passed", () => {
    const rollups = accumulator();
    rollups.add([at(1, 10)]);
    expect(rollups.flush(MIDNIGHT + 6 * MINUTE).buckets).toEqual([]);
    expect(rollups.flush(MIDNIGHT + 7 * MINUTE).buckets.map((b) => b.tier)).toEqual(["5m"]);
    expect(rollups.flush(MIDNIGHT + 7 * MINUTE).buckets).toEqual([]);
    expect(rollups.flush(MIDNIGHT + 62 * MINUTE).buckets.map((b) => b.tier)).toEqual(["1h"]);
  });

  it("corrects only the buckets a late sample falls in, merging it into what was emitted", () => {
    const rollups = accumulator();
    rollups.add([at(0, 10, 40), at(1, 20, 40), at(6, 50), at(11, 70)]);
    // a sample of minute 0:02 replayed late: its 5m bucket was emitted, its hour is still open
    const late = rollups.add([at(2, 60, 90, 2)]).buckets.map(summary);
    expect(late).toEqual([
      {
        tier: "5m",
        start: "2026-12-04T00:00:00.000Z",
        replaces: true,
        samples: 3,
        cpu: [10, 30, 60],
        temp: 90,
        cores: 2, // newer than the others of its bucket
      },
    ]);
    // a sample older than its bucket's newest leaves `last` alone
    const older = rollups.add([at(0.5, 10, 40, 16)]).buckets.map(summary);
    expect(older.map((b) => [b.tier, b.replaces, b.samples, b.cores])).toEqual([["5m", true, 4, 2]]);
    // the hour, still open, gets both once, when it closes
    const hour = summary(rollups.add([at(61, 0)]).buckets.find((b) => b.tier === "1h")!);
    expect(hour).toMatchObject({ replaces: false, samples: 6, cores: 4 });
    expect(hour.cpu).toEqual([10, 220 / 6, 70]);
    // and a late sample of that closed hour corrects the 5m and 1h buckets, not the open day
    const corrected = rollups
      .add([at(59, 100)])
      .buckets.map((b) => [b.tier, b.replaces, b.aggregates.samples]);
    expect(corrected).toEqual([
      ["5m", false, 1],
      ["1h", true, 7],
    ]);
  });

  it("fills a gap with a new bucket when a replay brings samples of a bucket never seen", () => {
    const rollups = accumulator();
    rollups.add([at(0, 10), at(11, 30)]);
    const { buckets } = rollups.add([at(7, 20)]);
    expect(buckets.map((b) => [b.tier, new Date(b.start).toISOString(), b.replaces])).toEqual([
      ["5m", "2026-12-04T00:05:00.000Z", false],
    ]);
  });

  it("counts a batch written twice once", () => {
    const rollups = accumulator();
    const batch = [at(0, 10), at(1, 20)];
    rollups.add(batch);
    expect(rollups.add(batch)).toEqual({ buckets: [], stale: [], duplicates: 2 });
    rollups.add([at(5, 0)]);
    // and again after its bucket was emitted: no correction
    expect(rollups.add(batch)).toEqual({ buckets: [], stale: [], duplicates: 2 });
    const hour = rollups.add([at(60, 0)]).buckets.find((b) => b.tier === "1h")!;
    expect(hour.aggregates.samples).toBe(3);
  });

  it("hands back a sample further back than 15 minutes from its agent's newest, rolling up nothing", () => {
    const rollups = accumulator();
    rollups.add([at(0, 10), at(30, 20)]);
    const old = at(14, 99);
    expect(rollups.add([old])).toEqual({ buckets: [], stale: [old], duplicates: 0 });
    // the window moves with the agent's samples, not the clock: a replay hours later is rolled up
    rollups.flush(MIDNIGHT + 10 * 60 * MINUTE);
    expect(rollups.add([at(31, 5)]).stale).toEqual([]);
  });

  it("takes an agent up after a restart where the store left it", () => {
    const before = accumulator();
    const stored = [...before.add([at(1, 10), at(4, 20), at(6, 30)]).buckets];
    // restarted: the open 5m and 1h buckets are rebuilt from the raw rows and the stored 5m bucket
    const after = accumulator();
    const from = after.resumeFrom(at(6, 30).t);
    expect(new Date(from.raw).toISOString()).toBe("2026-12-03T23:51:00.000Z");
    after.resume("web", [at(1, 10), at(4, 20), at(6, 30)], stored);
    expect(after.add([at(4, 20)]).duplicates).toBe(1);
    const hour = after.add([at(60, 0)]).buckets.map(summary);
    expect(hour.map((b) => [b.tier, b.samples, b.cpu[1]])).toEqual([
      ["5m", 1, 30],
      ["1h", 3, 20],
    ]);
    expect(() => after.resume("web", [], [])).toThrow(/resume comes first/);
  });

  it("refuses a late window shorter than the grace period", () => {
    expect(() => new RollupAccumulator({ graceMs: 60_000, lateWindowMs: 1_000 })).toThrow(/lateWindowMs/);
  });
});

describe("rollupSampleOf", () => {
  it("takes every numeric column of the catalog as the samples table stores it", () => {
    const row = rollupSampleOf(
      sample("web", { cpu: { usage_percent: 12.5, count: 3.6 }, memory: { total_bytes: -1 } }),
    )!;
    const value = (name: string) => row.values[ROLLUP_COLUMNS.findIndex((c) => c.name === name)];
    expect(value("cpu_usage_percent")).toBe(12.5);
    expect(value("cpu_count")).toBe(4); // INT UNSIGNED: rounded
    expect(value("memory_total_bytes")).toBeNaN(); // a negative count is stored as NULL
    expect(value("load_1")).toBeNaN(); // absent
    expect(ROLLUP_COLUMNS.map((c) => c.name)).not.toContain("security_status");
  });

  it("feeds the accumulator the samples a store takes, over every numeric column", () => {
    const rollups = new RollupAccumulator();
    const when = (minute: number) => new Date(MIDNIGHT + minute * MINUTE);
    rollups.addPollSamples([
      sample("web", { cpu: { usage_percent: 10, count: 4 } }, when(0)),
      sample("web", { cpu: { usage_percent: 30, count: 8 } }, when(1)),
      { ...sample("web", {}), ts: "not a time" },
    ]);
    const [bucket] = rollups.addPollSamples([sample("web", {}, when(5))]).buckets;
    const c = (name: string) => ROLLUP_COLUMNS.findIndex((column) => column.name === name);
    expect(bucket!.aggregates.samples).toBe(2);
    expect(bucket!.aggregates.value(c("cpu_usage_percent"))).toBe(20);
    expect(bucket!.aggregates.value(c("cpu_count"))).toBe(8);
    expect(bucket!.aggregates.value(c("load_1"))).toBeNaN();
  });

  it("gives nothing for a sample whose ts is no time", () => {
    expect(rollupSampleOf({ ...sample("web", {}), ts: "yesterday" })).toBeUndefined();
  });
});
