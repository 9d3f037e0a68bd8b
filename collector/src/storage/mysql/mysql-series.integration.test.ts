/**
 * MysqlHistoryReader.series beyond the shared read contract (test/reader-contract.ts): sparse and
 * odd samples, agents sharing a ts, every page size (a sample's disks split between pages, pages
 * that end exactly), disk rows without their sample, the columns a query may name, the whole
 * samples at a read's newest times, and a database written before the series columns existed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERIES_COLUMNS } from "../columns.js";
import type { PollSample } from "../records.js";
import { seriesRowOf, type SeriesBatch, type SeriesQuery } from "../series.js";
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
import { addBatch, type SeriesRead } from "../../../test/support/series-read.js";

const database = testDatabaseName();
const options: MysqlStoreOptions = { ...TEST_SERVER, database, retentionDays: 0 };
const T0 = Date.parse("2033-01-01T00:00:00.000Z");
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const ALL: SeriesQuery = { from: T0 - 3600_000, to: T0 + 3600_000 };
const NAMES = SERIES_COLUMNS.map((column) => column.name);

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

/** fig-b: no temperature reading, security unavailable, one sample without cpu and load, one disk without usage. */
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
  if (i === 6 && sample.snapshot.disks?.[0]) {
    const { usage_percent: _, ...disk } = sample.snapshot.disks[0];
    sample.snapshot.disks[0] = disk;
  }
  return sample;
}

/** fig-c, stored with its JSON: an odd double, a sample without disks. */
function sampleC(i: number): PollSample {
  const sample = makeSample(JSON_AGENT, at(i * 10_000 + 500), i + 200);
  if (sample.snapshot.cpu) sample.snapshot.cpu.usage_percent = i === 2 ? 0.1 + 0.2 : 12.345678901234567;
  if (i === 6) sample.snapshot.disks = [];
  return sample;
}

/**
 * What a read of these samples must give: seriesRowOf's rows in time order per agent, only the
 * query's columns (`change` adjusts a row's values by name first).
 */
function expectedRead(
  samples: readonly PollSample[],
  query: SeriesQuery = ALL,
  change: (sample: PollSample, values: Record<string, number>) => void = () => {},
): SeriesRead {
  const names = query.columns ?? NAMES;
  const out: SeriesRead = new Map();
  const rows = samples
    .filter((s) => Date.parse(s.ts) >= query.from && Date.parse(s.ts) < query.to)
    .filter((s) => query.agents?.has(s.agent) ?? true)
    .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  for (const sample of rows) {
    const row = seriesRowOf(sample);
    const values = Object.fromEntries(NAMES.map((name, i) => [name, row.values[i]!]));
    change(sample, values);
    addBatch(out, {
      agent: row.agent,
      t: Float64Array.of(row.time),
      values: Object.fromEntries(names.map((name) => [name, Float64Array.of(values[name]!)])),
      disks: new Map(row.mounts.map((mount, d) => [mount, Float64Array.of(row.percents[d]!)])),
    });
  }
  return out;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function reader(seriesPageSize?: number, db = database): MysqlHistoryReader {
  return new MysqlHistoryReader({
    ...TEST_SERVER,
    database: db,
    ...(seriesPageSize ? { seriesPageSize } : {}),
  });
}

async function readSeries(query: SeriesQuery, seriesPageSize?: number, db = database): Promise<SeriesRead> {
  const r = reader(seriesPageSize, db);
  try {
    const out: SeriesRead = new Map();
    for await (const batch of r.series(query)) addBatch(out, batch);
    return out;
  } finally {
    await r.close();
  }
}

async function withKnex<T>(db: string, fn: (knex: ReturnType<typeof createKnex>) => Promise<T>): Promise<T> {
  const knex = createKnex({ ...TEST_SERVER, database: db, poolMax: 1 });
  try {
    return await fn(knex);
  } finally {
    await knex.destroy();
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
  await withKnex(database, async (db) => {
    const rows = await db<{ id: number; name: string }>("agents").select("id", "name");
    for (const row of rows) agentIds.set(row.name, Number(row.id));
  });
});

afterAll(async () => {
  await dropDatabase(database);
});

describe("MysqlHistoryReader.series", () => {
  it("gives seriesRowOf's values for every sample, per agent in time order, whatever the page size", async () => {
    const want = expectedRead(written);
    expect(written).toHaveLength(26);
    // 1: a sample's disks over two pages of disk rows; 2, 13, 26: the last page full
    for (const pageSize of [undefined, 1, 2, 5, 13, 26, 27])
      expect(await readSeries(ALL, pageSize), `page size ${pageSize}`).toEqual(want);
    // what the odd samples give
    const read = want.get("fig-b")!;
    expect(read.values.security_issue_count!.every(Number.isNaN)).toBe(true);
    expect(read.values.cpu_temperature_celsius!.every(Number.isNaN)).toBe(true);
    expect(read.values.cpu_usage_percent![4]).toBeNaN();
    expect(want.get(JSON_AGENT)!.values.cpu_usage_percent![2]).toBe(0.1 + 0.2);
    expect(want.get("fig-a")!.disks.get("/home")).toEqual([
      ...Array<number>(5).fill(Number.NaN),
      0.1 + 0.2,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
  });

  it("filters by time (from inclusive, to exclusive), by agent, and reads only the columns asked", async () => {
    // from: fig-a's sample 2 exactly; to: fig-c's sample 5 exactly
    const range = { from: T0 + 20_007, to: T0 + 50_500 };
    expect(await readSeries(range, 2)).toEqual(expectedRead(written, range));
    const some = { ...range, agents: new Set(["fig-a", JSON_AGENT, "no-such-agent"]) };
    expect(await readSeries(some, 2)).toEqual(expectedRead(written, some));
    expect([...(await readSeries(some)).keys()].sort()).toEqual(["fig-a", JSON_AGENT]);
    const one = { ...range, agents: new Set(["fig-b"]) };
    expect(await readSeries(one, 1)).toEqual(expectedRead(written, one));
    const columns = { ...ALL, columns: ["cpu_core_max_percent", "security_issue_count", "load_1"] };
    const narrow = await readSeries(columns, 3);
    expect(narrow).toEqual(expectedRead(written, columns));
    expect(Object.keys(narrow.get("fig-a")!.values).sort()).toEqual([...columns.columns].sort());
    // a read without a single disk row
    const bare = { from: T0, to: T0 + 30_000, agents: new Set(["fig-a"]) };
    expect(await readSeries(bare, 1)).toEqual(expectedRead(written, bare));
    expect((await readSeries(bare, 1)).get("fig-a")?.disks).toEqual(new Map());
    expect(await readSeries({ ...range, agents: new Set(["no-such-agent"]) })).toEqual(new Map());
    expect(await readSeries({ ...range, agents: new Set() })).toEqual(new Map());
    expect(await readSeries({ from: T0 + 3600_000, to: T0 + 7200_000 })).toEqual(new Map());
  });

  it("refuses a column that is no series column (names go into the SQL)", async () => {
    for (const name of ["snapshot", "cpu_usage_percent FROM samples; DROP TABLE samples; --"])
      await expect(readSeries({ ...ALL, columns: [name] })).rejects.toThrow(/not a series column/);
    expect((await readSeries(ALL)).size).toBe(3);
  });

  it("skips disk rows whose sample the read does not hold", async () => {
    const agentId = agentIds.get("fig-a")!;
    // between fig-a's samples 1 and 2, and at fig-c's sample 3 under fig-a's id
    const orphans = [
      { agent_id: agentId, ts: "2033-01-01 00:00:15.007", mount: "/orphan", usage_percent: 5 },
      { agent_id: agentId, ts: "2033-01-01 00:00:30.500", mount: "/orphan", usage_percent: 6 },
    ];
    await withKnex(database, (db) => db("disk_samples").insert(orphans));
    try {
      for (const pageSize of [undefined, 1, 2])
        expect(await readSeries(ALL, pageSize)).toEqual(expectedRead(written));
    } finally {
      await withKnex(database, (db) => db("disk_samples").where("mount", "/orphan").delete());
    }
  });

  it("gives the whole samples at each agent's newest time of a read: as written with the JSON, rebuilt without", async () => {
    const range = { from: T0, to: T0 + 60_000 };
    const read = await readSeries(range, 2);
    const newest = new Map([...read].map(([agent, series]) => [agent, series.t.at(-1)!]));
    expect([...newest.keys()].sort()).toEqual(["fig-a", "fig-b", JSON_AGENT]);
    const r = reader(2);
    try {
      const found = await r.samplesAt(new Map([...newest, ["no-such-agent", T0], ["fig-a", T0 + 1]]));
      // fig-a asked at a time it has no sample at
      expect([...found.keys()].sort()).toEqual(["fig-b", JSON_AGENT]);
      const jsonTime = newest.get(JSON_AGENT)!;
      expect(found.get(JSON_AGENT)).toEqual(
        written.find((s) => s.agent === JSON_AGENT && Date.parse(s.ts) === jsonTime),
      );
      const leanTime = newest.get("fig-b")!;
      const [rebuilt] = await collect(r.samples({ from: leanTime, to: leanTime + 1, agent: "fig-b" }));
      expect(rebuilt).toBeDefined();
      expect(found.get("fig-b")).toEqual(rebuilt);
      for (const sample of found.values())
        expect(Array.from(seriesRowOf(sample).values)[NAMES.indexOf("cpu_usage_percent")]).toEqual(
          read.get(sample.agent)!.values.cpu_usage_percent!.at(-1),
        );
      const all = await r.samplesAt(new Map([...newest]));
      expect([...all.keys()].sort()).toEqual(["fig-a", "fig-b", JSON_AGENT]);
    } finally {
      await r.close();
    }
  });

  it("can be left early, with a page fetched ahead, and read again", async () => {
    const r = reader(1);
    try {
      const first: SeriesBatch[] = [];
      for await (const batch of r.series(ALL)) {
        first.push(batch);
        if (first.length === 4) break;
      }
      expect(first).toHaveLength(4);
      const again: SeriesRead = new Map();
      for await (const batch of r.series(ALL)) addBatch(again, batch);
      expect(again).toEqual(expectedRead(written));
    } finally {
      await r.close();
    }
  });
});

describe("a database written before the series columns", () => {
  const older = testDatabaseName();
  afterAll(async () => {
    await dropDatabase(older);
  });

  it("reads the per-core band off the stored JSON, the worst disk off the disk rows, no issue count where security was unavailable", async () => {
    const samples = written.filter((s) => s.agent !== "fig-a");
    const lean = new MysqlStore({ ...options, database: older });
    const full = new MysqlStore({ ...options, database: older, storeSnapshotJson: true });
    await lean.open();
    await full.open();
    try {
      await lean.writeSamples(samples.filter((s) => s.agent === "fig-b"));
      await full.writeSamples(samples.filter((s) => s.agent === JSON_AGENT));
    } finally {
      await lean.close();
      await full.close();
    }
    // as 0.1 left it: no derived columns of the series, and the issue count stored when unavailable
    await withKnex(older, async (db) => {
      await db.raw(
        "ALTER TABLE samples DROP COLUMN cpu_core_min_percent, DROP COLUMN cpu_core_max_percent, " +
          "DROP COLUMN worst_disk_usage_percent",
      );
      await db.raw("UPDATE samples SET security_issue_count = 0 WHERE security_status = 'unavailable'");
      await db("knex_migrations").where("name", "002_unknown_issue_counts").delete();
    });
    const warnings: string[] = [];
    const upgraded = new MysqlStore({ ...options, database: older, onWarning: (m) => warnings.push(m) });
    await upgraded.open();
    await upgraded.close();
    expect(warnings.join("\n")).toMatch(/cpu_core_min_percent/);
    // without the JSON the cores are not known
    const noCores = (sample: PollSample, values: Record<string, number>) => {
      if (sample.agent === JSON_AGENT) return;
      values.cpu_core_min_percent = Number.NaN;
      values.cpu_core_max_percent = Number.NaN;
    };
    const read = await readSeries(ALL, 3, older);
    expect(read).toEqual(expectedRead(samples, ALL, noCores));
    expect(read.get(JSON_AGENT)!.values.cpu_core_max_percent!.some(Number.isFinite)).toBe(true);
    expect(read.get("fig-b")!.values.worst_disk_usage_percent!.every(Number.isFinite)).toBe(true);
    expect(read.get("fig-b")!.values.security_issue_count!.every(Number.isNaN)).toBe(true);
  });
});

describe("a series read whose query fails", () => {
  const broken = testDatabaseName();
  afterAll(async () => {
    await dropDatabase(broken);
  });

  it("rejects with the server's error, whichever of its two queries failed", async () => {
    const store = new MysqlStore({ ...options, database: broken });
    await store.open();
    try {
      await store.writeSamples(written.filter((s) => s.agent === "fig-a"));
    } finally {
      await store.close();
    }
    expect((await readSeries(ALL, 2, broken)).get("fig-a")?.t).toHaveLength(9);
    await withKnex(broken, (db) => db.raw("RENAME TABLE disk_samples TO disk_samples_gone"));
    for (const pageSize of [undefined, 2])
      await expect(readSeries(ALL, pageSize, broken)).rejects.toThrow(/disk_samples/);
    await withKnex(broken, (db) =>
      db.raw("RENAME TABLE disk_samples_gone TO disk_samples, samples TO samples_gone"),
    );
    await expect(readSeries(ALL, 2, broken)).rejects.toThrow(/samples/);
  });
});
