import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import { figuresOf } from "../figures.js";
import type { FigureValues, SampleFigures } from "../figures.js";
import { makeSnapshot } from "../../../../common/src/contract/example-snapshot.js";
import type { PollSample, TimeRange } from "../records.js";
import { figuresFileLine, parseFiguresFileLine, parseFiguresSinceLine } from "./figures-file.js";
import { listRotatedFiles } from "./file-names.js";
import { FileHistoryReader, type FileHistoryReaderOptions } from "./file-reader.js";
import { FileStore } from "./file-store.js";
import { readTextsBackward } from "./find-samples.js";
import { AgentNames, readLineHead } from "./line-head.js";

const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const AGENTS = ["web-01", "web-02", 'db "main"'];
const sample = (i: number, agent = AGENTS[i % AGENTS.length]!): PollSample => {
  const ts = new Date(T0 + i * 1000).toISOString();
  return { agent, ts, duration_ms: i % 13, snapshot: makeSnapshot(agent, ts, i) };
};
const samples = (from: number, count: number) => Array.from({ length: count }, (_, i) => sample(from + i));
const ALL: TimeRange = { from: 0, to: Number.MAX_SAFE_INTEGER };
const values = ({ sample: _, ...figures }: SampleFigures): FigureValues => ({ ...figures });

function parseLine(line: string): SampleFigures | undefined {
  return parseFiguresFileLine(line, 0, line.length, readLineHead(line, 0, line.length, new AgentNames()));
}

describe("a metrics_figures.jsonl line", () => {
  it("gives back what figuresOf gives, for full and sparse snapshots", () => {
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
        disks: [
          { ...sample(9).snapshot.disks![0]!, mount: '/mnt/"quoted"\\dir', usage_percent: 99.5 },
          { ...sample(9).snapshot.disks![0]!, mount: "/srv/\u00e9t\u00e9", usage_percent: 0 },
        ],
      },
    };
    for (const s of [full, bare, odd]) {
      const line = figuresFileLine(s);
      expect(line.length).toBeLessThan(400);
      expect(values(parseLine(line)!)).toEqual(values(figuresOf(s)));
    }
    const huge: PollSample = {
      ...full,
      snapshot: {
        ...full.snapshot,
        network: { ...full.snapshot.network!, rx_bytes_per_s: 1.5e21, tx_bytes_per_s: -0.000123 },
      },
    };
    expect(parseLine(figuresFileLine(huge))?.rxBytesPerS).toBe(1.5e21);
    expect(parseLine(figuresFileLine(huge))?.txBytesPerS).toBe(-0.000123);
    // written another way (keys reordered): decoded whole, same figures
    const { agent, ts, f, disks } = JSON.parse(figuresFileLine(odd)) as Record<string, unknown>;
    const reordered = JSON.stringify({ agent, ts, disks, f });
    expect(values(parseLine(reordered)!)).toEqual(values(figuresOf(odd)));
    expect(parseLine(figuresFileLine(odd))?.temperatureCelsius).toBeNaN();
    expect(parseLine(figuresFileLine(odd))?.diskMounts).toEqual(['/mnt/"quoted"\\dir', "/srv/\u00e9t\u00e9"]);
  });

  it("is not a since line, and a since line or a damaged line gives no figures", () => {
    const since = '{"figures_since":"2026-11-22T06:00:00.000Z"}';
    expect(parseFiguresSinceLine(since)).toBe(T0);
    expect(parseFiguresSinceLine(figuresFileLine(sample(1)))).toBeUndefined();
    expect(parseFiguresSinceLine('{"figures_since":"yesterday"}')).toBeUndefined();
    expect(parseLine(since)).toBeUndefined();
    expect(parseLine(figuresFileLine(sample(1)).slice(0, 80))).toBeUndefined();
    expect(parseLine('{"agent":"a","ts":"2026-11-22T06:00:00.000Z","f":[1,2],"disks":[]}')).toBeUndefined();
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
  const readFigures = async (options: FileHistoryReaderOptions = files, range = ALL) => {
    const reader = new FileHistoryReader(options);
    const out: SampleFigures[] = [];
    for await (const f of reader.figures(range)) out.push(f);
    await reader.close();
    return out;
  };
  const figuresFiles = () => readdirSync(dir).filter((name) => name.startsWith("metrics_figures-"));
  const removeSamplesFiles = () => {
    for (const name of readdirSync(dir))
      if (name.startsWith("metrics_data-")) unlinkSync(path.join(dir, name));
  };

  it("holds every sample's figures, rotated like the others, and the reader takes them from there", async () => {
    const replayed = samples(40, 20);
    await write([...Array.from({ length: 10 }, (_, b) => samples(b * 20, 20)), replayed]);
    expect(figuresFiles().length).toBeGreaterThan(1);
    expect(figuresFiles().some((name) => name.endsWith(".gz"))).toBe(true);
    const expected = samples(0, 200).map((s) => values(figuresOf(s)));
    const fromSamples = await readFigures({ ...files, figuresFile: undefined });
    expect(fromSamples.map(values)).toEqual(expected);
    removeSamplesFiles(); // shows that the figures come from the figures file
    const fromFigures = await readFigures();
    expect(fromFigures.map(values)).toEqual(expected);
    const at = (i: number) => T0 + i * 1000;
    const some = await readFigures(files, { from: at(30), to: at(60), agent: "web-02" });
    expect(some.map((f) => f.ts)).toEqual(
      samples(30, 30)
        .filter((s) => s.agent === "web-02")
        .map((s) => s.ts),
    );
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
    const figures = await readFigures();
    expect(figures.map(values)).toEqual(samples(0, 60).map((s) => values(figuresOf(s))));
    // the old ones come from the samples file (with the newest sample), the new ones from the figures file
    expect(figures[29]!.sample()).toEqual(sample(29));
    expect(figures[59]!.sample()).toBeUndefined();
    removeSamplesFiles();
    expect((await readFigures()).map((f) => f.ts)).toEqual(samples(30, 30).map((s) => s.ts));
  });

  it("reads the same figures in parts as in one go, across both files", async () => {
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
    const whole = (await readFigures()).map((f) => f.ts);
    expect(whole).toHaveLength(300);
    const reader = new FileHistoryReader(files);
    const parts = await reader.samplesParts(ALL, 4);
    expect(parts.some((p) => p.figuresFile === true) && parts.some((p) => p.figuresFile !== true)).toBe(true);
    const inParts: string[] = [];
    for (const part of parts)
      for await (const batch of reader.figuresOfPart(part, ALL)) inParts.push(...batch.map((f) => f.ts));
    await reader.close();
    expect(inParts).toEqual(whole);
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
