import { describe, expect, it } from "vitest";
import { makeSample } from "../../../collector/test/support/mysql-server.js";
import { mergeSeries } from "./merge-series.js";
import { SeriesBuilder } from "./series-builder.js";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 0, minute)).toISOString();

function seriesOf(minutes: number[], mounts?: string[]) {
  const builder = new SeriesBuilder("web-01");
  for (const minute of minutes) {
    const sample = makeSample("web-01", at(minute), minute);
    if (mounts !== undefined)
      sample.snapshot.disks = sample.snapshot.disks!.filter((d) => mounts.includes(d.mount ?? ""));
    builder.add(sample);
  }
  return builder.build();
}

describe("mergeSeries", () => {
  it("gives what one reader of all the samples gives", () => {
    const whole = seriesOf([0, 1, 2, 3, 4, 5]);
    const merged = mergeSeries([seriesOf([0, 1, 2]), seriesOf([3, 4, 5])]);
    expect([...merged.t]).toEqual([...whole.t]);
    expect([...merged.cpu]).toEqual([...whole.cpu]);
    expect([...merged.disks.get("/")!]).toEqual([...whole.disks.get("/")!]);
    expect(merged.latest).toEqual(whole.latest);
  });

  it("drops samples of a later part that are not newer than the parts before", () => {
    const merged = mergeSeries([seriesOf([0, 1, 2]), seriesOf([2, 1, 3])]);
    expect([...merged.t].map((t) => new Date(t).toISOString())).toEqual([at(0), at(1), at(2), at(3)]);
  });

  it("fills a mount absent from a part with NaN", () => {
    const merged = mergeSeries([seriesOf([0, 1], ["/"]), seriesOf([2, 3], ["/", "/boot/efi"])]);
    expect(merged.disks.get("/boot/efi")!.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(merged.disks.get("/boot/efi")![2]).toBeCloseTo(1.17);
    expect(merged.disks.get("/")!.some(Number.isNaN)).toBe(false);
  });

  it("keeps the latest snapshot of the newest part that has samples", () => {
    const newest = seriesOf([5]);
    const merged = mergeSeries([seriesOf([0]), newest, seriesOf([])]);
    expect(merged.latest).toBe(newest.latest);
    expect(merged.t.length).toBe(2);
  });
});
