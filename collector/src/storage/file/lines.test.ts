import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import type { PollEvent, PollSample } from "../records.js";
import { eventJsonLine, parseEventLine, parseSampleLine, sampleJsonLine, sampleLogLine } from "./lines.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/snapshot.json", import.meta.url), "utf8"),
) as MetricsSnapshot;

const base: MetricsSnapshot = {
  timestamp: "2026-11-22T06:21:10.100Z",
  agent: fixture.agent,
  cpu: { ...fixture.cpu!, usage_percent: 12.5 },
  load: { load_1: 0.52, load_5: 0.4, load_15: 0.312 },
  temperature: { cpu_celsius: 48, max_celsius: 51, sensors: [] },
  memory: { ...fixture.memory!, usage_percent: 43.21 },
  disks: [
    { ...fixture.disks![0]!, mount: "/", usage_percent: 22 },
    { ...fixture.disks![0]!, mount: "/var", usage_percent: 71 },
    { ...fixture.disks![0]!, mount: "/home", usage_percent: 71 },
  ],
  security: { ...fixture.security!, status: "ok" },
  collector_status: [],
};

const sample = (snapshot: MetricsSnapshot): PollSample => ({
  agent: "web-01",
  ts: "2026-11-22T06:21:10.123Z",
  duration_ms: 8.5,
  snapshot,
});

describe("metrics_data.log line", () => {
  it("shows every family, the worst disk with its mount", () => {
    expect(sampleLogLine(sample(base))).toBe(
      "2026-11-22T06:21:10.123Z web-01 cpu=12.5% temp=48.0C load=0.52/0.40/0.31 mem=43.2% disk=71.0%(/var) security=ok",
    );
  });

  it("writes n/a for a null temperature and for absent families", () => {
    const { cpu: _c, load: _l, memory: _m, disks: _d, security: _s, ...rest } = base;
    expect(sampleLogLine(sample({ ...rest, temperature: { ...base.temperature!, cpu_celsius: null } }))).toBe(
      "2026-11-22T06:21:10.123Z web-01 cpu=n/a temp=n/a load=n/a mem=n/a disk=n/a security=n/a",
    );
    const { temperature: _t, ...noTemperature } = base;
    expect(sampleLogLine(sample({ ...noTemperature, disks: [] }))).toContain(" temp=n/a load=");
    expect(sampleLogLine(sample({ ...noTemperature, disks: [] }))).toContain(" disk=n/a ");
  });

  it("keeps a line on one line", () => {
    const disks = [{ ...base.disks![0]!, mount: "/mnt/a\nb" }];
    expect(sampleLogLine(sample({ ...base, disks }))).toContain("disk=22.0%(/mnt/a?b)");
  });
});

describe("metrics_data.jsonl line", () => {
  it("is the snapshot flat beside agent, ts and duration_ms, with the AgentInfo as agent_info", () => {
    const line = sampleJsonLine(sample(fixture));
    const flat = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(flat).slice(0, 4)).toEqual(["agent", "ts", "duration_ms", "agent_info"]);
    expect(flat).toMatchObject({ agent: "web-01", ts: "2026-11-22T06:21:10.123Z", duration_ms: 8.5 });
    expect(flat.agent_info).toEqual(fixture.agent);
    expect(flat.cpu).toEqual(fixture.cpu);
    expect(line).not.toContain("\n");
  });

  it("reads back equal", () => {
    expect(parseSampleLine(sampleJsonLine(sample(fixture)))).toEqual(sample(fixture));
  });

  it("rejects malformed lines", () => {
    const line = sampleJsonLine(sample(fixture));
    expect(parseSampleLine(line.slice(0, 200))).toBeUndefined();
    expect(parseSampleLine("[1,2]")).toBeUndefined();
    expect(parseSampleLine('{"agent":"a","ts":"x"}')).toBeUndefined();
  });
});

describe("poll_events.jsonl line", () => {
  it("reads back equal", () => {
    const event: PollEvent = {
      agent: "web-01",
      ts: "2026-11-22T06:21:10.123Z",
      kind: "down",
      error: "timeout",
      consecutive_failures: 3,
      duration_ms: 10_000,
    };
    const line = eventJsonLine(event);
    expect(parseEventLine(line)).toEqual(event);
    expect(parseEventLine(line.slice(0, -1))).toBeUndefined();
  });
});
