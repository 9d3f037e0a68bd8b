import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyFigures, figuresOf } from "../figures.js";
import type { FigureValues, SampleFigures } from "../figures.js";
import type { PollSample, TimeRange } from "../records.js";
import { createKnex } from "./connection.js";
import { MysqlHistoryReader } from "./mysql-reader.js";
import { MysqlStore } from "./mysql-store.js";
import type { MysqlStoreOptions } from "./mysql-store.js";
import {
  TEST_SERVER,
  dropDatabase,
  makeSample,
  testDatabaseName,
} from "../../../test/support/mysql-server.js";

const database = testDatabaseName();
const options: MysqlStoreOptions = { ...TEST_SERVER, database, retentionDays: 0 };
const T0 = Date.parse("2033-01-01T00:00:00.000Z");
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const ALL: TimeRange = { from: T0 - 3600_000, to: T0 + 3600_000 };
const KEYS = Object.keys(emptyFigures()) as Array<keyof FigureValues>;

/** Agents written without the snapshot JSON (the default) and with it. */
const LEAN = ["fig-a", "fig-b"];
const JSON_AGENT = "fig-c";
const written: PollSample[] = [];
const agentIds = new Map<string, number>();

/** fig-a: no disks at first, then disks listed out of mount order, one sample with a fourth. */
function sampleA(i: number): PollSample {
  const sample = makeSample("fig-a", at(i * 10_000 + 7), i);
  const [root, boot, backup] = sample.snapshot.disks ?? [];
  if (i < 3) delete sample.snapshot.disks;
  else if (root && boot && backup) {
    sample.snapshot.disks = [{ ...backup, mount: "/var/lib" }, root, boot];
    if (i === 5) sample.snapshot.disks.push({ ...root, mount: "/home", usage_percent: 0.1 + 0.2 });
  }
  return sample;
}

/** fig-b: no temperature reading, security unavailable, and one sample without cpu and load. */
function sampleB(i: number): PollSample {
  const sample = makeSample("fig-b", at(i * 10_000 + (i % 2 === 0 ? 7 : 3)), i + 100);
  sample.snapshot.temperature = { cpu_celsius: null, max_celsius: null, sensors: [] };
  if (sample.snapshot.security) {
    sample.snapshot.security = { ...sample.snapshot.security, status: "unavailable", issue_count: 0 };
  }
  if (i === 4) {
    delete sample.snapshot.cpu;
    delete sample.snapshot.load;
  }
  return sample;
}

/** fig-c, stored with its JSON: per-core figures, an odd double, a sample without disks. */
function sampleC(i: number): PollSample {
  const sample = makeSample(JSON_AGENT, at(i * 10_000 + 500), i + 200);
  if (sample.snapshot.cpu) sample.snapshot.cpu.usage_percent = i === 2 ? 0.1 + 0.2 : 12.345678901234567;
  if (i === 6) sample.snapshot.disks = [];
  return sample;
}

/** What figures() gives for a written sample: figuresOf's values, disks in mount order, per-core only from JSON. */
function expected(sample: PollSample): FigureValues {
  const figures = values(figuresOf(sample));
  const disks = figures.diskMounts
    .map((mount, i) => ({ mount, percent: figures.diskPercents[i] as number }))
    .sort((a, b) => (a.mount < b.mount ? -1 : a.mount > b.mount ? 1 : 0));
  figures.diskMounts = disks.map((d) => d.mount);
  figures.diskPercents = disks.map((d) => d.percent);
  if (sample.agent !== JSON_AGENT) {
    figures.cpuCoreMin = Number.NaN;
    figures.cpuCoreMax = Number.NaN;
  }
  return figures;
}

function values(figures: FigureValues): FigureValues {
  const out = {} as Record<string, unknown>;
  for (const key of KEYS) out[key] = figures[key];
  return out as unknown as FigureValues;
}

/** Written samples in the reader's order: by ts, then agent id. */
function inOrder(samples: readonly PollSample[]): PollSample[] {
  const id = (agent: string): number => agentIds.get(agent) ?? 0;
  return [...samples].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts) || id(a.agent) - id(b.agent));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function reader(figuresPageSize?: number): MysqlHistoryReader {
  return new MysqlHistoryReader({
    ...TEST_SERVER,
    database,
    ...(figuresPageSize ? { figuresPageSize } : {}),
  });
}

async function readFigures(
  range: TimeRange,
  agents?: ReadonlySet<string>,
  figuresPageSize?: number,
): Promise<SampleFigures[]> {
  const r = reader(figuresPageSize);
  try {
    return await collect(r.figures(range, agents));
  } finally {
    await r.close();
  }
}

beforeAll(async () => {
  const lean = new MysqlStore(options);
  const full = new MysqlStore({ ...options, storeSnapshotJson: true });
  await lean.open();
  await full.open();
  try {
    for (let i = 0; i < 8; i++) written.push(sampleA(i), sampleB(i), sampleC(i));
    // fig-b and fig-a share some ts, so that the agent orders them
    written.push({ ...sampleB(9), ts: at(90_007) }, { ...sampleA(9), ts: at(90_007) });
    await lean.writeSamples(written.filter((s) => LEAN.includes(s.agent)).reverse());
    await full.writeSamples(written.filter((s) => s.agent === JSON_AGENT));
  } finally {
    await lean.close();
    await full.close();
  }
  const db = createKnex({ ...TEST_SERVER, database, poolMax: 1 });
  try {
    const rows = await db<{ id: number; name: string }>("agents").select("id", "name");
    for (const row of rows) agentIds.set(row.name, Number(row.id));
  } finally {
    await db.destroy();
  }
});

afterAll(async () => {
  await dropDatabase(database);
});

describe("MysqlHistoryReader.figures", () => {
  it("gives figuresOf's values for every sample, in (ts, agent) order, whatever the page size", async () => {
    const want = inOrder(written).map(expected);
    for (const pageSize of [undefined, 1, 2, 5]) {
      const got = await readFigures(ALL, undefined, pageSize);
      expect(got.map(values)).toEqual(want);
    }
  });

  it("keeps each agent's figures strictly in time order", async () => {
    const got = await readFigures(ALL, undefined, 3);
    const last = new Map<string, number>();
    for (const figures of got) {
      expect(figures.time).toBeGreaterThan(last.get(figures.agent) ?? Number.NEGATIVE_INFINITY);
      last.set(figures.agent, figures.time);
    }
    expect(got.map((f) => f.time)).toEqual([...got.map((f) => f.time)].sort((a, b) => a - b));
  });

  it("filters by time (from inclusive, to exclusive) and by agent", async () => {
    const range = { from: T0 + 20_007, to: T0 + 50_500 };
    const inRange = (s: PollSample): boolean => Date.parse(s.ts) >= range.from && Date.parse(s.ts) < range.to;
    const ts = (figures: SampleFigures[]): string[] => figures.map((f) => `${f.ts} ${f.agent}`);
    const want = (keep: (s: PollSample) => boolean): string[] =>
      inOrder(written.filter((s) => inRange(s) && keep(s))).map((s) => `${s.ts} ${s.agent}`);

    expect(ts(await readFigures(range, undefined, 2))).toEqual(want(() => true));
    expect(ts(await readFigures({ ...range, agent: "fig-b" }, undefined, 2))).toEqual(
      want((s) => s.agent === "fig-b"),
    );
    const some = new Set(["fig-a", JSON_AGENT, "no-such-agent"]);
    expect(ts(await readFigures(range, some, 2))).toEqual(want((s) => some.has(s.agent)));
    expect(ts(await readFigures({ ...range, agent: "fig-a" }, some))).toEqual(
      want((s) => s.agent === "fig-a"),
    );
    expect(await readFigures({ ...range, agent: "fig-b" }, some)).toEqual([]);
    expect(await readFigures(range, new Set(["no-such-agent"]))).toEqual([]);
    expect(await readFigures({ ...range, agent: "no-such-agent" })).toEqual([]);
    expect(await readFigures({ from: T0 + 3600_000, to: T0 + 7200_000 })).toEqual([]);
  });

  it("gives the whole sample of each agent's newest figures of the read, and of no other", async () => {
    const range = { from: T0, to: T0 + 60_000 };
    const r = reader(2);
    try {
      const got = await collect(r.figures(range));
      const newest = new Map(got.map((f) => [f.agent, f]));
      expect([...newest.keys()].sort()).toEqual(["fig-a", "fig-b", JSON_AGENT]);
      for (const [agent, figures] of newest) {
        const sample = figures.sample();
        if (agent === JSON_AGENT) {
          expect(sample).toEqual(written.find((s) => s.agent === agent && s.ts === figures.ts));
        } else {
          // rebuilt from the columns, as samples() gives it
          const [same] = await collect(r.samples({ from: figures.time, to: figures.time + 1, agent }));
          expect(same).toBeDefined();
          expect(sample).toEqual(same);
        }
        expect(sample?.ts).toBe(figures.ts);
        expect(figuresOf(sample as PollSample).cpuPercent).toEqual(figures.cpuPercent);
      }
      const others = got.filter((f) => newest.get(f.agent) !== f);
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((f) => f.sample() === undefined)).toBe(true);
    } finally {
      await r.close();
    }
  });

  it("can be left early, and read again", async () => {
    const r = reader(1);
    try {
      const first: SampleFigures[] = [];
      for await (const figures of r.figures(ALL)) {
        first.push(figures);
        if (first.length === 4) break;
      }
      expect(first.every((f) => f.sample() === undefined)).toBe(true);
      const again = await collect(r.figures(ALL));
      expect(again.map(values).slice(0, 4)).toEqual(first.map(values));
      expect(again).toHaveLength(written.length);
    } finally {
      await r.close();
    }
  });
});
