import { describe, expect, it } from "vitest";
import { makeSample } from "../../../collector/test/support/mysql-server.js";
import { seriesBatches } from "../../test/support/memory-reader.js";
import { valuesOf } from "../model.js";
import { mergeSeries } from "./merge-series.js";
import { SeriesBuilder } from "./series-builder.js";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 0, minute)).toISOString();

/** A part's series as a worker builds it: the samples at these minutes, as a reader gives them. */
function seriesOf(minutes: number[], mounts?: string[]) {
  const builder = new SeriesBuilder("web-01");
  const samples = minutes.map((minute) => {
    const sample = makeSample("web-01", at(minute), minute);
    if (mounts !== undefined)
      sample.snapshot.disks = sample.snapshot.disks!.filter((d) => mounts.includes(d.mount ?? ""));
    return sample;
  });
  for (const batch of seriesBatches(samples, { batchSize: 1 })) builder.add(batch);
  return builder.build();
}

describe("mergeSeries", () => {
  it("gives what one reader of all the samples gives", () => {
    const whole = seriesOf([0, 1, 2, 3, 4, 5]);
    const merged = mergeSeries([seriesOf([0, 1, 2]), seriesOf([3, 4, 5])]);
    expect([...merged.t]).toEqual([...whole.t]);
    expect([...valuesOf(merged, "cpu_usage_percent")]).toEqual([...valuesOf(whole, "cpu_usage_percent")]);
    expect(merged.values).toEqual(whole.values);
    expect([...merged.disks.get("/")!]).toEqual([...whole.disks.get("/")!]);
    expect(merged).toEqual(whole);
  });

  it("drops samples of a later part that are not newer than the parts before", () => {
    const merged = mergeSeries([seriesOf([0, 1, 2]), seriesOf([1, 2, 3])]);
    expect([...merged.t].map((t) => new Date(t).toISOString())).toEqual([at(0), at(1), at(2), at(3)]);
    expect(merged).toEqual(seriesOf([0, 1, 2, 3]));
    const unordered = mergeSeries([seriesOf([0, 1, 2]), seriesOf([2, 1, 3])]);
    expect([...unordered.t].map((t) => new Date(t).toISOString())).toEqual([at(0), at(1), at(2), at(3)]);
  });

  it("fills a mount absent from a part with NaN", () => {
    const merged = mergeSeries([seriesOf([0, 1], ["/"]), seriesOf([2, 3], ["/", "/boot/efi"])]);
    expect([...merged.disks.keys()]).toEqual(["/", "/boot/efi"]);
    expect(merged.disks.get("/boot/efi")!.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(merged.disks.get("/boot/efi")![2]).toBeCloseTo(1.17);
    expect(merged.disks.get("/")!.some(Number.isNaN)).toBe(false);
    for (const usage of merged.disks.values()) expect(usage).toHaveLength(4);
  });

  it("keeps the latest snapshot and CPU count of the newest part that has them", () => {
    const latest = (minute: number) => makeSample("web-01", at(minute), minute).snapshot;
    const newest = { ...seriesOf([5]), latest: latest(5) };
    const merged = mergeSeries([{ ...seriesOf([0]), latest: latest(0) }, newest, seriesOf([])]);
    expect(merged.latest).toBe(newest.latest);
    expect(merged.t.length).toBe(2);
    expect(merged.cpuCount).toBe(8);
    const withoutCount = { ...seriesOf([6]), cpuCount: undefined };
    expect(mergeSeries([{ ...seriesOf([0]), cpuCount: 4 }, withoutCount]).cpuCount).toBe(4);
  });
});
