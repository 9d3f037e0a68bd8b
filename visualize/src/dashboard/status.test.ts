import { describe, expect, it } from "vitest";
import { activeAlerts, compareSummaries, summarizeAgent } from "./status.js";
import { buildHistory, EVIL } from "../../test/support/dashboard-history.js";

describe("activeAlerts", () => {
  it("keeps alerts whose newest record is not resolved", () => {
    const history = buildHistory();
    const active = activeAlerts(history.alerts);
    expect(active.map((a) => `${a.agent}/${a.metric}/${a.severity}`).sort()).toEqual([
      "app-02/cpu_usage/critical",
      `${EVIL}/disk_usage/warning`,
      "mid-01/memory_usage/warning",
    ]);
  });

  it("follows the records' times, not their order", () => {
    const [first, , , resolved] = buildHistory().alerts;
    // resolved (T0+30) listed before firing (T0+5): still resolved
    expect(activeAlerts([resolved!, first!])).toEqual([]);
  });
});

describe("summaries", () => {
  it("reports the worst disk, a missing sensor and sorts worst first", () => {
    const history = buildHistory();
    const active = activeAlerts(history.alerts);
    const summaries = history.agents.map((h) => summarizeAgent(h, active)).sort(compareSummaries);
    expect(summaries.map((s) => s.agent)).toEqual([
      "db-01",
      "app-02",
      "mid-01",
      EVIL,
      "edge-01",
      "web-01",
      "new-01",
    ]);
    const edge = summaries.find((s) => s.agent === "edge-01")!;
    expect(edge.temperature).toBe("no sensor");
    expect(edge.disk).toEqual({ mount: "/", percent: 30 });
    const never = summaries.find((s) => s.agent === "new-01")!;
    expect(never.temperature).toBeUndefined();
    expect(never.security).toBe("unavailable");
  });
});
