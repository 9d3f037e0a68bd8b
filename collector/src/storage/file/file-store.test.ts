import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import type { PollEvent, PollSample } from "../records.js";
import { listRotatedFiles } from "./file-names.js";
import { FileHistoryReader } from "./file-reader.js";
import { FileStore } from "./file-store.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/snapshot.json", import.meta.url), "utf8"),
) as MetricsSnapshot;
const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };

const sample = (i: number, agent = "web-01"): PollSample => {
  const ts = new Date(T0 + i * 1000).toISOString();
  return { agent, ts, duration_ms: 5 + (i % 7), snapshot: { ...fixture, timestamp: ts } };
};
const samples = (from: number, count: number) => Array.from({ length: count }, (_, i) => sample(from + i));
const LINE_BYTES = Buffer.byteLength(JSON.stringify(sample(0))) + 50;

describe("file store", () => {
  let dir: string;
  const stores: FileStore[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "file-store-"));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  const files = (root = dir) => ({
    metricsFile: path.join(root, "metrics_data.log"),
    jsonFile: path.join(root, "metrics_data.jsonl"),
    eventsFile: path.join(root, "poll_events.jsonl"),
    alertsFile: path.join(root, "alerts.jsonl"),
  });
  const openStore = async (maxSizeBytes = 10 * 1024 * 1024, backupCount = 5, root = dir) => {
    const store = new FileStore({ ...files(root), maxSizeBytes, backupCount });
    stores.push(store);
    await store.open();
    return store;
  };
  const readAll = async () => {
    const reader = new FileHistoryReader(files());
    const out: PollSample[] = [];
    for await (const s of reader.samples(ALL)) out.push(s);
    await reader.close();
    return out;
  };
  const today = () => new Date().toISOString().slice(0, 10);

  it("writes samples and events that read back equal, the current files behind stable names", async () => {
    const store = await openStore();
    const events: PollEvent[] = [
      {
        agent: "db-01",
        ts: sample(1).ts,
        kind: "poll_error",
        error: "timeout",
        consecutive_failures: 1,
        duration_ms: 10_000,
      },
      {
        agent: "db-01",
        ts: sample(1).ts,
        kind: "down",
        error: "timeout",
        consecutive_failures: 3,
        duration_ms: 10_000,
      },
    ];
    await store.writeSamples(samples(0, 20));
    await store.writeEvents(events);
    await store.flush();

    expect(await readAll()).toEqual(samples(0, 20));
    const reader = new FileHistoryReader(files());
    const readEvents: PollEvent[] = [];
    for await (const e of reader.events(ALL)) readEvents.push(e);
    expect(readEvents).toEqual(events);

    const { metricsFile, jsonFile } = files();
    expect(realpathSync(jsonFile)).toBe(realpathSync(path.join(dir, `metrics_data-${today()}.jsonl`)));
    const log = readFileSync(metricsFile, "utf8").split("\n");
    expect(log).toHaveLength(21);
    expect(log[0]).toBe(
      `${sample(0).ts} web-01 cpu=1.6% temp=n/a load=0.14/0.70/0.77 mem=2.8% disk=22.0%(/) security=warning`,
    );
  });

  it("has the lines on disk when writeSamples and flush resolve", async () => {
    const store = await openStore();
    for (let i = 0; i < 5; i++) {
      await store.writeSamples([sample(i)]);
      expect(readFileSync(files().jsonFile, "utf8").split("\n")).toHaveLength(i + 2);
    }
    void store.writeSamples(samples(5, 50));
    void store.writeEvents([]);
    await store.flush();
    expect(readFileSync(files().jsonFile, "utf8").trimEnd().split("\n")).toHaveLength(55);
    expect(readFileSync(files().metricsFile, "utf8").trimEnd().split("\n")).toHaveLength(55);
  });

  it("rotates at max size and keeps exactly backup_count gzipped archives", async () => {
    const maxSize = 20 * 1024;
    const store = await openStore(maxSize, 3);
    for (let i = 0; i < 80; i++) await store.writeSamples(samples(i * 10, 10));
    await store.close(); // waits for the archiving too

    const jsonFiles = await listRotatedFiles(files().jsonFile);
    const current = realpathSync(files().jsonFile);
    const archives = jsonFiles.filter((f) => f.path !== current);
    expect(archives).toHaveLength(3);
    expect(archives.every((f) => f.gzipped)).toBe(true);
    expect(jsonFiles.at(-1)?.path).toBe(current);
    // the oldest archives went: numbering went well past backup_count
    expect(jsonFiles[0]?.counter).toBeGreaterThan(100);
    for (const f of archives) {
      const text = gunzipSync(readFileSync(f.path)).toString("utf8");
      expect(text.length).toBeGreaterThan(maxSize);
      expect(text.length).toBeLessThan(maxSize + LINE_BYTES);
      expect(text.endsWith("\n")).toBe(true);
      for (const line of text.trimEnd().split("\n")) expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    const logArchives = (await listRotatedFiles(files().metricsFile)).filter((f) => f.gzipped);
    expect(logArchives).toHaveLength(3);

    // the newest samples are all there, in order
    const read = await readAll();
    expect(read.at(-1)).toEqual(sample(799));
    expect(read).toEqual(samples(800 - read.length, read.length));
  });

  it("keeps no archive with backup_count 0", async () => {
    const store = await openStore(20 * 1024, 0);
    for (let i = 0; i < 20; i++) await store.writeSamples(samples(i * 10, 10));
    await store.close();
    const names = readdirSync(dir).filter(
      (name) => name.startsWith("metrics_data-") && name.endsWith("jsonl"),
    );
    const gz = readdirSync(dir).filter((name) => name.endsWith(".gz") || name.endsWith(".tmp"));
    expect(names).toEqual([path.basename(realpathSync(files().jsonFile))]);
    expect(gz).toEqual([]);
  });

  it("rotates at UTC midnight, and the reader skips days before the range", async () => {
    const at = (iso: string, i: number): PollSample => ({
      ...sample(i),
      ts: new Date(Date.parse(iso) + i).toISOString(),
    });
    const day1 = Array.from({ length: 5 }, (_, i) => at("2026-11-22T23:59:59.000Z", i));
    const day2 = Array.from({ length: 5 }, (_, i) => at("2026-11-23T00:00:00.500Z", i));
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-11-22T23:59:59.500Z"));
      const store = await openStore();
      await store.writeSamples(day1);
      vi.setSystemTime(new Date("2026-11-23T00:00:01.000Z"));
      await store.writeSamples(day2);
      await store.close();
    } finally {
      vi.useRealTimers();
    }
    const names = (await listRotatedFiles(files().jsonFile)).map((f) => path.basename(f.path));
    expect(names).toEqual(["metrics_data-2026-11-22.jsonl.gz", "metrics_data-2026-11-23.jsonl"]);
    expect(await readAll()).toEqual([...day1, ...day2]);
    const reader = new FileHistoryReader(files());
    const fromDay2: PollSample[] = [];
    for await (const s of reader.samples({ from: Date.parse("2026-11-23T00:00:00Z"), to: ALL.to }))
      fromDay2.push(s);
    expect(fromDay2).toEqual(day2);
  });

  it("continues the day's numbering after a restart and finishes its archiving", async () => {
    const first = await openStore(20 * 1024, 100);
    for (let i = 0; i < 10; i++) await first.writeSamples(samples(i * 10, 10));
    await first.close();
    const before = realpathSync(files().jsonFile);

    const second = await openStore(20 * 1024, 100);
    for (let i = 10; i < 20; i++) await second.writeSamples(samples(i * 10, 10));
    await second.close();

    const jsonFiles = await listRotatedFiles(files().jsonFile);
    const current = realpathSync(files().jsonFile);
    expect(jsonFiles.filter((f) => !f.gzipped).map((f) => f.path)).toEqual([current]);
    expect(jsonFiles.map((f) => f.path)).toContain(`${before}.gz`);
    expect(await readAll()).toEqual(samples(0, 200));
  });

  it("loses nothing when a restart reuses file names (its rotation audit was deleted)", async () => {
    const first = await openStore(20 * 1024, 100);
    for (let i = 0; i < 10; i++) await first.writeSamples(samples(i * 10, 10));
    await first.close();
    rmSync(path.join(dir, ".metrics_data.jsonl-audit.json"));

    const second = await openStore(20 * 1024, 100);
    for (let i = 10; i < 20; i++) await second.writeSamples(samples(i * 10, 10));
    await second.close();
    const plain = (await listRotatedFiles(files().jsonFile)).filter((f) => !f.gzipped);
    expect(plain.map((f) => f.path)).toEqual([realpathSync(files().jsonFile)]);
    expect(await readAll()).toEqual(samples(0, 200));
  });

  it("ends a partial last line left by a crash before appending", async () => {
    const first = await openStore();
    await first.writeSamples(samples(0, 3));
    await first.close();
    appendFileSync(files().jsonFile, JSON.stringify(sample(3)).slice(0, 100));

    const second = await openStore();
    await second.writeSamples(samples(4, 3));
    await second.flush();
    expect((await readAll()).map((s) => s.ts)).toEqual([0, 1, 2, 4, 5, 6].map((i) => sample(i).ts));
  });

  it("rejects when the directory cannot be created (its parent is a file)", async () => {
    writeFileSync(path.join(dir, "plain-file"), "");
    const root = path.join(dir, "plain-file", "data");
    const store = new FileStore({ ...files(root), maxSizeBytes: 1024 * 1024, backupCount: 1 });
    stores.push(store);
    await expect(store.open()).rejects.toThrow(/ENOTDIR|EEXIST/);
    await expect(store.writeSamples([sample(0)])).rejects.toThrow(/ENOTDIR|EEXIST/);
  });

  it("rejects a write that fails on disk (ENOSPC), and writes again once the disk is back", async () => {
    const full = path.join(dir, `metrics_data-${today()}.jsonl`);
    symlinkSync("/dev/full", full);
    const store = await openStore();
    await expect(store.writeSamples(samples(0, 5))).rejects.toThrow(/ENOSPC/);
    await expect(store.writeSamples(samples(0, 5))).rejects.toThrow(/ENOSPC/);

    rmSync(full);
    await store.writeSamples(samples(0, 5));
    await store.flush();
    expect(await readAll()).toEqual(samples(0, 5));
  });
});
