import { describe, expect, it } from "vitest";
import { DiskMerger, MysqlFigures, PageStream } from "./mysql-figures.js";
import type { DiskFigureRow, FigureRow } from "./mysql-figures.js";

const T0 = Date.parse("2030-01-01T00:00:00.000Z");

/** A stream over rows already in order, `limit` at a time, recording the queries made. */
function pagesOf<R>(rows: readonly R[], limit: number, asked: Array<R | null> = []): PageStream<R> {
  return new PageStream<R>(async (after) => {
    asked.push(after);
    const start = after === null ? 0 : rows.indexOf(after) + 1;
    return rows.slice(start, start + limit);
  }, limit);
}

function row(time: number, agentId: number, status: string | null = "ok"): FigureRow {
  return [time, agentId, 10, 4, 1, 2, 3, null, 50, 0, 100, 200, status, 2, 7, null];
}

async function merge(samples: readonly FigureRow[], disks: readonly DiskFigureRow[], limit: number) {
  const merger = new DiskMerger(pagesOf(disks, limit));
  const out: MysqlFigures[] = [];
  for (const r of samples) {
    const figures = new MysqlFigures(r, `agent-${r[1]}`);
    while (!merger.add(figures, r[1])) await merger.more();
    out.push(figures);
  }
  return out.map(
    (f) => `${f.time - T0}/${f.agent}: ${f.diskMounts.map((m, i) => `${m}=${f.diskPercents[i]}`).join(",")}`,
  );
}

describe("PageStream", () => {
  it("gives the pages in order, asking for the next one when a full page is taken", async () => {
    const asked: Array<number | null> = [];
    const stream = pagesOf([1, 2, 3, 4, 5], 2, asked);
    expect(await stream.next()).toEqual([1, 2]);
    expect(asked).toEqual([null, 2]);
    expect(await stream.next()).toEqual([3, 4]);
    expect(await stream.next()).toEqual([5]);
    expect(await stream.next()).toBeNull();
    expect(asked).toEqual([null, 2, 4]);
  });

  it("ends on an empty page, and passes a failure on to the taker", async () => {
    expect(await pagesOf([1, 2], 2).next()).toEqual([1, 2]);
    const exact = pagesOf([1, 2], 2);
    await exact.next();
    expect(await exact.next()).toBeNull();
    const failing = new PageStream<number>(() => Promise.reject(new Error("gone")), 2);
    await expect(failing.next()).rejects.toThrow("gone");
  });
});

describe("MysqlFigures", () => {
  it("takes NULL as NaN, and no security issue count when security is unavailable", () => {
    const figures = new MysqlFigures(row(T0, 1, "unavailable"), "a");
    expect(figures.temperatureCelsius).toBeNaN();
    expect(figures.securityIssues).toBeNaN();
    expect(new MysqlFigures(row(T0, 1), "a").securityIssues).toBe(2);
    expect(figures.cpuCoreMin).toBeNaN();
    const cores = (perCore: unknown): number[] => {
      const f = new MysqlFigures([...row(T0, 1).slice(0, 15), perCore] as FigureRow, "a");
      return [f.cpuCoreMin, f.cpuCoreMax];
    };
    expect(cores([30, 5.5, "x", 80])).toEqual([5.5, 80]);
    expect(cores("[30, 5.5, 80]")).toEqual([5.5, 80]);
    expect(cores("[30,")).toEqual([Number.NaN, Number.NaN]);
    expect(cores([])).toEqual([Number.NaN, Number.NaN]);
    expect(figures.ts).toBe("2030-01-01T00:00:00.000Z");
    expect(figures.sample()).toBeUndefined();
  });
});

describe("DiskMerger", () => {
  const samples = [row(T0, 1), row(T0, 2), row(T0 + 5, 1), row(T0 + 5, 3), row(T0 + 9, 2)];
  const disks: DiskFigureRow[] = [
    [T0 - 1, 1, "/old", 1], // a sample not in the read
    [T0, 1, "/", 10],
    [T0, 1, "/boot", 11],
    [T0, 1, "/var", null],
    [T0, 2, "/", 20],
    [T0 + 5, 2, "/orphan", 0],
    [T0 + 5, 3, "/", 30],
    [T0 + 5, 3, "/data", 31],
    [T0 + 9, 2, "/", 40],
  ];
  const want = [
    "0/agent-1: /=10,/boot=11,/var=NaN",
    "0/agent-2: /=20",
    "5/agent-1: ",
    "5/agent-3: /=30,/data=31",
    "9/agent-2: /=40",
  ];

  it("gives each sample its disks, whatever the pages split", async () => {
    for (const limit of [1, 2, 3, 4, 100]) expect(await merge(samples, disks, limit)).toEqual(want);
  });

  it("gives no disks when there are none", async () => {
    expect(await merge(samples.slice(0, 2), [], 3)).toEqual(["0/agent-1: ", "0/agent-2: "]);
  });
});
