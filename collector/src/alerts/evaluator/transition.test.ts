import { describe, expect, it } from "vitest";
import { toRule } from "./rules.js";
import type { EntryState } from "./state.js";
import { step } from "./transition.js";
import { at } from "../../../test/support/alert-samples.js";
import type { ThresholdInput } from "./types.js";

function fresh(): EntryState {
  return {
    key: "web-01/cpu_usage",
    agent: "web-01",
    metric: "cpu_usage",
    mount: null,
    streak: 0,
    critical_streak: 0,
    pending_since: null,
    notified_severity: null,
    detail: null,
    alert: null,
  };
}

/**
 * Per value: the change ("fired" shows its severity) and the state after it. A value written
 * as "3!" is 3 with the agent's own "critical" (a security status).
 */
function trace(input: ThresholdInput, values: Array<number | `${number}!`>): string[] {
  const rule = toRule(input)!;
  let entry = fresh();
  return values.map((raw, i) => {
    const agentCritical = typeof raw === "string";
    const value = agentCritical ? Number(raw.slice(0, -1)) : raw;
    const result = step(entry, rule, value, at(i * 30), agentCritical);
    entry = result.entry;
    const state = entry.alert ? entry.alert.severity : entry.streak > 0 ? "pending" : "ok";
    const change = result.change === "fired" ? `fired:${result.alert?.severity}` : (result.change ?? "");
    return change ? `${change}>${state}` : state;
  });
}

describe("step", () => {
  it.each<[string, ThresholdInput, Array<number | `${number}!`>, string[]]>([
    ["fires at the first breach with for 1; value >= level", 80, [79.9, 80], ["ok", "fired:warning>warning"]],
    [
      "fires on the Nth consecutive breaching sample, not before",
      { warning: 80, for: 3 },
      [81, 82, 83, 84],
      ["pending", "pending", "fired:warning>warning", "warning"],
    ],
    [
      "a non-breaching sample resets the count",
      { warning: 80, for: 3 },
      [81, 82, 79, 81, 82, 83],
      ["pending", "pending", "ok", "pending", "pending", "fired:warning>warning"],
    ],
    [
      "hysteresis: stays firing down to level − 5%, resolves below",
      80,
      [85, 79, 76, 75.9],
      ["fired:warning>warning", "warning", "warning", "resolved>ok"],
    ],
    [
      "explicit hysteresis",
      { warning: 80, hysteresis: 1 },
      [85, 79, 78.9],
      ["fired:warning>warning", "warning", "resolved>ok"],
    ],
    [
      "escalation is one 'escalated', not a new firing",
      { warning: 80, critical: 95 },
      [85, 96, 97, 90],
      ["fired:warning>warning", "escalated>critical", "critical", "warning"],
    ],
    [
      "escalation needs `for` samples at or above critical",
      { warning: 80, critical: 95, for: 2 },
      [85, 86, 96, 94, 96, 97, 98],
      ["pending", "fired:warning>warning", "warning", "warning", "warning", "escalated>critical", "critical"],
    ],
    [
      "straight to critical fires critical once",
      { warning: 80, critical: 95, for: 2 },
      [96, 97, 98],
      ["pending", "fired:critical>critical", "critical"],
    ],
    [
      "de-escalation is silent and only below critical − hysteresis",
      { warning: 80, critical: 100 },
      [100, 96, 95, 94.9, 80, 76, 75.9],
      ["fired:critical>critical", "critical", "critical", "warning", "warning", "warning", "resolved>ok"],
    ],
    [
      "re-escalation after a silent de-escalation is not announced again",
      { warning: 80, critical: 95 },
      [85, 96, 85, 96, 85, 96],
      ["fired:warning>warning", "escalated>critical", "warning", "critical", "warning", "critical"],
    ],
    [
      "critical only: fires critical, resolves below critical − hysteresis",
      { critical: 90 },
      [89, 90, 86, 85.4],
      ["ok", "fired:critical>critical", "critical", "resolved>ok"],
    ],
    [
      "a resolved alert starts over",
      { warning: 80, for: 2 },
      [81, 81, 70, 81, 81],
      ["pending", "fired:warning>warning", "resolved>ok", "pending", "fired:warning>warning"],
    ],
    [
      "the quick start's noise: two 10 s spikes do not fire with for 3; a third in a row does",
      { warning: 80, for: 3 },
      [12, 95, 14, 97, 99, 11, 96, 98, 99, 20],
      [
        "ok",
        "pending",
        "ok",
        "pending",
        "pending",
        "ok",
        "pending",
        "pending",
        "fired:warning>warning",
        "resolved>ok",
      ],
    ],
    [
      "security: fired as warning, escalates once when the agent's status turns critical",
      { warning: 1 },
      [1, 1, "1!", "2!", "2!"],
      ["fired:warning>warning", "warning", "escalated>critical", "critical", "critical"],
    ],
    [
      "security: straight to critical when the first finding is critical",
      { warning: 1 },
      ["1!", "1!", 0],
      ["fired:critical>critical", "critical", "resolved>ok"],
    ],
    [
      "security: back to warning silently when the status is no longer critical, resolved at 0",
      { warning: 1 },
      ["2!", 1, "1!", 0],
      ["fired:critical>critical", "warning", "critical", "resolved>ok"],
    ],
    [
      "the agent's critical needs a breach: 0 issues with status critical do not fire",
      { warning: 1 },
      ["0!", 0],
      ["ok", "ok"],
    ],
    [
      "the agent's critical holds a configured critical level too",
      { warning: 1, critical: 5 },
      [6, "2!", 2],
      ["fired:critical>critical", "critical", "warning"],
    ],
  ])("%s", (_name, rule, values, expected) => {
    expect(trace(rule, values)).toEqual(expected);
  });

  it("the alert starts when the streak started and is identified by that time", () => {
    const rule = toRule({ warning: 80, for: 3 })!;
    let entry = fresh();
    for (let i = 0; i < 3; i++) entry = step(entry, rule, 90, at(i * 30)).entry;
    expect(entry.alert).toMatchObject({
      id: `web-01/cpu_usage/${at(0).getTime()}`,
      started_at: at(0).toISOString(),
      last_notified_at: at(60).toISOString(),
      state: "firing",
      resolved_at: null,
      value: 90,
      threshold: 80,
    });
  });

  it("the resolved alert carries the resolving value and time", () => {
    const rule = toRule(80)!;
    const fired = step(fresh(), rule, 90, at(0)).entry;
    const result = step(fired, rule, 50, at(30));
    expect(result.alert).toMatchObject({
      state: "resolved",
      value: 50,
      resolved_at: at(30).toISOString(),
      started_at: at(0).toISOString(),
    });
    expect(result.entry.alert).toBeNull();
  });

  it("every sample updates the firing alert's value and its time, without a notification; the firing value stays", () => {
    const rule = toRule({ warning: 80, for: 2 })!;
    let entry = fresh();
    const changes: Array<string | null> = [];
    for (const [i, value] of [85, 90, 93, 88].entries()) {
      const result = step(entry, rule, value, at(i * 10));
      changes.push(result.change);
      entry = result.entry;
    }
    expect(changes).toEqual([null, "fired", null, null]);
    expect(entry.alert).toMatchObject({
      value: 88,
      value_at: at(30).toISOString(),
      fired_value: 90,
      started_at: at(0).toISOString(),
      last_notified_at: at(10).toISOString(),
    });
    const resolved = step(entry, rule, 40, at(40));
    expect(resolved.alert).toMatchObject({ value: 40, value_at: at(40).toISOString(), fired_value: 90 });
  });
});
