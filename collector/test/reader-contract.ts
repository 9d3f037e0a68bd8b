// The read contract every storage backend passes (HistoryReader, storage/store.ts): one suite,
// run against the file store and MySQL by reader-contract.*.test.ts. Not a test file itself.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AlertRecord, PollEvent, PollSample, Store, TimeRange } from "../src/storage/index.js";
import { SAMPLE_SCALARS, SERIES_COLUMNS, seriesRowOf, valueOf } from "../src/storage/index.js";
import type { HistoryReader } from "../src/storage/index.js";
import type { SeriesQuery } from "../src/storage/index.js";
import { diskAlert } from "./support/alert-notifications.js";
import { makeSample } from "./support/mysql-server.js";
import { readSeries, type SeriesRead } from "./support/series-read.js";

/** A backend under test: a new, empty store and readers on what it wrote. */
export interface ContractBackend {
  /**
   * Opens an empty store whose limits make the fixture span several units of storage (rotated
   * and gzipped files, several pages of a query).
   */
  create(): Promise<ContractStore>;
}

export interface ContractStore {
  store: Store;
  /** A new reader on what the store wrote (after flush). */
  reader(): HistoryReader;
  /** Removes the oldest data as the backend's retention does; every sample before the returned time is gone. */
  forgetOldest(): Promise<number>;
  dispose(): Promise<void>;
}

const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const STEP_MS = 10_000;
/** The midnight after T0: retention's fixture spans it. */
export const MIDNIGHT = Date.parse("2026-11-23T00:00:00.000Z");
const AGENTS = ["db-01", "web-01", "web-02"];
const ALL: TimeRange = { from: 0, to: Date.UTC(9000, 0, 1) };

/** Sample i of every agent: one poll cycle, at T0 + i × 10 s. */
function cycle(i: number): PollSample[] {
  return AGENTS.map((agent, a) => makeSample(agent, new Date(T0 + i * STEP_MS + a).toISOString(), i * 7 + a));
}

function cycles(from: number, count: number): PollSample[] {
  return Array.from({ length: count }, (_, k) => cycle(from + k)).flat();
}

/** What a series read must give for these samples: per agent, in time order, as seriesRowOf reads them. */
function expectedSeries(
  samples: readonly PollSample[],
  query: SeriesQuery = ALL,
): Map<string, ReturnType<typeof seriesRowOf>[]> {
  const rows = samples
    .map(seriesRowOf)
    .filter((row) => row.time >= query.from && row.time < query.to && (query.agents?.has(row.agent) ?? true))
    .sort((a, b) => a.time - b.time);
  const byAgent = new Map<string, ReturnType<typeof seriesRowOf>[]>();
  for (const row of rows) byAgent.set(row.agent, [...(byAgent.get(row.agent) ?? []), row]);
  return byAgent;
}

/** Checks a read against the written samples: times, every column, every mount. */
function expectSeriesOf(read: SeriesRead, samples: readonly PollSample[], query: SeriesQuery = ALL): void {
  const expected = expectedSeries(samples, query);
  expect([...read.keys()].sort()).toEqual([...expected.keys()].sort());
  const names = query.columns ?? SERIES_COLUMNS.map((column) => column.name);
  for (const [agent, rows] of expected) {
    const series = read.get(agent)!;
    expect(series.t, agent).toEqual(rows.map((row) => row.time));
    expect(Object.keys(series.values).sort(), agent).toEqual([...names].sort());
    for (const name of names) {
      const index = SERIES_COLUMNS.findIndex((column) => column.name === name);
      expect(series.values[name], `${agent} ${name}`).toEqual(rows.map((row) => row.values[index]));
    }
    const mounts = new Set(rows.flatMap((row) => row.mounts));
    expect(new Set(series.disks.keys()), agent).toEqual(mounts);
    for (const mount of mounts)
      expect(series.disks.get(mount), `${agent} ${mount}`).toEqual(
        rows.map((row) => {
          const d = row.mounts.indexOf(mount);
          return d === -1 ? Number.NaN : row.percents[d];
        }),
      );
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function event(agent: string, i: number, kind: PollEvent["kind"]): PollEvent {
  return {
    agent,
    ts: new Date(T0 + i * STEP_MS + 5).toISOString(),
    kind,
    error: kind === "up" ? null : "timeout",
    consecutive_failures: kind === "up" ? 0 : 3,
    duration_ms: 5000,
  };
}

export function describeReaderContract(name: string, backend: ContractBackend): void {
  describe(`${name}: the read contract`, () => {
    let opened: ContractStore;
    let readers: HistoryReader[];
    const reader = (): HistoryReader => {
      const r = opened.reader();
      readers.push(r);
      return r;
    };
    const write = async (...batches: PollSample[][]): Promise<void> => {
      for (const batch of batches) await opened.store.writeSamples(batch);
      await opened.store.flush();
    };

    beforeEach(async () => {
      readers = [];
      opened = await backend.create();
      await opened.store.open();
    });
    afterEach(async () => {
      for (const r of readers) await r.close();
      await opened.store.close();
      await opened.dispose();
    });

    it("reads every sample's series over several files or pages, per agent in time order", async () => {
      const samples = cycles(0, 150);
      for (let i = 0; i < 150; i += 10) await write(samples.slice(i * 3, (i + 10) * 3));
      expectSeriesOf(await readSeries(reader(), ALL), samples);
    });

    it("filters by time (from inclusive, to exclusive), by agent, and reads only the columns asked", async () => {
      const samples = cycles(0, 40);
      await write(samples);
      const query = { from: T0 + 10 * STEP_MS, to: T0 + 30 * STEP_MS, agents: new Set(["web-01", "db-01"]) };
      expectSeriesOf(await readSeries(reader(), query), samples, query);
      const columns = {
        ...ALL,
        columns: ["cpu_usage_percent", "cpu_core_max_percent", "memory_usage_percent"],
      };
      expectSeriesOf(await readSeries(reader(), columns), samples, columns);
      expect(await readSeries(reader(), { ...ALL, agents: new Set(["nobody"]) })).toEqual(new Map());
    });

    it("reads one point per step, each column aggregated as the catalog says, disks by their highest", async () => {
      const samples = cycles(0, 40);
      await write(samples.slice(0, 60), samples.slice(60));
      const step = 60_000;
      const read = await readSeries(reader(), { ...ALL, step });
      for (const [agent, rows] of expectedSeries(samples)) {
        const buckets = new Map<number, typeof rows>();
        for (const row of rows) {
          const start = Math.floor(row.time / step) * step;
          buckets.set(start, [...(buckets.get(start) ?? []), row]);
        }
        const series = read.get(agent)!;
        expect(series.t, agent).toEqual([...buckets.keys()]);
        for (const [index, column] of SERIES_COLUMNS.entries()) {
          const expected = [...buckets.values()].map((bucket) => {
            const values = bucket.map((row) => row.values[index]!).filter((v) => !Number.isNaN(v));
            if (values.length === 0) return Number.NaN;
            if (column.aggregate === "max") return Math.max(...values);
            if (column.aggregate === "last") return values[values.length - 1];
            const sum = values.reduce((a, b) => a + b, 0);
            return column.aggregate === "sum" ? sum : sum / values.length;
          });
          const got = series.values[column.name]!;
          expect(got.length, column.name).toBe(expected.length);
          for (const [i, value] of expected.entries())
            if (Number.isNaN(value)) expect(got[i], `${agent} ${column.name}`).toBeNaN();
            else expect(got[i], `${agent} ${column.name}`).toBeCloseTo(value!, 9);
        }
        const root = [...buckets.values()].map((bucket) =>
          Math.max(...bucket.map((row) => row.percents[row.mounts.indexOf("/")] ?? Number.NEGATIVE_INFINITY)),
        );
        expect(series.disks.get("/"), agent).toEqual(root);
      }
      await expect(readSeries(reader(), { ...ALL, step: 0 })).rejects.toThrow(/step/);
    });

    it("reads a sample written twice, in one batch or replayed later, once", async () => {
      const samples = cycles(0, 30);
      const first = samples.slice(0, 45);
      await write(first, [...samples.slice(45), samples[50]!], first);
      expectSeriesOf(await readSeries(reader(), ALL), samples);
    });

    it("puts a late replay (a spooled batch written after newer samples) in its place", async () => {
      const samples = cycles(0, 60);
      const late = samples.slice(60, 90);
      await write(samples.slice(0, 60), samples.slice(90), late);
      expectSeriesOf(await readSeries(reader(), ALL), samples);
    });

    it("reads what retention left after it removed the oldest data", async () => {
      // across a midnight (UTC), so that a store dropping whole days has one to drop
      const first = (MIDNIGHT - T0) / STEP_MS - 75;
      const samples = cycles(first, 150);
      for (let i = 0; i < 150; i += 10) await write(samples.slice(i * 3, (i + 10) * 3));
      const kept = await opened.forgetOldest();
      expect(kept).toBeGreaterThan(T0 + first * STEP_MS);
      const rest = samples.filter((s) => Date.parse(s.ts) >= kept);
      expect(rest.length).toBeGreaterThan(0);
      expect(rest.length).toBeLessThan(samples.length);
      expectSeriesOf(await readSeries(reader(), ALL), rest);
    });

    it("gives the whole samples at the times asked, leaving out those it does not hold", async () => {
      const samples = cycles(0, 50);
      await write(samples.slice(0, 75), samples.slice(75));
      const newest = new Map(AGENTS.map((agent) => [agent, T0 + 49 * STEP_MS + AGENTS.indexOf(agent)]));
      // web-02 asked at a time it has no sample at, and an agent never seen
      const found = await reader().samplesAt(new Map([...newest, ["nobody", T0], ["web-02", T0 + 1]]));
      expect([...found.keys()].sort()).toEqual(["db-01", "web-01"]);
      for (const [agent, sample] of found) {
        const written = samples.find((s) => s.agent === agent && Date.parse(s.ts) === newest.get(agent))!;
        expect(sample.agent).toBe(agent);
        expect(sample.ts).toBe(written.ts);
        // every stored scalar (a rebuilt snapshot lacks what only the JSON keeps, per-core usage)
        for (const column of SAMPLE_SCALARS.filter((c) => c.derive === undefined || c.restore))
          expect(valueOf(column, sample.snapshot), column.name).toEqual(valueOf(column, written.snapshot));
        expect(sample.snapshot.disks).toEqual(expect.arrayContaining(written.snapshot.disks ?? []));
      }
    });

    it("reads poll events in time order, filtered, replays dropped", async () => {
      const events = [
        event("web-01", 1, "poll_error"),
        event("web-02", 2, "down"),
        event("web-01", 3, "down"),
        event("web-01", 9, "up"),
      ];
      await opened.store.writeEvents(events.slice(0, 3));
      await opened.store.writeEvents(events.slice(1));
      await opened.store.flush();
      expect(await collect(reader().events(ALL))).toEqual(events);
      expect(await collect(reader().events({ ...ALL, agent: "web-01" }))).toEqual([
        events[0],
        events[2],
        events[3],
      ]);
      expect(await collect(reader().events({ from: T0 + 2 * STEP_MS, to: T0 + 9 * STEP_MS }))).toEqual(
        events.slice(1, 3),
      );
    });

    it("reads each alert's newest state by time, filtered by the alert's agent", async () => {
      const at = (i: number) => new Date(T0 + i * STEP_MS).toISOString();
      const firing: AlertRecord = {
        kind: "firing",
        message: "disk full",
        alert: {
          ...diskAlert,
          id: `${diskAlert.key}/${T0 + 1 * STEP_MS}`,
          started_at: at(1),
          last_notified_at: at(1),
        },
        ts: at(1),
      };
      const other: AlertRecord = {
        kind: "firing",
        message: "cpu",
        alert: {
          ...diskAlert,
          id: `db-01/cpu_usage/${T0 + 2 * STEP_MS}`,
          key: "db-01/cpu_usage",
          agent: "db-01",
          metric: "cpu_usage",
          mount: undefined,
          started_at: at(2),
          last_notified_at: at(2),
        },
        ts: at(2),
      };
      const resolved: AlertRecord = {
        ...firing,
        kind: "resolved",
        message: "disk ok",
        alert: { ...firing.alert, state: "resolved", resolved_at: at(5) },
        ts: at(5),
      };
      await opened.store.writeAlerts([firing, other]);
      await opened.store.writeAlerts([resolved, other]);
      await opened.store.flush();
      // alert ids are the collector's: key/start (ms)
      const newestOf = (records: AlertRecord[]) => new Map(records.map((r) => [r.alert.key, r]));
      const all = newestOf(await collect(reader().alerts(ALL)));
      expect(all.get(diskAlert.key)).toMatchObject({
        kind: "resolved",
        ts: at(5),
        alert: { state: "resolved", resolved_at: at(5) },
      });
      expect(all.get("db-01/cpu_usage")).toMatchObject({
        kind: "firing",
        ts: at(2),
        alert: { agent: "db-01" },
      });
      expect([...newestOf(await collect(reader().alerts({ ...ALL, agent: "db-01" }))).keys()]).toEqual([
        "db-01/cpu_usage",
      ]);
    });

    it("can be left in the middle of a read, and read again", async () => {
      const samples = cycles(0, 100);
      for (let i = 0; i < 100; i += 20) await write(samples.slice(i * 3, (i + 20) * 3));
      const r = reader();
      for await (const batch of r.series(ALL)) if (batch.t.length > 0) break;
      expectSeriesOf(await readSeries(r, ALL), samples);
    });
  });
}
