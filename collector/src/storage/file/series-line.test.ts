import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import { makeSnapshot } from "../../../../common/src/contract/example-snapshot.js";
import { SERIES_COLUMNS } from "../columns.js";
import type { PollSample, TimeRange } from "../records.js";
import { seriesRowOf, type SeriesBatch, type SeriesQuery, type SeriesRow } from "../series.js";
import { listRotatedFiles } from "./file-names.js";
import { FileHistoryReader, type FileHistoryReaderOptions } from "./file-reader.js";
import type { FilePart } from "./record-stream.js";
import { FileStore } from "./file-store.js";
import { readTextsBackward } from "./find-samples.js";
import { AgentNames, readLineHead } from "./line-head.js";
import { sampleJsonLine } from "./lines.js";
import { SeriesLineParser, parseFiguresSinceLine, seriesLine } from "./series-line.js";
import { addBatch, type SeriesRead } from "../../../test/support/series-read.js";

const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const AGENTS = ["web-01", "web-02", 'db "main"'];
const sample = (i: number, agent = AGENTS[i % AGENTS.length]!): PollSample => {
  const ts = new Date(T0 + i * 1000).toISOString();
  return { agent, ts, duration_ms: i % 13, snapshot: makeSnapshot(agent, ts, i) };
};
const samples = (from: number, count: number) => Array.from({ length: count }, (_, i) => sample(from + i));
const ALL: TimeRange = { from: 0, to: Number.MAX_SAFE_INTEGER };
const NAMES = SERIES_COLUMNS.map((column) => column.name);
const at = (name: string): number => NAMES.indexOf(name);

/** A row as plain data: values as an array (a parsed row holds a Float64Array). */
const plain = (row: SeriesRow) => ({
  ...row,
  values: Array.from(row.values),
  percents: Array.from(row.percents),
});

function parseLine(line: string, parser = new SeriesLineParser()): SeriesRow | undefined {
  return parser.parse(line, 0, line.length, readLineHead(line, 0, line.length, new AgentNames()));
}

/** The columns of an "f" line, in its order: what metrics_figures.jsonl held before the catalog. */
const LEGACY = [
  "cpu_usage_percent",
  "cpu_core_min_percent",
  "cpu_core_max_percent",
  "cpu_count",
  "cpu_temperature_celsius",
  "load_1",
  "load_5",
  "load_15",
  "memory_usage_percent",
  "swap_percent",
  "net_rx_bytes_per_s",
  "net_tx_bytes_per_s",
  "security_issue_count",
  "ssh_failed_total",
];

/** A sample's line as the figures file was written before the catalog ("f": the LEGACY values). */
function legacyLine(s: PollSample): string {
  const row = seriesRowOf(s);
  return JSON.stringify({
    agent: s.agent,
    ts: s.ts,
    f: LEGACY.map((name) => row.values[at(name)]),
    disks: row.mounts.map((mount, i) => [mount, row.percents[i]]),
  });
}

/** What an "f" line gives: its values, the worst disk off its disks, and NaN for every column it lacks. */
function legacyRow(s: PollSample) {
  const row = plain(seriesRowOf(s));
  const values = row.values.map((value, i) =>
    LEGACY.includes(NAMES[i]!) || NAMES[i] === "worst_disk_usage_percent" ? value : Number.NaN,
  );
  return { ...row, values };
}

/** The same for rows: what a read of these rows must give (they are in time order per agent). */
function readOf(rows: ReadonlyArray<ReturnType<typeof plain>>): SeriesRead {
  const out: SeriesRead = new Map();
  for (const row of rows) {
    const disks = new Map<string, number[]>();
    for (const [d, mount] of row.mounts.entries()) disks.set(mount, [row.percents[d]!]);
    const values = Object.fromEntries(NAMES.map((name, i) => [name, [row.values[i]!]]));
    addBatch(out, {
      agent: row.agent,
      t: Float64Array.of(row.time),
      values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Float64Array.from(v)])),
      disks: new Map([...disks].map(([k, v]) => [k, Float64Array.from(v)])),
    });
  }
  return out;
}

const expectedRead = (list: readonly PollSample[]): SeriesRead =>
  readOf(list.map((s) => plain(seriesRowOf(s))));

describe("a metrics_figures.jsonl line (seriesLine)", () => {
  const full = sample(7);
  const bare: PollSample = {
    ...sample(8),
    snapshot: { timestamp: sample(8).ts, agent: full.snapshot.agent } as MetricsSnapshot,
  };
  const odd: PollSample = {
    ...sample(9, "odd"),
    snapshot: {
      ...sample(9).snapshot,
      temperature: { cpu_celsius: null, max_celsius: null, sensors: [] },
      security: { ...sample(9).snapshot.security!, status: "unavailable" },
      disks: [
        { ...sample(9).snapshot.disks![0]!, mount: '/mnt/"quoted"\\dir', usage_percent: 99.5 },
        { ...sample(9).snapshot.disks![0]!, mount: "/srv/\u00e9t\u00e9", usage_percent: 0 },
        { ...sample(9).snapshot.disks![0]!, mount: "/mnt/nan", usage_percent: Number.NaN },
      ],
    },
  };

  it("gives back what seriesRowOf gives, for full and sparse snapshots, in one line a tenth of the sample's", () => {
    for (const s of [full, bare, odd]) {
      const line = seriesLine(s);
      expect(line).not.toMatch(/[\n\r]/);
      expect(line.length).toBeLessThan(400);
      expect(line.length * 10).toBeLessThan(sampleJsonLine(full).length);
      expect(plain(parseLine(line)!)).toEqual(plain(seriesRowOf(s)));
    }
    const huge: PollSample = {
      ...full,
      snapshot: {
        ...full.snapshot,
        network: { ...full.snapshot.network!, rx_bytes_per_s: 1.5e21, tx_bytes_per_s: -0.000123 },
      },
    };
    expect(parseLine(seriesLine(huge))?.values[at("net_rx_bytes_per_s")]).toBe(1.5e21);
    expect(parseLine(seriesLine(huge))?.values[at("net_tx_bytes_per_s")]).toBe(-0.000123);
    // security unavailable: no issue count (not 0); no temperature; a disk without usage
    const row = parseLine(seriesLine(odd))!;
    expect(row.values[at("security_issue_count")]).toBeNaN();
    expect(row.values[at("cpu_temperature_celsius")]).toBeNaN();
    expect(row.mounts).toEqual(['/mnt/"quoted"\\dir', "/srv/\u00e9t\u00e9", "/mnt/nan"]);
    expect(Array.from(row.percents)).toEqual([99.5, 0, Number.NaN]);
    expect(row.values[at("worst_disk_usage_percent")]).toBe(99.5);
    expect(parseLine(seriesLine(full))?.values[at("security_issue_count")]).toBe(
      full.snapshot.security!.issue_count,
    );
  });

  it("is read whole when written another way (keys reordered), and in place inside a larger text", () => {
    const { agent, ts, v, disks } = JSON.parse(seriesLine(odd)) as Record<string, unknown>;
    const reordered = JSON.stringify({ agent, ts, disks, v });
    expect(plain(parseLine(reordered)!)).toEqual(plain(seriesRowOf(odd)));
    const parser = new SeriesLineParser();
    const lines = [full, odd, sample(10), bare, full].map(seriesLine);
    const text = lines.join("\n");
    const rows: SeriesRow[] = [];
    for (let start = 0, end = 0; start < text.length; start = end + 1) {
      end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      rows.push(parser.parse(text, start, end, readLineHead(text, start, end, new AgentNames()))!);
    }
    // one parser over lines of differing mounts: each row keeps its own
    expect(rows.map(plain)).toEqual([full, odd, sample(10), bare, full].map((s) => plain(seriesRowOf(s))));
  });

  it("written before a column was appended to the catalog (a shorter v) reads that column as missing", () => {
    const line = seriesLine(full);
    const { agent, ts, v, disks } = JSON.parse(line) as {
      agent: string;
      ts: string;
      v: number[];
      disks: unknown;
    };
    for (const kept of [NAMES.length - 1, NAMES.length - 2, 1]) {
      const older = JSON.stringify({ agent, ts, v: v.slice(0, kept), disks });
      const want = plain(seriesRowOf(full));
      want.values = want.values.map((value, i) => (i < kept ? value : Number.NaN));
      expect(plain(parseLine(older)!), `${kept} values`).toEqual(want);
    }
  });

  it("written before the catalog (an f line) reads its values into their columns", () => {
    // as 0.1 wrote it (figures-file.ts), for makeSnapshot("web-01", ts, 7)
    const written =
      '{"agent":"web-01","ts":"2026-11-22T06:00:07.000Z","f":[45.98,20,60,8,53.66,1.37,0.98,0.71,47.32,25,433000,216500,1,14],"disks":[["/",72.99],["/boot/efi",1.17],["/srv/backup data",61.43]]}';
    const row = parseLine(written)!;
    expect(row.agent).toBe("web-01");
    expect(row.time).toBe(T0 + 7000);
    const want: Record<string, number> = {
      cpu_usage_percent: 45.98,
      cpu_core_min_percent: 20,
      cpu_core_max_percent: 60,
      cpu_count: 8,
      cpu_temperature_celsius: 53.66,
      load_1: 1.37,
      load_5: 0.98,
      load_15: 0.71,
      memory_usage_percent: 47.32,
      swap_percent: 25,
      net_rx_bytes_per_s: 433000,
      net_tx_bytes_per_s: 216500,
      security_issue_count: 1,
      ssh_failed_total: 14,
      worst_disk_usage_percent: 72.99,
    };
    expect(Object.fromEntries(NAMES.map((name, i) => [name, row.values[i]]))).toEqual(
      Object.fromEntries(NAMES.map((name) => [name, want[name] ?? Number.NaN])),
    );
    expect(row.mounts).toEqual(["/", "/boot/efi", "/srv/backup data"]);
    expect(Array.from(row.percents)).toEqual([72.99, 1.17, 61.43]);
    // nulls, escapes, and lines in place or written another way
    const unavailable =
      '{"agent":"db \\"main\\"","ts":"2026-11-22T06:00:07.000Z","f":[41.12,20,60,8,null,1.2,0.98,0.71,44.08,25,352000,176000,null,14],"disks":[["/mnt/\\"q\\"\\\\d",99.5]]}';
    const other = parseLine(unavailable)!;
    expect(other.agent).toBe('db "main"');
    expect(other.values[at("cpu_temperature_celsius")]).toBeNaN();
    expect(other.values[at("security_issue_count")]).toBeNaN();
    expect(other.values[at("worst_disk_usage_percent")]).toBe(99.5);
    expect(other.mounts).toEqual(['/mnt/"q"\\d']);
    for (const s of [full, bare, odd, sample(10)]) {
      expect(plain(parseLine(legacyLine(s))!)).toEqual(legacyRow(s));
      const { agent, ts, f, disks } = JSON.parse(legacyLine(s)) as Record<string, unknown>;
      expect(plain(parseLine(JSON.stringify({ agent, ts, disks, f }))!)).toEqual(legacyRow(s));
    }
  });

  it("is not a since line, and a since line or a damaged line gives no row", () => {
    const since = '{"figures_since":"2026-11-22T06:00:00.000Z"}';
    expect(parseFiguresSinceLine(since)).toBe(T0);
    expect(parseFiguresSinceLine(seriesLine(sample(1)))).toBeUndefined();
    expect(parseFiguresSinceLine('{"figures_since":"yesterday"}')).toBeUndefined();
    expect(parseLine(since)).toBeUndefined();
    const line = seriesLine(sample(1));
    for (const cut of [40, 80, line.length - 30, line.length - 1])
      expect(parseLine(line.slice(0, cut)), `cut at ${cut}`).toBeUndefined();
    expect(parseLine(legacyLine(sample(1)).slice(0, 100))).toBeUndefined();
    const head = '{"agent":"a","ts":"2026-11-22T06:00:00.000Z"';
    expect(parseLine(`${head},"v":[1,2]}`)).toBeUndefined();
    expect(parseLine(`${head},"v":[1,2],"disks":[[1,2]]}`)).toBeUndefined();
    expect(parseLine(`${head},"disks":[]}`)).toBeUndefined();
    expect(parseLine(`${head},"v":{"cpu":1},"disks":[]}`)).toBeUndefined();
  });
});

describe("reading a plain file backward", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "backward-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("gives every line once, newest texts first, with characters split between reads", async () => {
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `${i}:${"\u00e9\u2603x".repeat(1 + ((i * 7919) % 400))}`,
    );
    lines[1500] = "y".repeat(1_500_000); // a line longer than a read
    const file = path.join(dir, "lines.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const texts: string[] = [];
    for await (const text of readTextsBackward(file)) texts.push(text);
    expect(texts.length).toBeGreaterThan(3);
    const read = texts
      .reverse()
      .join("\n")
      .split("\n")
      .filter((line) => line !== "");
    expect(read).toEqual(lines);
    const none: string[] = [];
    for await (const text of readTextsBackward(path.join(dir, "missing"))) none.push(text);
    expect(none).toEqual([]);
  });
});

describe("the file store's figures file", () => {
  let dir: string;
  let files: FileHistoryReaderOptions & { figuresFile: string };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "figures-file-"));
    files = {
      jsonFile: path.join(dir, "metrics_data.jsonl"),
      figuresFile: path.join(dir, "metrics_figures.jsonl"),
      eventsFile: path.join(dir, "poll_events.jsonl"),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = async (batches: PollSample[][], withFigures = true, maxSizeBytes = 40 * 1024) => {
    const store = new FileStore({
      ...files,
      figuresFile: withFigures ? files.figuresFile : undefined,
      metricsFile: path.join(dir, "metrics_data.log"),
      alertsFile: path.join(dir, "alerts.jsonl"),
      maxSizeBytes,
      backupCount: 1000,
    });
    await store.open();
    for (const batch of batches) await store.writeSamples(batch);
    await store.close();
  };
  const readSeries = async (options: FileHistoryReaderOptions = files, query: SeriesQuery = ALL) => {
    const reader = new FileHistoryReader(options);
    const out: SeriesRead = new Map();
    for await (const batch of reader.series(query)) addBatch(out, batch);
    await reader.close();
    return out;
  };
  /**
   * seriesOfPart over each part, read in parallel, then put together in order: an agent's rows
   * no newer than its newest of the parts before dropped.
   */
  const readInParts = async (reader: FileHistoryReader, parts: FilePart[]) => {
    const reads = await Promise.all(
      parts.map(async (part) => {
        const batches: SeriesBatch[] = [];
        for await (const batch of reader.seriesOfPart(part, ALL)) batches.push(batch);
        return batches;
      }),
    );
    const out: SeriesRead = new Map();
    const newest = new Map<string, number>();
    for (const batch of reads.flat()) {
      const keep = [...batch.t.keys()].filter((i) => batch.t[i]! > (newest.get(batch.agent) ?? -Infinity));
      if (keep.length === 0) continue;
      newest.set(batch.agent, batch.t[keep.at(-1)!]!);
      const pick = (values: Float64Array) => Float64Array.from(keep, (i) => values[i]!);
      addBatch(out, {
        agent: batch.agent,
        t: pick(batch.t),
        values: Object.fromEntries(Object.entries(batch.values).map(([name, v]) => [name, pick(v)])),
        disks: new Map([...batch.disks].map(([mount, v]) => [mount, pick(v)])),
      });
    }
    return out;
  };
  const figuresFiles = () => readdirSync(dir).filter((name) => name.startsWith("metrics_figures-"));
  const removeSamplesFiles = () => {
    for (const name of readdirSync(dir))
      if (name.startsWith("metrics_data-") || name === "metrics_data.jsonl") unlinkSync(path.join(dir, name));
  };
  const times = (read: SeriesRead, agent: string) => read.get(agent)?.t ?? [];

  it("holds every sample's series, rotated like the others, and the reader takes them from there", async () => {
    const replayed = samples(40, 20);
    await write([...Array.from({ length: 10 }, (_, b) => samples(b * 20, 20)), replayed]);
    expect(figuresFiles().length).toBeGreaterThan(1);
    expect(figuresFiles().some((name) => name.endsWith(".gz"))).toBe(true);
    const expected = expectedRead(samples(0, 200));
    expect(await readSeries({ ...files, figuresFile: undefined })).toEqual(expected);
    removeSamplesFiles(); // shows that the series come from the figures file
    expect(await readSeries()).toEqual(expected);
    const query = { from: T0 + 30_000, to: T0 + 60_000, agents: new Set(["web-02", "nobody"]) };
    const some = await readSeries(files, query);
    expect([...some.keys()]).toEqual(["web-02"]);
    expect(some).toEqual(expectedRead(samples(30, 30).filter((s) => s.agent === "web-02")));
  });

  it("starts with a since line when samples were stored without it, once", async () => {
    await write([samples(0, 3)]);
    expect(readFileSync(path.join(dir, figuresFiles()[0]!), "utf8")).not.toContain("figures_since");
    rmSync(path.join(dir, figuresFiles()[0]!));
    await write([samples(3, 3)]);
    await write([samples(6, 3)]);
    const text = figuresFiles()
      .map((name) => readFileSync(path.join(dir, name), "utf8"))
      .join("");
    expect(text.match(/figures_since/g)).toHaveLength(1);
    expect(text.split("\n")[0]).toMatch(/^\{"figures_since":"20\d\d-/);
  });

  it("reads samples stored before the figures file existed from the samples file", async () => {
    await write([samples(0, 30)], false);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0 + 29_500); // the upgrade: samples from then on are in both files
    try {
      await write([samples(30, 30)]);
    } finally {
      vi.useRealTimers();
    }
    expect(await readSeries()).toEqual(expectedRead(samples(0, 60)));
    const reader = new FileHistoryReader(files);
    const newest = await reader.samplesAt(new Map([["web-01", T0 + 57_000]]));
    await reader.close();
    expect(newest.get("web-01")).toEqual(sample(57));
    // the old ones come from the samples file, the new ones from the figures file
    removeSamplesFiles();
    expect(await readSeries()).toEqual(expectedRead(samples(30, 30)));
  });

  it("reads old f lines and the v lines appended after them", async () => {
    const old = samples(0, 12);
    writeFileSync(files.jsonFile, old.map((s) => `${sampleJsonLine(s)}\n`).join(""));
    writeFileSync(files.figuresFile, old.map((s) => `${legacyLine(s)}\n`).join(""));
    await write([samples(12, 12)]);
    expect(readFileSync(files.figuresFile, "utf8")).not.toContain("figures_since");
    removeSamplesFiles(); // every series from the figures file
    expect(await readSeries()).toEqual(
      readOf([...old.map(legacyRow), ...samples(12, 12).map((s) => plain(seriesRowOf(s)))]),
    );
  });

  it("reads the same series in parts as in one go, across both files", async () => {
    await write([samples(0, 100)], false);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0 + 99_500);
    try {
      await write(
        Array.from({ length: 8 }, (_, b) => samples(100 + b * 25, 25)),
        true,
        20 * 1024,
      );
    } finally {
      vi.useRealTimers();
    }
    const whole = await readSeries();
    expect(whole).toEqual(expectedRead(samples(0, 300)));
    const reader = new FileHistoryReader(files);
    const parts = await reader.seriesParts(ALL, 4);
    expect(parts.some((p) => p.figuresFile === true) && parts.some((p) => p.figuresFile !== true)).toBe(true);
    expect(await readInParts(reader, parts)).toEqual(whole);
    await reader.close();
  });

  it("finds each agent's newest whole sample: recent, stored long before, in between, or replayed late", async () => {
    const old = sample(5, "gone");
    const between = sample(3700, "stopped");
    const late = sample(9, "replayed");
    await write(
      [
        [old],
        ...Array.from({ length: 20 }, (_, b) => [
          ...samples(3600 + b * 15, 15),
          ...(b === 6 ? [between] : []),
        ]),
        [late],
      ],
      true,
      30 * 1024,
    );
    expect(readdirSync(dir).filter((name) => name.startsWith("metrics_data-")).length).toBeGreaterThan(8);
    const reader = new FileHistoryReader(files);
    // the times a series read gives as each agent's newest
    const read = await readSeries();
    expect(times(read, "web-01").at(-1)).toBe(T0 + 3897_000);
    expect(times(read, "replayed")).toEqual([T0 + 9000]);
    const wanted = new Map([
      ["web-01", T0 + 3897_000],
      ["web-02", T0 + 3898_000],
      ["gone", T0 + 5000],
      ["stopped", T0 + 3700_000],
      ["replayed", T0 + 9000],
      ["never", T0],
    ]);
    const found = await reader.samplesAt(wanted);
    await reader.close();
    expect(found.get("web-01")).toEqual(sample(3897));
    expect(found.get("web-02")).toEqual(sample(3898));
    expect(found.get("gone")).toEqual(old);
    expect(found.get("stopped")).toEqual(between);
    expect(found.get("replayed")).toEqual(late);
    expect(found.has("never")).toBe(false);
    // the oldest samples files pruned (the figures file outlives them): what was there is gone
    for (const file of (await listRotatedFiles(files.jsonFile)).slice(0, 2)) unlinkSync(file.path);
    const pruned = new FileHistoryReader(files);
    const after = await pruned.samplesAt(wanted);
    await pruned.close();
    expect(after.has("gone")).toBe(false);
    expect(after.get("web-02")).toEqual(sample(3898));
    expect(after.get("stopped")).toEqual(between);
  });
});
