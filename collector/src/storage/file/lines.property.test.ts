/**
 * Properties of the file store's line encodings over every sample the normaliser can produce
 * (collector/test/arbitrary-snapshot.ts): they never throw, the log line is one line of
 * printable text, and each JSON line gives back what was written.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertRecord, pollEvent, pollSample } from "../../../test/arbitrary-snapshot.js";
import { SERIES_COLUMNS } from "../columns.js";
import type { PollSample } from "../records.js";
import { seriesRowOf, type SeriesRow } from "../series.js";
import { FileHistoryReader } from "./file-reader.js";
import { AgentNames, readLineHead } from "./line-head.js";
import {
  eventJsonLine,
  parseAlertLine,
  parseEventLine,
  parseSampleLine,
  sampleJsonLine,
  sampleLogLine,
} from "./lines.js";
import { SeriesLineParser, seriesLine } from "./series-line.js";

const RUNS = { numRuns: 500, seed: 20_261_122 };

/**
 * JSON has no -0: it comes back as 0, which is the same figure. Everything else must come back
 * exactly, so the comparison only folds -0 into 0.
 */
function withoutNegativeZero<T>(value: T): T {
  if (Object.is(value, -0)) return 0 as T;
  if (Array.isArray(value)) return value.map(withoutNegativeZero) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = withoutNegativeZero(item);
    return out as T;
  }
  return value;
}

/** A row as plain data (a parsed row holds its values in a Float64Array), -0 read as 0. */
const plain = (row: SeriesRow) =>
  withoutNegativeZero({ ...row, values: Array.from(row.values), percents: Array.from(row.percents) });

// Line breaks and control characters (C0, DEL, C1), and the Unicode line and paragraph separators.
const NOT_ONE_LINE = /[\p{Cc}\u2028\u2029]/u;

describe("metrics_data.log line (sampleLogLine)", { timeout: 20_000 }, () => {
  it("is one line of printable text starting with the ts and the agent, for every sample", () => {
    fc.assert(
      fc.property(pollSample, (sample) => {
        const line = sampleLogLine(sample);
        expect(line).not.toMatch(NOT_ONE_LINE);
        expect(line.startsWith(`${sample.ts} ${sample.agent} cpu=`)).toBe(true);
      }),
      RUNS,
    );
  });

  it("regression: a mount with a C1 control (NEL) or a Unicode line separator stays on one line", () => {
    for (const mount of ["\u0085\u0085", "/mnt/a\u2028b", "/x\u009b2J", "/y\u2029"]) {
      const sample: PollSample = {
        agent: "web-01",
        ts: "2020-01-01T00:00:00.000Z",
        duration_ms: 0,
        snapshot: {
          timestamp: "2020-01-01T00:00:00.000Z",
          agent: { name: "web-01" },
          disks: [{ mount, usage_percent: 1 }],
          collector_status: [],
        },
      };
      expect(sampleLogLine(sample)).not.toMatch(NOT_ONE_LINE);
    }
  });
});

describe("metrics_data.jsonl line (sampleJsonLine)", { timeout: 20_000 }, () => {
  it("parses, and parseSampleLine gives back the sample", () => {
    fc.assert(
      fc.property(pollSample, (sample) => {
        const line = sampleJsonLine(sample);
        expect(line).not.toMatch(/[\n\r]/);
        expect(() => JSON.parse(line) as unknown).not.toThrow();
        expect(parseSampleLine(line)).toEqual(withoutNegativeZero(sample));
      }),
      RUNS,
    );
  });

  it("is read as series through the samples file as seriesRowOf reads the sample, and so is its series line", async () => {
    // the reader of a history written before the figures file: metrics_data.jsonl only
    const dir = mkdtempSync(path.join(tmpdir(), "lines-property-"));
    const files = {
      jsonFile: path.join(dir, "metrics_data.jsonl"),
      figuresFile: path.join(dir, "metrics_figures.jsonl"),
      eventsFile: path.join(dir, "poll_events.jsonl"),
    };
    /** The file a store writes on one day (the reader skips only files dated before the range). */
    const dated = (stem: string) => path.join(dir, `${stem}-2026-11-22.jsonl`);
    const range = { from: -8.64e15, to: 8.64e15 };
    /** Per agent, its one sample's row as a series read gives it back. */
    const readRows = async (withFigures: boolean) => {
      const reader = new FileHistoryReader({
        ...files,
        figuresFile: withFigures ? files.figuresFile : undefined,
      });
      const rows = new Map<
        string,
        { time: number[]; values: Record<string, number[]>; disks: Map<string, number[]> }
      >();
      for await (const batch of reader.series(range)) {
        expect(rows.has(batch.agent)).toBe(false);
        const disks = new Map([...batch.disks].map(([mount, usage]) => [mount, Array.from(usage)]));
        const values = Object.fromEntries(
          Object.entries(batch.values).map(([name, v]) => [name, Array.from(v)]),
        );
        rows.set(batch.agent, { time: Array.from(batch.t), values, disks });
      }
      await reader.close();
      expect(reader.skippedLines).toBe(0);
      return rows;
    };
    /** What they must be: seriesRowOf's, a mount listed twice giving its last usage. */
    const expected = (samples: readonly PollSample[]) =>
      new Map(
        samples.map((sample) => {
          const row = plain(seriesRowOf(sample));
          const values = Object.fromEntries(
            SERIES_COLUMNS.map((column, i) => [column.name, [row.values[i]!]]),
          );
          const disks = new Map(row.mounts.map((mount, d) => [mount, [row.percents[d]!]]));
          return [sample.agent, { time: [row.time], values, disks }];
        }),
      );
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(pollSample, { minLength: 1, maxLength: 5 }), async (generated) => {
          const samples = generated.map((sample, i) => ({ ...sample, agent: `${i}.${sample.agent}` }));
          writeFileSync(
            dated("metrics_data"),
            samples.map((sample) => `${sampleJsonLine(sample)}\n`).join(""),
          );
          writeFileSync(
            dated("metrics_figures"),
            samples.map((sample) => `${seriesLine(sample)}\n`).join(""),
          );
          const want = expected(samples);
          expect(await readRows(false)).toEqual(want);
          expect(await readRows(true)).toEqual(want);
        }),
        { numRuns: 200, seed: 20_261_127 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("metrics_figures.jsonl line (seriesLine)", { timeout: 20_000 }, () => {
  it("parses back in place, inside a larger text, to seriesRowOf(sample)", () => {
    // one parser for every line, as the reader has: what it keeps of a line must not leak into the next
    const parser = new SeriesLineParser();
    fc.assert(
      fc.property(pollSample, pollSample, (first: PollSample, second: PollSample) => {
        const lines = [first, second].map(seriesLine);
        for (const line of lines) {
          expect(line).not.toMatch(/[\n\r]/);
          expect(() => JSON.parse(line) as unknown).not.toThrow();
        }
        // the lines inside a larger text, as the reader sees it
        const text = `{"agent":"other","ts":"x"}\n${lines.join("\n")}\n{"agent":"next","ts":"y"}`;
        let start = text.indexOf("\n") + 1;
        for (const [i, sample] of [first, second].entries()) {
          const end = start + lines[i]!.length;
          const head = readLineHead(text, start, end, new AgentNames());
          expect(head).toBeDefined();
          const row = parser.parse(text, start, end, head);
          expect(row).toBeDefined();
          expect(plain(row!)).toEqual(plain(seriesRowOf(sample)));
          start = end + 1;
        }
      }),
      RUNS,
    );
  });
});

describe("poll_events.jsonl line (eventJsonLine)", { timeout: 20_000 }, () => {
  it("parses, and parseEventLine gives back the event", () => {
    fc.assert(
      fc.property(pollEvent, (event) => {
        const line = eventJsonLine(event);
        expect(line).not.toMatch(/[\n\r]/);
        expect(parseEventLine(line)).toEqual(event);
      }),
      RUNS,
    );
  });
});

describe("alerts.jsonl line (the record as JSON)", { timeout: 20_000 }, () => {
  it("parseAlertLine gives back the record", () => {
    fc.assert(
      fc.property(alertRecord, (record) => {
        const line = JSON.stringify(record);
        expect(line).not.toMatch(/[\n\r]/);
        expect(parseAlertLine(line)).toEqual(withoutNegativeZero(record));
      }),
      RUNS,
    );
  });
});
