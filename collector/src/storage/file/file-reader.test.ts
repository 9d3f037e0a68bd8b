import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import { SERIES_COLUMNS } from "../columns.js";
import type { AlertRecord, PollSample, TimeRange } from "../records.js";
import { seriesRowOf, type SeriesBatch, type SeriesQuery } from "../series.js";
import { FileHistoryReader } from "./file-reader.js";
import type { FilePart } from "./record-stream.js";
import { FileStore } from "./file-store.js";
import { sampleJsonLine } from "./lines.js";
import { addBatch, type SeriesRead } from "../../../test/support/series-read.js";

const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const snapshot = (i: number): MetricsSnapshot => ({
  timestamp: new Date(T0 + i * 1000).toISOString(),
  agent: {
    name: "web",
    hostname: "web",
    version: "0.1.0",
    platform: "linux",
    os: "Debian",
    kernel: "6.1",
    arch: "x64",
    uptime_s: i,
    boot_time: "2026-11-01T00:00:00.000Z",
  },
  load: { load_1: i / 100, load_5: 0.5, load_15: 0.25 },
  temperature: { cpu_celsius: null, max_celsius: null, sensors: [] },
  collector_status: [{ name: "cpu", ok: false, duration_ms: 1, error: "disabled" }],
  // about 3 KB per line, so that a 20 KB file holds a few samples
  disks: Array.from({ length: 12 }, (_, d) => ({
    mount: `/srv/volume-${d}`,
    device: `/dev/vd${d}`,
    fstype: "ext4",
    total_bytes: 1e12,
    used_bytes: 1e11 * d,
    usage_percent: d * 5,
    inodes_percent: null,
  })),
});
const sample = (i: number, agent = i % 2 === 0 ? "web-01" : "web-02"): PollSample => ({
  agent,
  ts: new Date(T0 + i * 1000).toISOString(),
  duration_ms: i % 13,
  snapshot: snapshot(i),
});
const samples = (from: number, count: number) => Array.from({ length: count }, (_, i) => sample(from + i));
const ALL: TimeRange = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** What a series read of these samples (in time order per agent) must give: seriesRowOf's rows. */
function expectedRead(list: readonly PollSample[]): SeriesRead {
  const out: SeriesRead = new Map();
  for (const row of list.map(seriesRowOf))
    addBatch(out, {
      agent: row.agent,
      t: Float64Array.of(row.time),
      values: Object.fromEntries(SERIES_COLUMNS.map((c, i) => [c.name, Float64Array.of(row.values[i]!)])),
      disks: new Map(row.mounts.map((mount, d) => [mount, Float64Array.of(row.percents[d]!)])),
    });
  return out;
}

describe("file history reader", () => {
  let dir: string;
  let jsonFile: string;
  let eventsFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "file-reader-"));
    jsonFile = path.join(dir, "metrics_data.jsonl");
    eventsFile = path.join(dir, "poll_events.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = async (range: TimeRange = ALL, options = {}) => {
    const reader = new FileHistoryReader({ jsonFile, eventsFile, ...options });
    const out: PollSample[] = [];
    for await (const s of reader.samples(range)) out.push(s);
    await reader.close();
    return out;
  };
  const readSeries = async (query: SeriesQuery = ALL) => {
    const reader = new FileHistoryReader({ jsonFile, eventsFile });
    const out: SeriesRead = new Map();
    for await (const batch of reader.series(query)) addBatch(out, batch);
    await reader.close();
    return out;
  };
  const write = async (batches: PollSample[][], maxSizeBytes = 20 * 1024, flush = true) => {
    const metricsFile = path.join(dir, "metrics_data.log");
    const alertsFile = path.join(dir, "alerts.jsonl");
    const store = new FileStore({
      metricsFile,
      jsonFile,
      eventsFile,
      alertsFile,
      maxSizeBytes,
      backupCount: 1000,
    });
    await store.open();
    for (const batch of batches) await store.writeSamples(batch);
    if (flush) await store.close();
    return store;
  };

  it("reads every sample across gzipped archives and the current file, in order", async () => {
    await write(Array.from({ length: 30 }, (_, b) => samples(b * 10, 10)));
    expect(await read()).toEqual(samples(0, 300));
  });

  it("reads every sample while archives are still being gzipped", async () => {
    const store = await write(
      Array.from({ length: 30 }, (_, b) => samples(b * 10, 10)),
      20 * 1024,
      false,
    );
    expect(await read()).toEqual(samples(0, 300));
    await store.close();
  });

  it("filters by time (from inclusive, to exclusive) and by agent", async () => {
    await write([samples(0, 100)]);
    const at = (i: number) => T0 + i * 1000;
    expect(await read({ from: at(10), to: at(20) })).toEqual(samples(10, 10));
    expect(await read({ from: at(10), to: at(20), agent: "web-02" })).toEqual(
      samples(10, 10).filter((s) => s.agent === "web-02"),
    );
    expect(await read({ from: at(100), to: at(200) })).toEqual([]);
  });

  it("reads a sample written twice (a replayed batch) once", async () => {
    await write([samples(0, 20), samples(10, 20), samples(0, 5)]);
    expect(await read()).toEqual(samples(0, 30));
  });

  it("puts slightly out-of-order samples in order", async () => {
    const shuffled = samples(0, 50).sort((a, b) => (a.duration_ms % 3) - (b.duration_ms % 3));
    await write([shuffled]);
    expect(await read()).toEqual(samples(0, 50));
  });

  it("skips malformed and truncated lines", async () => {
    const lines = samples(0, 3).map(sampleJsonLine);
    const truncated = sampleJsonLine(sample(3)).slice(0, 120);
    writeFileSync(
      path.join(dir, "metrics_data-2026-11-22.jsonl"),
      [lines[0], "not json", lines[1], "{}", lines[2], truncated].join("\n"),
    );
    expect(await read()).toEqual(samples(0, 3));
  });

  it("skips files dated before the range and reads a damaged archive up to the damage", async () => {
    const line = (i: number) => `${sampleJsonLine(sample(i))}\n`;
    // impossible content (a ts after the file's date) shows whether the file was read
    writeFileSync(path.join(dir, "metrics_data-2026-11-20.jsonl"), line(5));
    const gz = gzipSync(line(6) + line(7) + line(8));
    writeFileSync(path.join(dir, "metrics_data-2026-11-22.jsonl.gz"), gz.subarray(0, gz.length - 30));
    writeFileSync(path.join(dir, "metrics_data-2026-11-22.1.jsonl"), line(9));
    writeFileSync(path.join(dir, "metrics_data.jsonl.txt"), line(10));
    expect(await read({ from: Date.parse("2026-11-21T00:00:00Z"), to: ALL.to })).toEqual(
      expect.arrayContaining([sample(6), sample(9)]),
    );
    expect(
      (await read({ from: Date.parse("2026-11-21T00:00:00Z"), to: ALL.to })).map((s) => s.ts),
    ).not.toContain(sample(5).ts);
    expect((await read()).map((s) => s.ts)).toContain(sample(5).ts);
  });

  it("reads lines longer than a read and characters split between reads", async () => {
    const wide = (i: number): PollSample => {
      const s = sample(i, `h\u00e9\u2603-${i % 3}`);
      const detail = "\u00e9".repeat(i === 7 ? 300_000 : 1 + ((i * 7919) % 5000));
      return { ...s, snapshot: { ...s.snapshot, agent: { ...s.snapshot.agent, os: detail } } };
    };
    const written = Array.from({ length: 60 }, (_, i) => wide(i));
    await write([written], 100 * 1024 * 1024);
    expect(await read()).toEqual(written);
  });

  it("reads the series of every sample: as seriesRowOf gives them, once, in time order per agent", async () => {
    const shuffled = samples(0, 50).sort((a, b) => (a.duration_ms % 3) - (b.duration_ms % 3));
    await write([
      ...Array.from({ length: 10 }, (_, b) => samples(b * 10 + 50, 10)),
      shuffled,
      samples(20, 40),
    ]);
    expect(await readSeries()).toEqual(expectedRead(samples(0, 150)));
    const at = (i: number) => T0 + i * 1000;
    const some = await readSeries({ from: at(10), to: at(20), agents: new Set(["web-02", "db"]) });
    expect(some).toEqual(expectedRead(samples(10, 10).filter((s) => s.agent === "web-02")));
    const columns = ["load_1", "cpu_usage_percent"];
    const narrow = await readSeries({ ...ALL, columns });
    expect(Object.keys(narrow.get("web-01")!.values).sort()).toEqual([...columns].sort());
    expect(narrow.get("web-01")!.values.load_1).toEqual(
      samples(0, 150)
        .filter((s) => s.agent === "web-01")
        .map((s) => s.snapshot.load!.load_1),
    );
  });

  it("reads the same series in parts (whole lines, archives whole) as in one go", async () => {
    await write(
      Array.from({ length: 12 }, (_, b) => samples(b * 25, 25)),
      60 * 1024,
    );
    const whole = await readSeries();
    expect(whole).toEqual(expectedRead(samples(0, 300)));
    const reader = new FileHistoryReader({ jsonFile, eventsFile });
    const parts: FilePart[] = await reader.seriesParts(ALL, 4);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(parts.some((part) => part.bytes !== undefined)).toBe(true);
    // parts read in parallel, then put together in order
    const reads = await Promise.all(
      parts.map(async (part) => {
        const out: SeriesBatch[] = [];
        for await (const batch of reader.seriesOfPart(part, ALL)) out.push(batch);
        return out;
      }),
    );
    await reader.close();
    const inParts: SeriesRead = new Map();
    for (const batch of reads.flat()) addBatch(inParts, batch);
    expect(inParts).toEqual(whole);
  });

  it("gives the whole samples at each agent's newest time of a series read", async () => {
    await write([samples(0, 30)]);
    const read = await readSeries();
    const newest = new Map([...read].map(([agent, series]) => [agent, series.t.at(-1)!]));
    const reader = new FileHistoryReader({ jsonFile, eventsFile });
    const found = await reader.samplesAt(newest);
    await reader.close();
    expect(found).toEqual(
      new Map([
        ["web-01", sample(28)],
        ["web-02", sample(29)],
      ]),
    );
  });

  it("reads the alert history: in time order, filtered, replays dropped", async () => {
    const alertsFile = path.join(dir, "alerts.jsonl");
    const alert = (agent: string, i: number, kind: AlertRecord["kind"]): AlertRecord => ({
      kind,
      ts: new Date(T0 + i * 1000).toISOString(),
      message: `${agent} cpu_usage ${kind}`,
      alert: {
        id: `${agent}/cpu_usage/${T0}`,
        key: `${agent}/cpu_usage`,
        agent,
        metric: "cpu_usage",
        severity: "warning",
        state: kind === "resolved" ? "resolved" : "firing",
        value: 91,
        threshold: 80,
        started_at: new Date(T0).toISOString(),
        resolved_at: kind === "resolved" ? new Date(T0 + i * 1000).toISOString() : null,
        last_notified_at: new Date(T0 + i * 1000).toISOString(),
      },
    });
    const history = [
      alert("web-01", 0, "firing"),
      alert("web-02", 1, "firing"),
      alert("web-01", 5, "resolved"),
    ];
    const store = await write([], 20 * 1024, false);
    await store.writeAlerts(history.slice(0, 2));
    await store.writeAlerts(history);
    await store.close();
    writeFileSync(path.join(dir, "alerts-2026-11-22.1.jsonl"), "not json\n{}\n");
    const readAlerts = async (range: TimeRange, withFile = true) => {
      const reader = new FileHistoryReader({ jsonFile, eventsFile, ...(withFile ? { alertsFile } : {}) });
      const out: AlertRecord[] = [];
      for await (const a of reader.alerts(range)) out.push(a);
      await reader.close();
      return out;
    };
    expect(await readAlerts(ALL)).toEqual(history);
    expect(await readAlerts({ from: T0 + 1000, to: ALL.to })).toEqual(history.slice(1));
    expect(await readAlerts({ ...ALL, agent: "web-01" })).toEqual([history[0], history[2]]);
    expect(await readAlerts(ALL, false)).toEqual([]);
  });

  it("reads nothing from a directory that does not exist", async () => {
    jsonFile = path.join(dir, "missing", "metrics_data.jsonl");
    expect(await read()).toEqual([]);
  });
});
