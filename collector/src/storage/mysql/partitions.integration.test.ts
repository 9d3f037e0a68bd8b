import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TEST_SERVER,
  dropDatabase,
  makeSample,
  testDatabaseName,
  withServer,
} from "../../../test/support/mysql-server.js";
import { createReleasedDatabase } from "../../../test/support/released-schema.js";
import { readSeries } from "../../../test/support/series-read.js";
import type { PollEvent, PollSample } from "../records.js";
import { createKnex } from "./connection.js";
import { TABLES } from "./migrations.js";
import { MysqlHistoryReader } from "./mysql-reader.js";
import { MysqlStore } from "./mysql-store.js";
import {
  DAYS_AHEAD,
  DAY_MS,
  PARTITIONED_TABLES,
  listPartitions,
  partitionName,
  startOfDay,
} from "./partitions.js";

const HOUR_MS = 3_600_000;
const TODAY = startOfDay(Date.now());
const AGENTS = ["db-01", "web-01", "web-02"];
/** Days (before today) that hold samples: an old stretch past a 30-day retention, and the last days. */
const DAYS = [40, 39, 38, 33, 31, 29, 5, 2, 1, 0];

/** Every agent every 2 h of each day in DAYS (until now for today). */
function history(): PollSample[] {
  const samples: PollSample[] = [];
  for (const daysAgo of DAYS)
    for (
      let ms = TODAY - daysAgo * DAY_MS;
      ms < TODAY - (daysAgo - 1) * DAY_MS && ms < Date.now();
      ms += 2 * HOUR_MS
    )
      AGENTS.forEach((agent, a) =>
        samples.push(makeSample(agent, new Date(ms + a).toISOString(), samples.length)),
      );
  return samples;
}

function eventsOf(samples: readonly PollSample[]): PollEvent[] {
  return samples
    .filter((_, i) => i % 4 === 0)
    .map((s) => ({
      agent: s.agent,
      ts: s.ts,
      kind: "poll_error",
      error: "timeout",
      consecutive_failures: 1,
      duration_ms: 5,
    }));
}

const scratch = testDatabaseName();
const released = testDatabaseName();
const samples = history();

async function counts(database: string): Promise<Record<string, number>> {
  return withServer(async (db) => {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const [rows] = (await db.raw(`SELECT COUNT(*) AS n FROM \`${database}\`.${table}`)) as unknown as [
        Array<{ n: number }>,
      ];
      out[table] = Number(rows[0]?.n);
    }
    return out;
  });
}

async function seriesOf(database: string) {
  const reader = new MysqlHistoryReader({ ...TEST_SERVER, database, pageSize: 50 });
  try {
    return await readSeries(reader, { from: 0, to: Date.UTC(9000, 0, 1) });
  } finally {
    await reader.close();
  }
}

beforeAll(async () => {
  // the rows, written by the store into a scratch database, then copied into the released schema
  const writer = new MysqlStore({ ...TEST_SERVER, database: scratch, retentionDays: 0 });
  await writer.open();
  await writer.writeSamples(samples);
  await writer.writeEvents(eventsOf(samples));
  await writer.close();
  await createReleasedDatabase(released);
  await withServer(async (db) => {
    for (const table of TABLES)
      await db.raw(`INSERT INTO \`${released}\`.${table} SELECT * FROM \`${scratch}\`.${table}`);
  });
}, 60_000);

afterAll(async () => {
  await dropDatabase(scratch);
  await dropDatabase(released);
});

describe("migration 003: the raw tables partitioned by day", () => {
  it("moves a populated database of the current release over and keeps every row", async () => {
    const before = await counts(released);
    expect(before.samples).toBe(samples.length);
    expect(before.disk_samples).toBeGreaterThan(samples.length);
    expect(before.security_findings).toBeGreaterThan(0);
    expect(before.poll_events).toBeGreaterThan(0);
    const logged: string[] = [];
    const store = new MysqlStore({
      ...TEST_SERVER,
      database: released,
      retentionDays: 0,
      onInfo: (m) => logged.push(m),
    });
    await store.open();
    await store.close();
    expect(await counts(released)).toEqual(before);
    expect(await seriesOf(released)).toEqual(await seriesOf(scratch));
    // a partition per day of the history, the oldest holding the oldest day, a week ahead, pmax
    const db = createKnex({ ...TEST_SERVER, database: released, poolMax: 1 });
    try {
      for (const table of PARTITIONED_TABLES) {
        const partitions = await listPartitions(db, table);
        expect(partitions[0]?.name, table).toBe(partitionName(TODAY - 39 * DAY_MS));
        expect(partitions.length, table).toBe(41 + DAYS_AHEAD + 1);
        expect(partitions.at(-1), table).toEqual({ name: "pmax", bound: null });
      }
    } finally {
      await db.destroy();
    }
    // the migration made the days of the history, the maintenance at open the week ahead
    expect(logged).toEqual(
      PARTITIONED_TABLES.map(
        (table) =>
          `created partitions ${partitionName(TODAY + 2 * DAY_MS)}..${partitionName(TODAY + (DAYS_AHEAD + 1) * DAY_MS)} of ${table} (${DAYS_AHEAD} days ahead)`,
      ),
    );
  });
});

describe("retention by day partitions", () => {
  it("drops exactly the day partitions past the horizon at open(), while a writer inserts", async () => {
    const writer = new MysqlStore({ ...TEST_SERVER, database: released, retentionDays: 0 });
    await writer.open();
    const written: PollSample[] = [];
    let stop = false;
    let pruneStarted = Number.POSITIVE_INFINITY;
    let pruneEnded = Number.POSITIVE_INFINITY;
    let during = 0;
    const failures: unknown[] = [];
    const writing = (async () => {
      for (let i = 0; i < 400 && !stop; i++) {
        const batch = AGENTS.map((agent, a) =>
          makeSample(agent, new Date(Date.now() - 60_000 + i * 10 + a).toISOString(), i),
        );
        try {
          const started = Date.now();
          await writer.writeSamples(batch);
          if (started >= pruneStarted && Date.now() <= pruneEnded) during++;
          written.push(...batch);
        } catch (error) {
          failures.push(error);
        }
      }
    })();
    const logged: string[] = [];
    const pruner = new MysqlStore({
      ...TEST_SERVER,
      database: released,
      retentionDays: 30,
      onInfo: (m) => logged.push(m),
    });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the writer is under way
    pruneStarted = Date.now();
    await pruner.open();
    pruneEnded = Date.now();
    stop = true;
    await writing;
    const db = createKnex({ ...TEST_SERVER, database: released, poolMax: 1 });
    try {
      const cutoff = Date.now() - 30 * DAY_MS;
      // the days wholly older than 30 days: those of 40..31 days ago
      const expired = Array.from({ length: 10 }, (_, k) => partitionName(TODAY - (30 + k) * DAY_MS)).sort();
      for (const table of PARTITIONED_TABLES) {
        const partitions = await listPartitions(db, table);
        expect(
          partitions.filter((p) => p.bound !== null && p.bound <= cutoff),
          table,
        ).toEqual([]);
        expect(partitions[0]?.bound, table).toBe(TODAY - 29 * DAY_MS);
        const dropped = logged
          .filter((m) => m.endsWith(` of ${table} (retention 30 d)`))
          .map((m) => /^dropped partition (p\d{8}) /.exec(m)?.[1]);
        expect(dropped.sort(), table).toEqual(expired);
      }
      const kept = samples.filter((s) => Date.parse(s.ts) >= TODAY - 30 * DAY_MS);
      const [rows] = (await db.raw("SELECT COUNT(*) AS n FROM samples")) as unknown as [Array<{ n: number }>];
      expect(Number(rows[0]?.n)).toBe(kept.length + written.length);
    } finally {
      await db.destroy();
      await pruner.close();
      await writer.close();
    }
    expect(failures).toEqual([]);
    // inserts ran while the partitions were dropped, and every one was stored
    expect(during).toBeGreaterThan(0);
  });

  it("keeps the days ahead, lands an insert far in the future in pmax, and two collectors maintain at once", async () => {
    const logs: string[][] = [[], []];
    const stores = logs.map(
      (log) =>
        new MysqlStore({ ...TEST_SERVER, database: released, retentionDays: 0, onInfo: (m) => log.push(m) }),
    );
    for (const store of stores) await store.open();
    const db = createKnex({ ...TEST_SERVER, database: released, poolMax: 1 });
    try {
      const names = (await listPartitions(db, "samples")).map((p) => p.name);
      for (let day = 0; day <= DAYS_AHEAD; day++)
        expect(names).toContain(partitionName(TODAY + (day + 1) * DAY_MS));
      // a clock gone wrong: the sample is stored (in pmax), and read back
      const future = makeSample("web-01", "2100-01-01T00:00:00.000Z", 1);
      await stores[0]!.writeSamples([future]);
      const [rows] = (await db.raw(
        "SELECT COUNT(*) AS n FROM samples PARTITION (pmax) WHERE ts = '2100-01-01 00:00:00.000'",
      )) as unknown as [Array<{ n: number }>];
      expect(Number(rows[0]?.n)).toBe(1);
      // 20 days later, both collectors at the same moment: each day made once, by one of them
      const later = Date.now() + 20 * DAY_MS;
      const results = await Promise.all(stores.map((store) => store.pruneOlderThan(30, later)));
      const made = results
        .flatMap((r) => r.created)
        .filter((c) => c.table === "samples")
        .map((c) => c.name);
      const wanted = Array.from({ length: 20 }, (_, k) =>
        partitionName(TODAY + (DAYS_AHEAD + 2 + k) * DAY_MS),
      );
      expect(made.sort()).toEqual(wanted);
      const dropped = results.flatMap((r) => r.dropped).map((d) => `${d.table}.${d.name}`);
      expect(dropped.length).toBeGreaterThan(0);
      expect(new Set(dropped).size).toBe(dropped.length);
      const after = await listPartitions(db, "samples");
      const bounds = after.map((p) => p.bound).filter((b): b is number => b !== null);
      for (let i = 1; i < bounds.length; i++) expect(bounds[i]! - bounds[i - 1]!).toBe(DAY_MS);
      expect(bounds.at(-1)).toBe(startOfDay(later) + (DAYS_AHEAD + 1) * DAY_MS);
      // each statement logged once, by the collector that ran it
      const lines = [...logs[0]!, ...logs[1]!].filter((m) => m.includes(" of samples "));
      expect(new Set(lines).size).toBe(lines.length);
      // the future sample is still there (pmax was split, its row moved along)
      const [still] = (await db.raw(
        "SELECT COUNT(*) AS n FROM samples WHERE ts = '2100-01-01 00:00:00.000'",
      )) as unknown as [Array<{ n: number }>];
      expect(Number(still[0]?.n)).toBe(1);
    } finally {
      await db.destroy();
      for (const store of stores) await store.close();
    }
  });

  it("says which privilege is missing when the account may not drop partitions", async () => {
    const user = `hw_${released.slice(-10)}`;
    await withServer(async (db) => {
      await db.raw(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw'`);
      // the grants db/README.md gave before retention dropped partitions
      await db.raw(
        `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX ON \`${released}\`.* TO '${user}'@'%'`,
      );
    });
    const store = new MysqlStore({
      ...TEST_SERVER,
      user,
      password: "pw",
      database: released,
      retentionDays: 0,
    });
    try {
      await store.open();
      await expect(store.pruneOlderThan(30, Date.now() + 60 * DAY_MS)).rejects.toThrow(
        /cannot drop partition p\d{8} of samples: the account lacks the DROP privilege/,
      );
    } finally {
      await store.close();
      await withServer((db) => db.raw(`DROP USER '${user}'@'%'`));
    }
  });
});
