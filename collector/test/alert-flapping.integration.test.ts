import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { startCollector, writeCollectorConfig, type BackgroundCollector } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";

/** What the scripted agent reports at one poll. */
interface Step {
  cpu: number;
  security?: { status: string; issue_count: number };
}

const quiet = (polls: number, extra: Partial<Step> = {}): Step[] =>
  Array.from({ length: polls }, () => ({ cpu: 10, ...extra }));
const busy = (values: number[], extra: Partial<Step> = {}): Step[] =>
  values.map((cpu) => ({ cpu, ...extra }));
const findings = (status: string, issue_count: number) => ({ security: { status, issue_count } });

interface AlertLine {
  kind: string;
  alert: { metric: string; severity: string; value: number; fired_value?: number; value_at?: string };
}

/**
 * The default thresholds (no `thresholds` in the config) through the built collector: a short
 * CPU spike raises nothing, a sustained one raises one alert and one resolve, and a security
 * finding that turns critical escalates once. The agent answers poll by poll from a plan, so
 * which poll sees what does not depend on timing.
 */
describe("default alert thresholds through the built collector", () => {
  const agent = new ScriptedAgent();
  let plan: Step[] = [];
  let polls = 0;
  let config: { file: string; dir: string };
  let collector: BackgroundCollector | undefined;
  const history = () => {
    const file = path.join(config.dir, "data", "alerts.jsonl");
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as AlertLine);
  };
  const events = () => history().map((line) => `${line.kind} ${line.alert.metric} ${line.alert.severity}`);
  /** Waits until the agent has answered `n` polls in all. */
  const untilPolls = (n: number) => waitFor(async () => (polls >= n ? true : undefined), 30_000, 50);

  beforeAll(async () => {
    agent.answer = () => {
      const step = plan[Math.min(polls, plan.length - 1)] ?? { cpu: 10 };
      polls += 1;
      agent.cpu = step.cpu;
      return { ...agent.snapshot(), ...(step.security ? { security: step.security } : {}) };
    };
    await agent.start();
    const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-flapping-"));
    config = writeCollectorConfig(
      {
        agents: [{ name: "web-01", host: "127.0.0.1", port: agent.port }],
        // fast, yet slow enough that a loaded machine does not time a poll out (a lost answer
        // would take its step of the plan with it)
        poll_interval: 0.5,
        timeout: 0.5,
        alerts: { repeat_interval: 0 },
        storage: { dir: path.join(dir, "data") },
      },
      dir,
    );
  });

  afterAll(async () => {
    await collector?.stop();
    await agent.stop();
  });

  it("a 2-poll spike raises nothing; a sustained burn one alert, its latest value kept, and one resolve", async () => {
    plan = [
      ...quiet(3),
      ...busy([95, 97]), // a spike two polls see: below the default for of 3
      ...quiet(3),
      ...busy([91, 93, 96, 99, 98, 97.5]), // sustained: fires at its 3rd poll (96)
    ];
    collector = startCollector(config.file);
    await untilPolls(plan.length + 2); // the last value holds while firing
    expect(await collector.stop(), collector.output()).toBe(0);
    expect(events()).toEqual(["firing cpu_usage warning"]);
    expect(history()[0]?.alert).toMatchObject({ value: 96, fired_value: 96 });

    // The alert's state (saved at stop) has the latest value, not the one it fired with.
    const state = JSON.parse(readFileSync(path.join(config.dir, "state", "alerts-shard0.json"), "utf8")) as {
      entries: Array<{ alert: AlertLine["alert"] | null }>;
    };
    expect(state.entries.map((entry) => entry.alert)).toMatchObject([
      { metric: "cpu_usage", value: 97.5, fired_value: 96 },
    ]);
    expect(Date.parse(state.entries[0]?.alert?.value_at ?? "")).toBeGreaterThan(Date.now() - 30_000);

    // After a restart it neither fires again nor forgets; a quiet poll resolves it.
    polls = 0;
    plan = [...quiet(4)];
    collector = startCollector(config.file);
    await untilPolls(4);
    expect(await collector.stop(), collector.output()).toBe(0);
    expect(events()).toEqual(["firing cpu_usage warning", "resolved cpu_usage warning"]);
    expect(history()[1]?.alert).toMatchObject({ value: 10, fired_value: 96 });
  }, 90_000);

  it("a security finding fires at once, escalates once when the status turns critical, resolves at 0", async () => {
    const before = history().length;
    polls = 0;
    plan = [
      ...quiet(2, findings("ok", 0)),
      ...quiet(2, findings("warning", 1)),
      ...quiet(3, findings("critical", 2)),
      ...quiet(2, findings("warning", 1)), // back to warning: silent
      ...quiet(3, findings("ok", 0)),
    ];
    collector = startCollector(config.file);
    await untilPolls(plan.length + 1);
    expect(await collector.stop(), collector.output()).toBe(0);
    expect(events().slice(before)).toEqual([
      "firing security_issues warning",
      "escalated security_issues critical",
      "resolved security_issues warning",
    ]);
  }, 60_000);
});
