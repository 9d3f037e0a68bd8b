/**
 * Properties of the file store's line encodings over every sample the normaliser can produce
 * (collector/test/arbitrary-snapshot.ts): they never throw, the log line is one line of
 * printable text, and each JSON line gives back what was written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertRecord, pollEvent, pollSample } from "../../../test/arbitrary-snapshot.js";
import { figuresOf } from "../figures.js";
import type { FigureValues, SampleFigures } from "../figures.js";
import type { PollSample } from "../records.js";
import { figuresFileLine, parseFiguresFileLine } from "./figures-file.js";
import { FiguresLineParser } from "./figures-line.js";
import { AgentNames, readLineHead } from "./line-head.js";
import {
  eventJsonLine,
  parseAlertLine,
  parseEventLine,
  parseSampleLine,
  sampleJsonLine,
  sampleLogLine,
} from "./lines.js";

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

const values = ({ sample: _, ...figures }: SampleFigures): FigureValues =>
  withoutNegativeZero({ ...figures });

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

  it("gives the figures of figuresOf through the reader's fast path (FiguresLineParser)", () => {
    fc.assert(
      fc.property(pollSample, (sample) => {
        const line = sampleJsonLine(sample);
        // the line inside a larger text, as the reader sees it
        const text = `{"agent":"other","ts":"x"}\n${line}\n{"agent":"next","ts":"y"}`;
        const start = text.indexOf("\n") + 1;
        const end = start + line.length;
        const head = readLineHead(text, start, end, new AgentNames());
        expect(head).toBeDefined();
        const figures = new FiguresLineParser().parse(text, start, end, head);
        expect(figures).toBeDefined();
        expect(values(figures!)).toEqual(values(figuresOf(sample)));
      }),
      RUNS,
    );
  });
});

describe("metrics_figures.jsonl line (figuresFileLine)", { timeout: 20_000 }, () => {
  it("parses back through the figures file's parser to figuresOf(sample)", () => {
    fc.assert(
      fc.property(pollSample, (sample: PollSample) => {
        const line = figuresFileLine(sample);
        expect(line).not.toMatch(/[\n\r]/);
        expect(() => JSON.parse(line) as unknown).not.toThrow();
        const head = readLineHead(line, 0, line.length, new AgentNames());
        const figures = parseFiguresFileLine(line, 0, line.length, head);
        expect(figures).toBeDefined();
        expect(values(figures!)).toEqual(values(figuresOf(sample)));
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
