/**
 * Properties of the dashboard's rendering of an agent's latest snapshot over every snapshot the
 * collector's normaliser can produce (collector/test/arbitrary-snapshot.ts): the snapshot
 * section, the agent's summary, its index row and its page never throw, and every string from
 * the agent is escaped (no markup from a generated string reaches the HTML).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertRecord, pollSample } from "../../../collector/test/arbitrary-snapshot.js";
import type { AlertRecord, PollSample } from "../../../collector/src/storage/records.js";
import { seriesValues, type AgentHistory, type DashboardCharts, type History } from "../model.js";
import { renderAgentBody } from "./agent-page.js";
import { renderIndexBody } from "./index-page.js";
import { renderSnapshotSection } from "./snapshot-section.js";
import { summarizeAgent } from "./status.js";

const RUNS = { numRuns: 300, seed: 20_261_128 };

/** The tags the dashboard writes, attributes double-quoted; anything else with < or > is data. */
const OUR_TAG =
  /<\/?(?:a|section|h[1-4]|span|div|dl|dt|dd|table|thead|tbody|tr|th|td|p|ul|li|strong|time|caption|br|figure|figcaption|img)(?:\s+[a-z-]+(?:="[^"<>]*")?)*\s*>/g;

function expectEscaped(html: string, strings: readonly string[]): void {
  const text = html.replace(OUR_TAG, "");
  expect(text).not.toMatch(/[<>]/);
  // the edge strings' markup, which would also pass as our tags once the outer < is ours
  for (const s of strings) if (/<(?:script|img)/.test(s)) expect(html).not.toContain(s);
}

/** Every string in a value, at any depth. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) stringsOf(item, out);
  return out;
}

const GENERATED_AT = Date.parse("2041-01-01T00:00:00.000Z");

function historyOf(sample: PollSample, alerts: AlertRecord[]): { history: History; agent: AgentHistory } {
  const t = Float64Array.from([Date.parse(sample.ts)]);
  const agent: AgentHistory = {
    series: {
      agent: sample.agent,
      t,
      values: seriesValues(1),
      disks: new Map(),
      latest: sample.snapshot,
      cpuCount: undefined,
    },
    events: [],
    down: false,
    lastSeen: Date.parse(sample.ts),
    rules: {},
  };
  const history: History = { from: 0, to: GENERATED_AT, agents: [agent], alerts };
  return { history, agent };
}

const CHARTS: DashboardCharts = { agents: [], overview: [], csv: "data.csv" };
const OPTIONS = { generatedAt: GENERATED_AT, refreshSeconds: 0 };

describe("an agent's latest snapshot on the dashboard", { timeout: 20_000 }, () => {
  it("renderSnapshotSection never throws and escapes every string", () => {
    fc.assert(
      fc.property(pollSample, (sample) => {
        expectEscaped(renderSnapshotSection(sample.snapshot), stringsOf(sample.snapshot));
      }),
      RUNS,
    );
  });

  it("summarizeAgent, the index row and the agent page never throw and escape every string", () => {
    fc.assert(
      fc.property(pollSample, fc.array(alertRecord, { maxLength: 3 }), (sample, generated) => {
        const alerts = generated.map((r) => ({ ...r, alert: { ...r.alert, agent: sample.agent } }));
        const { history, agent } = historyOf(sample, alerts);
        const summary = summarizeAgent(
          agent,
          alerts.map((r) => r.alert),
        );
        expect(summary.agent).toBe(sample.agent);
        const strings = [...stringsOf(sample.snapshot), ...stringsOf(alerts)];
        expectEscaped(renderIndexBody(history, CHARTS, OPTIONS), strings);
        expectEscaped(renderAgentBody(history, agent, undefined, OPTIONS), strings);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});
