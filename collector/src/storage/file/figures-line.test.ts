import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import { decodeMethodResponse } from "../../../../common/src/xmlrpc/index.js";
import { normaliseSnapshot } from "../../polling/normalise/normalise-snapshot.js";
import { figuresOf } from "../figures.js";
import type { SampleFigures } from "../figures.js";
import type { PollSample } from "../records.js";
import { makeSnapshot } from "../../../../common/src/contract/example-snapshot.js";
import { FiguresLineParser } from "./figures-line.js";
import { AgentNames, readLineHead } from "./line-head.js";
import { parseSampleLine, sampleJsonLine } from "./lines.js";

const TS = "2026-11-22T06:21:10.123Z";
const sample = (snapshot: MetricsSnapshot, agent = "web-01", ts = TS): PollSample => ({
  agent,
  ts,
  duration_ms: 8.5,
  snapshot,
});

/** The figures of a line as the reader takes them, the line placed inside a larger text. */
function parse(line: string, parser = new FiguresLineParser()): SampleFigures | undefined {
  const text = `{"agent":"other","ts":"x"}\n${line}\n{"agent":"next","ts":"y"}`;
  const start = text.indexOf("\n") + 1;
  const end = start + line.length;
  return parser.parse(text, start, end, readLineHead(text, start, end, new AgentNames()));
}

/** figuresOf is the definition; the line parser must give the same numbers. */
function expectSameFigures(line: string): SampleFigures {
  const reference = figuresOf(parseSampleLine(line) as PollSample);
  const fast = parse(line) as SampleFigures;
  const { sample: _referenceSample, ...expected } = reference;
  const { sample: _fastSample, ...actual } = { ...fast };
  expect(actual).toEqual(expected);
  return fast;
}

/** Whether the figures were taken off the line rather than from the decoded sample (figuresOf's own sample()). */
const tookFastPath = (figures: SampleFigures): boolean => !Object.hasOwn(figures, "sample");

const realSnapshot = (): MetricsSnapshot => {
  const response = decodeMethodResponse(
    readFileSync(new URL("../../../test/fixtures/agent-get-metrics.xml", import.meta.url)),
  );
  if (response.kind !== "result") throw new Error("fixture is a fault");
  return normaliseSnapshot(response.value, { agent: "web-01", receivedAt: new Date(TS) });
};

describe("figures taken off a metrics_data.jsonl line", () => {
  it("match figuresOf for our agent's real answer, without decoding the line", () => {
    const figures = expectSameFigures(sampleJsonLine(sample(realSnapshot())));
    expect(tookFastPath(figures)).toBe(true);
    expect(figures.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  it("match figuresOf for a full 8-core snapshot with several disks", () => {
    const figures = expectSameFigures(sampleJsonLine(sample(makeSnapshot("web-01", TS, 7))));
    expect(tookFastPath(figures)).toBe(true);
    expect(figures).toMatchObject({
      cpuCount: 8,
      cpuCoreMin: 20,
      diskMounts: ["/", "/boot/efi", "/srv/backup data"],
      securityIssues: 1,
      sshFailed: 14,
    });
  });

  it("give NaN for absent families, a nil temperature and an unavailable security check", () => {
    const full = makeSnapshot("web-01", TS);
    const { cpu: _cpu, load: _load, network: _network, disks: _disks, ...rest } = full;
    const snapshot: MetricsSnapshot = {
      ...rest,
      temperature: { cpu_celsius: null, max_celsius: null, sensors: [{ label: "acpitz", celsius: 27.8 }] },
      security: { ...full.security!, status: "unavailable", issue_count: 0 },
    };
    const figures = expectSameFigures(sampleJsonLine(sample(snapshot)));
    expect(tookFastPath(figures)).toBe(true);
    expect(figures.cpuPercent).toBeNaN();
    expect(figures.cpuCoreMin).toBeNaN();
    expect(figures.load1).toBeNaN();
    expect(figures.temperatureCelsius).toBeNaN();
    expect(figures.securityIssues).toBeNaN();
    expect(figures.diskMounts).toEqual([]);
  });

  it("read numbers of every JSON form, empty lists and escaped mount points", () => {
    const full = makeSnapshot("web-01", TS);
    const snapshot: MetricsSnapshot = {
      ...full,
      cpu: { ...full.cpu!, usage_percent: 0.1 + 0.2, per_core_percent: [], count: 1e21 },
      load: { load_1: -0, load_5: 1e-7, load_15: 123456789012345.6 },
      memory: { ...full.memory!, usage_percent: 99.99999999999999, swap_percent: 0 },
      disks: [
        { ...full.disks![0]!, mount: 'C:\\ "data" \u00e9\u2603', usage_percent: 5e-324 },
        { ...full.disks![1]!, mount: "/a-mount-point-longer-than-thirteen", usage_percent: 100 },
      ],
      network: { ...full.network!, rx_bytes_per_s: 1.7976931348623157e308, interfaces: [] },
    };
    const figures = expectSameFigures(sampleJsonLine(sample(snapshot)));
    expect(tookFastPath(figures)).toBe(true);
    expect(figures.diskMounts[0]).toBe('C:\\ "data" \u00e9\u2603');
  });

  it("decode a line in another layout whole, with the same result", () => {
    const full = makeSnapshot("web-01", TS);
    // families in another order, a disk without usage_percent, interfaces before rx/tx
    const { cpu, collector_status, ...rest } = full;
    const { usage_percent: _usage, ...diskWithoutUsage } = full.disks![1]!;
    const { interfaces, ...network } = full.network!;
    const line = sampleJsonLine(
      sample({
        ...rest,
        collector_status,
        disks: [full.disks![0]!, diskWithoutUsage as never],
        network: { interfaces, ...network },
        cpu,
      }),
    );
    const figures = expectSameFigures(line);
    expect(figures.diskPercents[1]).toBeNaN();
  });

  it("skip a malformed or truncated line", () => {
    const line = sampleJsonLine(sample(makeSnapshot("web-01", TS)));
    expect(parse(line.slice(0, -1))).toBeUndefined();
    expect(parse(line.slice(0, 200))).toBeUndefined();
    expect(parse("not json")).toBeUndefined();
  });

  it("give the whole sample of each agent's newest line only", () => {
    const parser = new FiguresLineParser();
    const at = (i: number): string => new Date(Date.parse(TS) + i * 1000).toISOString();
    const lines = [0, 1, 2].map((i) =>
      sampleJsonLine(sample(makeSnapshot("web-01", at(i), i), "web-01", at(i))),
    );
    const figures = lines.map((line) => parse(line, parser) as SampleFigures);
    const other = parse(sampleJsonLine(sample(makeSnapshot("db", at(1)), "db", at(1))), parser);
    expect(figures[0]?.sample()).toBeUndefined();
    expect(figures[2]?.sample()).toEqual(parseSampleLine(lines[2] as string));
    expect(other?.sample()?.agent).toBe("db");
  });
});
