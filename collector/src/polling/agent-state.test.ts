import { describe, expect, it, onTestFinished } from "vitest";
import { AgentState } from "./agent-state.js";

describe("agent state", () => {
  it("goes down after down_after failures, once, and up at the first success", () => {
    const state = new AgentState("web-01", 3);
    expect(state.succeeded("t0", 5)).toEqual([]);
    expect(state.failed("t1", 10, "timeout").map((e) => e.kind)).toEqual(["poll_error"]);
    expect(state.failed("t2", 10, "timeout").map((e) => e.kind)).toEqual(["poll_error"]);
    const third = state.failed("t3", 10, "connection refused");
    expect(third.map((e) => e.kind)).toEqual(["poll_error", "down"]);
    expect(third[1]).toMatchObject({
      agent: "web-01",
      ts: "t3",
      error: "connection refused",
      consecutive_failures: 3,
    });
    expect(state.failed("t4", 10, "timeout").map((e) => e.kind)).toEqual(["poll_error"]);
    expect(state.health).toMatchObject({
      state: "down",
      consecutiveFailures: 4,
      lastSuccess: "t0",
      lastError: "timeout",
    });
    expect(state.succeeded("t5", 7)).toEqual([
      { agent: "web-01", ts: "t5", kind: "up", error: null, consecutive_failures: 4, duration_ms: 7 },
    ]);
    expect(state.health).toMatchObject({
      state: "up",
      consecutiveFailures: 0,
      lastSuccess: "t5",
      lastError: null,
    });
  });

  it("does not report up for an agent that was never down", () => {
    const state = new AgentState("db-01", 3);
    state.failed("t1", 1, "timeout");
    expect(state.succeeded("t2", 1)).toEqual([]);
  });
});

describe("agent state across a restart", () => {
  it("neither announces a known-down agent again nor forgets it", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { AgentStateFile } = await import("./agent-state-file.js");
    const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-state-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = new AgentStateFile(path.join(dir, "agents.json"));
    const before = new AgentState("db-01", 2);
    before.failed("t1", 1, "timeout");
    before.failed("t2", 1, "timeout");
    file.save([before.health]);

    const after = new AgentState("db-01", 2, file.load().get("db-01"));
    expect(after.failed("t3", 1, "timeout").map((e) => e.kind)).toEqual(["poll_error"]);
    expect(after.succeeded("t4", 1).map((e) => e.kind)).toEqual(["up"]);
    expect(new AgentStateFile("/nonexistent/agents.json").load().size).toBe(0);
  });
});
