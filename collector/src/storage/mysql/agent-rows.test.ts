import { describe, expect, it } from "vitest";
import { makeSnapshot } from "../../../../common/src/contract/example-snapshot.js";
import type { PollSample } from "../records.js";
import { AgentRows } from "./agent-rows.js";
import { toDbTime } from "./connection.js";
import type { AgentEventSummary, AgentSampleSummary } from "./statements.js";

const BASE = Date.parse("2024-05-01T00:00:00.000Z");
const dbTime = (offsetMs: number): string => toDbTime(BASE + offsetMs) as string;

/** One agent's samples in a batch, from `firstMs` to `lastMs` after BASE. */
function summary(firstMs: number, lastMs: number, hostname = "web-01.example.net"): AgentSampleSummary {
  const last: PollSample = {
    agent: "web-01",
    ts: new Date(BASE + lastMs).toISOString(),
    duration_ms: 3,
    snapshot: makeSnapshot("web-01", new Date(BASE + lastMs).toISOString()),
  };
  last.snapshot.agent.hostname = hostname;
  return { name: "web-01", id: 1, firstTs: dbTime(firstMs), lastTs: dbTime(lastMs), last };
}

function events(lastMs: number): Map<string, AgentEventSummary> {
  const ts = dbTime(lastMs);
  return new Map([
    ["web-01", { id: 1, firstTs: ts, lastTs: ts, state: "down", failures: 3, error: "timeout" }],
  ]);
}

describe("AgentRows", () => {
  it("rewrites an agents row only when last_seen is a touch interval behind, not for every batch", () => {
    const rows = new AgentRows(30_000);
    expect(rows.isStale(summary(0, 0))).toBe(true); // never written by this process
    rows.samplesWritten([summary(0, 0)]);
    expect(rows.isStale(summary(10_000, 29_999))).toBe(false);
    expect(rows.isStale(summary(10_000, 30_000))).toBe(true);
    rows.samplesWritten([summary(10_000, 30_000)]);
    expect(rows.isStale(summary(40_000, 59_999))).toBe(false);
    expect(rows.isStale(summary(40_000, 60_000))).toBe(true);
  });

  it("rewrites it at once for new metadata or a sample older than first_seen", () => {
    const rows = new AgentRows(30_000);
    rows.samplesWritten([summary(10_000, 10_000)]);
    expect(rows.isStale(summary(11_000, 11_000, "renamed.example.net"))).toBe(true);
    expect(rows.isStale(summary(5_000, 11_000))).toBe(true);
  });

  it("after events set the state, rewrites it until a sample newer than the events has", () => {
    const rows = new AgentRows(30_000);
    rows.samplesWritten([summary(0, 0)]);
    rows.eventsWritten(events(20_000));
    expect(rows.isStale(summary(1_000, 1_000))).toBe(true);
    rows.samplesWritten([summary(5_000, 5_000)]); // replayed late: older than the down
    expect(rows.isStale(summary(6_000, 6_000))).toBe(true);
    rows.samplesWritten([summary(25_000, 25_000)]);
    expect(rows.isStale(summary(26_000, 26_000))).toBe(false);
  });

  it("knows nothing after clear (the store closed)", () => {
    const rows = new AgentRows(30_000);
    rows.samplesWritten([summary(0, 0)]);
    rows.clear();
    expect(rows.isStale(summary(1_000, 1_000))).toBe(true);
  });
});
