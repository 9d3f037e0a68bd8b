import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import { resolveRules } from "../../../collector/src/alerts/evaluator/rules.js";
import { parseCollectorConfig } from "../../../collector/src/config/load-config.js";
import { FileHistoryReader } from "../../../collector/src/storage/file/file-reader.js";
import { FileStore } from "../../../collector/src/storage/file/file-store.js";
import { makeSnapshot } from "../../../common/src/contract/example-snapshot.js";
import type { AlertRecord, PollEvent, PollSample } from "../../../collector/src/storage/records.js";
import type { SeriesBatch, SeriesQuery } from "../../../collector/src/storage/index.js";
import { MemoryHistoryReader, readAll } from "../../test/support/memory-reader.js";
import { valuesOf, type AgentHistory, type History } from "../model.js";
import { loadHistory } from "./load-history.js";

const T0 = Date.parse("2026-11-20T00:00:00.000Z");
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(T0 + ms).toISOString();

/** One sample a minute per agent for two hours; "before" only in the hour before the range. */
function history(): { samples: PollSample[]; events: PollEvent[]; alerts: AlertRecord[] } {
  const samples: PollSample[] = [];
  for (let minute = -30; minute < 120; minute++) {
    const at = iso(minute * 60_000);
    const add = (agent: string, snapshot: MetricsSnapshot) =>
      samples.push({ agent, ts: at, duration_ms: 4, snapshot });
    if (minute < 0) {
      if (minute === -10) add("before", makeSnapshot("before", at, 1));
      continue;
    }
    add("web-01", makeSnapshot("web-01", at, minute));
    const db = makeSnapshot("db-01", at, minute);
    add("db-01", { ...db, temperature: { cpu_celsius: null, max_celsius: null, sensors: [] } });
    if (minute < 90) add("cache-01", makeSnapshot("cache-01", at, minute));
    if (minute % 10 === 0) add("stray", makeSnapshot("stray", at, minute));
  }
  const event = (agent: string, ms: number, kind: PollEvent["kind"], failures: number): PollEvent => ({
    agent,
    ts: iso(ms),
    kind,
    error: kind === "up" ? null : "timeout",
    consecutive_failures: failures,
    duration_ms: 5000,
  });
  const events = [
    // web-01 went down and came back
    event("web-01", 30 * 60_000 + 5, "poll_error", 3),
    event("web-01", 30 * 60_000 + 5, "down", 3),
    event("web-01", 31 * 60_000, "up", 0),
    // cache-01 stops answering after its last sample
    event("cache-01", 90 * 60_000, "poll_error", 1),
    event("cache-01", 91 * 60_000, "poll_error", 2),
    event("cache-01", 92 * 60_000, "poll_error", 3),
    event("cache-01", 92 * 60_000, "down", 3),
    event("cache-01", 93 * 60_000, "poll_error", 4),
  ];
  const alert = (agent: string, ms: number, kind: AlertRecord["kind"]): AlertRecord => ({
    kind,
    ts: iso(ms),
    message: `${agent} agent_down ${kind}`,
    alert: {
      id: `${agent}/agent_down/${T0 + 92 * 60_000}`,
      key: `${agent}/agent_down`,
      agent,
      metric: "agent_down",
      severity: "critical",
      state: kind === "resolved" ? "resolved" : "firing",
      value: 3,
      threshold: 3,
      started_at: iso(92 * 60_000),
      resolved_at: null,
      last_notified_at: iso(ms),
    },
  });
  return {
    samples,
    events,
    alerts: [alert("cache-01", 92 * 60_000 + 1, "firing"), alert("web-01", 95 * 60_000, "firing")],
  };
}

const config = parseCollectorConfig({
  agents: ["web-01", "db-01", "cache-01", "spare-01", "before"].map((name) => ({
    name,
    host: "127.0.0.1",
    ...(name === "web-01"
      ? { thresholds: { cpu_usage: { warning: 60, critical: 95 }, disk_usage: null } }
      : {}),
  })),
  poll_interval: 60,
  thresholds: { cpu_usage: 75 },
});
const RANGE = { from: T0, to: T0 + 2 * HOUR };

describe.each([
  ["with its figures file", true],
  ["with its samples file only", false],
])("loadHistory over the file store %s", (_, withFigures) => {
  let dir: string;
  let reader: FileHistoryReader;
  const written = history();
  const byName = (h: History, name: string): AgentHistory => {
    const agent = h.agents.find((a) => a.series.agent === name);
    if (agent === undefined) throw new Error(`no ${name}`);
    return agent;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "load-history-"));
    const files = {
      metricsFile: path.join(dir, "metrics_data.log"),
      jsonFile: path.join(dir, "metrics_data.jsonl"),
      figuresFile: withFigures ? path.join(dir, "metrics_figures.jsonl") : undefined,
      eventsFile: path.join(dir, "poll_events.jsonl"),
      alertsFile: path.join(dir, "alerts.jsonl"),
    };
    const store = new FileStore({ ...files, maxSizeBytes: 256 * 1024, backupCount: 100 });
    await store.open();
    for (let i = 0; i < written.samples.length; i += 50)
      await store.writeSamples(written.samples.slice(i, i + 50));
    await store.writeEvents(written.events);
    await store.writeAlerts(written.alerts);
    await store.close();
    reader = new FileHistoryReader(files);
  });

  afterAll(async () => {
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives every agent of the config and of the data, sorted by name, with its series", async () => {
    const progress: number[] = [];
    const h = await loadHistory(reader, { ...RANGE, config, onProgress: (n) => progress.push(n) });
    expect(h.from).toBe(RANGE.from);
    expect(h.to).toBe(RANGE.to);
    expect(h.agents.map((a) => a.series.agent)).toEqual([
      "before",
      "cache-01",
      "db-01",
      "spare-01",
      "stray",
      "web-01",
    ]);
    const web = byName(h, "web-01");
    const inRange = written.samples.filter((s) => s.agent === "web-01");
    expect([...web.series.t]).toEqual(inRange.map((s) => Date.parse(s.ts)));
    expect(valuesOf(web.series, "cpu_usage_percent")[5]).toBe(inRange[5]?.snapshot.cpu?.usage_percent);
    expect([...web.series.disks.keys()]).toEqual(["/", "/boot/efi", "/srv/backup data"]);
    expect(web.series.latest).toEqual(inRange.at(-1)?.snapshot);
    expect(web.lastSeen).toBe(T0 + 119 * 60_000);
    expect(web.events.map((e) => e.kind)).toEqual(["poll_error", "down", "up"]);
    expect(web.down).toBe(false);
    expect(byName(h, "stray").series.t).toHaveLength(12);
    expect(progress.at(-1)).toBe(120 + 120 + 90 + 12);
  });

  it("leaves the temperature NaN for an agent without a sensor", async () => {
    const db = byName(await loadHistory(reader, { ...RANGE, config }), "db-01");
    expect(db.series.t).toHaveLength(120);
    expect(valuesOf(db.series, "cpu_temperature_celsius").every(Number.isNaN)).toBe(true);
    expect(valuesOf(db.series, "cpu_usage_percent").some(Number.isNaN)).toBe(false);
  });

  it("marks an agent down whose last change of state is a down after its last sample", async () => {
    const h = await loadHistory(reader, { ...RANGE, config });
    const cache = byName(h, "cache-01");
    expect(cache.down).toBe(true);
    expect(cache.lastSeen).toBe(T0 + 89 * 60_000);
    expect(cache.series.t).toHaveLength(90);
    expect(h.agents.filter((a) => a.down).map((a) => a.series.agent)).toEqual(["cache-01"]);
    // the down event before the range is gone, but the failures in it say so
    const late = await loadHistory(reader, {
      from: T0 + 93 * 60_000,
      to: RANGE.to,
      config,
      agent: "cache-01",
    });
    expect(late.agents[0]?.events.map((e) => e.kind)).toEqual(["poll_error"]);
    expect(late.agents[0]?.down).toBe(true);
  });

  it("keeps a configured agent without data, and finds the last sample of one that stopped before the range", async () => {
    const h = await loadHistory(reader, { ...RANGE, config });
    const spare = byName(h, "spare-01");
    expect(spare.series.t).toHaveLength(0);
    expect(spare.series.disks.size).toBe(0);
    expect(spare.series.latest).toBeUndefined();
    expect(spare.lastSeen).toBeUndefined();
    expect(spare.events).toEqual([]);
    expect(spare.down).toBe(false);
    const before = byName(h, "before");
    expect(before.series.t).toHaveLength(0);
    expect(before.lastSeen).toBe(T0 - 10 * 60_000);
    expect(before.series.latest?.agent.name).toBe("before");
    const noLookback = await loadHistory(reader, { ...RANGE, config, lookbackMs: 0 });
    expect(byName(noLookback, "before").lastSeen).toBeUndefined();
  });

  it("gives the rules from the config: the agent's own, the global ones, none without a config", async () => {
    const h = await loadHistory(reader, { ...RANGE, config });
    expect(byName(h, "web-01").rules).toEqual(
      resolveRules({ cpu_usage: 75 }, { cpu_usage: { warning: 60, critical: 95 }, disk_usage: null }),
    );
    expect(byName(h, "web-01").rules.disk_usage).toBeUndefined();
    expect(byName(h, "stray").rules).toEqual(resolveRules({ cpu_usage: 75 }));
    const bare = await loadHistory(reader, RANGE);
    expect(bare.agents.map((a) => a.series.agent)).toEqual(["cache-01", "db-01", "stray", "web-01"]);
    expect(bare.agents.every((a) => Object.keys(a.rules).length === 0)).toBe(true);
  });

  it("gives the alert history of the range, oldest first, and narrows everything to one agent", async () => {
    const h = await loadHistory(reader, { ...RANGE, config });
    expect(h.alerts).toEqual(written.alerts);
    const one = await loadHistory(reader, { ...RANGE, config, agent: "cache-01" });
    expect(one.agents.map((a) => a.series.agent)).toEqual(["cache-01"]);
    expect(one.alerts.map((a) => a.alert.agent)).toEqual(["cache-01"]);
  });

  it("builds the same history as a reader that takes the series off whole samples", async () => {
    const plain = new MemoryHistoryReader({ ...(await readAll(reader)), batchSize: 7 });
    expect(await loadHistory(plain, { ...RANGE, config })).toEqual(
      await loadHistory(reader, { ...RANGE, config }),
    );
    expect(await loadHistory(plain, { ...RANGE, config, agent: "web-01" })).toEqual(
      await loadHistory(reader, { ...RANGE, config, agent: "web-01" }),
    );
  });
});

describe("loadHistory through the read contract", () => {
  const MIN = 60_000;
  const sampleAt = (agent: string, minute: number): PollSample => {
    const at = iso(minute * MIN);
    return { agent, ts: at, duration_ms: 4, snapshot: makeSnapshot(agent, at, minute + 1) };
  };
  const samples = [
    sampleAt("before", -10),
    sampleAt("before", -5),
    ...Array.from({ length: 10 }, (_, minute) => sampleAt("web-01", minute)),
  ];

  it("fills each agent's latest snapshot with its newest sample, asking for nothing older", async () => {
    const reader = new MemoryHistoryReader({ samples, batchSize: 3 });
    const h = await loadHistory(reader, { ...RANGE, config });
    const web = h.agents.find((a) => a.series.agent === "web-01")!;
    expect(web.series.t).toHaveLength(10);
    expect(web.series.latest).toEqual(samples.at(-1)?.snapshot);
    expect(web.lastSeen).toBe(T0 + 9 * MIN);
    const before = h.agents.find((a) => a.series.agent === "before")!;
    expect(before.series.t).toHaveLength(0);
    expect(before.series.latest).toEqual(sampleAt("before", -5).snapshot);
    expect(before.lastSeen).toBe(T0 - 5 * MIN);
    expect(reader.samplesAtCalls).toEqual([
      new Map([
        ["before", T0 - 5 * MIN],
        ["web-01", T0 + 9 * MIN],
      ]),
    ]);
  });

  it("looks back only for the agents silent in the range, and only as far as asked", async () => {
    const reader = new MemoryHistoryReader({ samples });
    const h = await loadHistory(reader, { ...RANGE, config, lookbackMs: 7 * MIN });
    expect(reader.seriesQueries).toHaveLength(2);
    const [range, lookback] = reader.seriesQueries;
    expect(range).toMatchObject({ from: RANGE.from, to: RANGE.to });
    expect(range?.agents).toBeUndefined();
    expect(lookback).toMatchObject({ from: T0 - 7 * MIN, to: T0 });
    expect([...(lookback?.agents ?? [])].sort()).toEqual(["before", "cache-01", "db-01", "spare-01"]);
    // the look-back wants times only: no column to read
    expect(lookback?.columns).toEqual([]);
    expect(h.agents.find((a) => a.series.agent === "before")?.lastSeen).toBe(T0 - 5 * MIN);
    const short = await loadHistory(reader, { ...RANGE, config, lookbackMs: 4 * MIN });
    const before = short.agents.find((a) => a.series.agent === "before")!;
    expect(before.lastSeen).toBeUndefined();
    expect(before.series.latest).toBeUndefined();
  });

  it("drops the samples a reader gives again (an overlapping batch) and counts only those kept", async () => {
    class Overlapping extends MemoryHistoryReader {
      override async *series(query: SeriesQuery): AsyncIterable<SeriesBatch> {
        for await (const batch of super.series(query)) {
          yield batch;
          yield batch;
        }
      }
    }
    const progress: number[] = [];
    const h = await loadHistory(new Overlapping({ samples, batchSize: 4 }), {
      ...RANGE,
      onProgress: (n) => progress.push(n),
    });
    const web = h.agents.find((a) => a.series.agent === "web-01")!;
    expect([...web.series.t]).toEqual(Array.from({ length: 10 }, (_, minute) => T0 + minute * MIN));
    expect(progress).toEqual([10]);
    expect(h).toEqual(await loadHistory(new MemoryHistoryReader({ samples }), RANGE));
  });

  it("keeps an agent's series without its latest snapshot when the reader no longer finds that sample", async () => {
    class Forgetful extends MemoryHistoryReader {
      override async samplesAt(): Promise<Map<string, PollSample>> {
        return new Map();
      }
    }
    const h = await loadHistory(new Forgetful({ samples }), RANGE);
    const web = h.agents.find((a) => a.series.agent === "web-01")!;
    expect(web.series.t).toHaveLength(10);
    expect(web.series.latest).toBeUndefined();
    expect(web.lastSeen).toBe(T0 + 9 * MIN);
  });

  it("takes the range's series from readSeries when given, the snapshots still from the reader", async () => {
    const reader = new MemoryHistoryReader({ samples });
    const whole = await loadHistory(reader, { ...RANGE, config });
    const queries: SeriesQuery[] = [];
    const readSeries = async (query: SeriesQuery, capacity: number) => {
      queries.push(query);
      expect(capacity).toBe(120 + 16);
      return new Map(
        whole.agents.filter((a) => a.series.t.length > 0).map((a) => [a.series.agent, a.series]),
      );
    };
    const other = new MemoryHistoryReader({ samples });
    const h = await loadHistory(other, { ...RANGE, config, readSeries });
    expect(queries).toEqual([{ from: RANGE.from, to: RANGE.to, agents: undefined }]);
    expect(other.seriesQueries.map((q) => q.to)).toEqual([RANGE.from]);
    expect(h).toEqual(whole);
  });

  it("reports progress about every 10,000 samples read and at the end", async () => {
    const snapshot = makeSnapshot("web-01", iso(0));
    const many = Array.from({ length: 25_000 }, (_, i) => ({
      agent: "web-01",
      ts: iso(i * 100),
      duration_ms: 4,
      snapshot,
    }));
    const progress: number[] = [];
    await loadHistory(new MemoryHistoryReader({ samples: many, batchSize: 1000 }), {
      ...RANGE,
      onProgress: (n) => progress.push(n),
    });
    expect(progress).toEqual([10_000, 20_000, 25_000]);
  });
});
