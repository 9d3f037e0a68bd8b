import { describe, expect, it } from "vitest";
import { AlertEvaluator, type EvaluatorOptions } from "./evaluator.js";
import { DEFAULT_THRESHOLDS, resolveRules } from "./rules.js";
import type { EvaluatorState } from "./state.js";
import { at, cpu, disks, event, sample, type SnapshotParts } from "../../../test/support/alert-samples.js";
import type { AlertNotification, ThresholdsInput } from "./types.js";

const HOUR = 3600;

/**
 * An evaluator whose thresholds (the defaults included) fire at the first breach where they
 * set no `for`: these tests are about what follows a breach; the default `for` has its own
 * tests ("default for" below, and transition.test.ts).
 */
function evaluator(
  global: ThresholdsInput = {},
  perAgent: Record<string, ThresholdsInput> = {},
  repeatIntervalS = 4 * HOUR,
  state?: EvaluatorState,
): AlertEvaluator {
  const options: EvaluatorOptions = {
    rules: (agent) => resolveRules(atOnce({ ...DEFAULT_THRESHOLDS, ...global }), atOnce(perAgent[agent])),
    repeatIntervalS,
  };
  return new AlertEvaluator(options, state);
}

function atOnce(thresholds: ThresholdsInput | undefined): ThresholdsInput | undefined {
  if (thresholds === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(thresholds).map(([metric, input]) => [
      metric,
      typeof input === "number" ? { warning: input, for: 1 } : input == null ? input : { for: 1, ...input },
    ]),
  );
}

/** One sample per entry, 30 s apart from `start` seconds; returns "kind message" lines. */
function feed(ev: AlertEvaluator, agent: string, parts: SnapshotParts[], start = 0): string[] {
  return parts.flatMap((p, i) => {
    const when = at(start + i * 30);
    return lines(ev.onSample(sample(agent, p, when), when));
  });
}

function lines(notifications: AlertNotification[]): string[] {
  return notifications.map((n) => `${n.kind} ${n.message}`);
}

function kinds(notifications: string[]): string[] {
  return notifications.map((line) => line.split(" ")[0] ?? "");
}

describe("AlertEvaluator: thresholds", () => {
  it("fires on the Nth breaching sample, not before; a non-breaching sample resets the count", () => {
    const ev = evaluator({ cpu_usage: { warning: 80, for: 3 } });
    expect(feed(ev, "web-01", [cpu(90), cpu(90), cpu(50), cpu(90), cpu(90)])).toEqual([]);
    expect(feed(ev, "web-01", [cpu(90)], 150)).toEqual([
      "firing web-01 cpu_usage WARNING: 90% >= 80% since 2026-11-22T06:01:30Z",
    ]);
    expect(ev.activeAlerts()).toMatchObject([{ key: "web-01/cpu_usage", severity: "warning" }]);
  });

  it("hysteresis: oscillating around the threshold never flaps; resolves only below threshold − hysteresis", () => {
    const ev = evaluator({ disk_usage: 90 });
    const out = feed(
      ev,
      "web-01",
      [91, 89, 90.5, 86, 88, 85.6, 90, 85.5, 85.49].map((v) => disks({ "/": v })),
    );
    expect(out).toEqual([
      "firing web-01 disk_usage / WARNING: 91% >= 90% since 2026-11-22T06:00:00Z",
      "resolved web-01 disk_usage / resolved: 85.49% < 85.5% (was WARNING since 2026-11-22T06:00:00Z)",
    ]);
    expect(ev.activeAlerts()).toEqual([]);
  });

  it("escalation warning → critical is one 'escalated' notification, not a new firing", () => {
    const ev = evaluator({ disk_usage: { warning: 85, critical: 95 } });
    const out = feed(
      ev,
      "web-01",
      [86, 96.2, 97, 90, 96].map((v) => disks({ "/var": v })),
    );
    expect(out).toEqual([
      "firing web-01 disk_usage /var WARNING: 86% >= 85% since 2026-11-22T06:00:00Z",
      "escalated web-01 disk_usage /var escalated to CRITICAL: 96.2% >= 95% since 2026-11-22T06:00:00Z",
    ]);
    const [alert] = ev.activeAlerts();
    expect(alert).toMatchObject({ severity: "critical", threshold: 95, value: 96 });
    expect(alert?.id).toBe(`web-01/disk_usage//var/${at(0).getTime()}`);
  });

  it("storm check: 100 samples oscillating around a threshold produce at most 2 notifications", () => {
    const cases: Array<[ThresholdsInput, (i: number) => number]> = [
      [{ cpu_usage: 80 }, (i) => (i % 2 ? 79.5 : 80.5)],
      [{ cpu_usage: { warning: 80, for: 3 } }, (i) => (i % 3 === 2 ? 70 : 85)],
      [{ cpu_usage: { warning: 80, critical: 95 } }, (i) => (i % 2 ? 85 : 97)],
      [{ cpu_usage: { warning: 80, critical: 95 } }, (i) => [78, 81, 94, 96][i % 4] ?? 0],
    ];
    for (const [rules, value] of cases) {
      const ev = evaluator(rules);
      const out = feed(
        ev,
        "web-01",
        Array.from({ length: 100 }, (_, i) => cpu(value(i))),
      );
      expect(out.length, JSON.stringify(rules)).toBeLessThanOrEqual(2);
    }
  });
});

describe("AlertEvaluator: missing values", () => {
  it("a nil temperature forever never fires", () => {
    const ev = evaluator({ cpu_temperature: 0 });
    const nil = { temperature: { cpu_celsius: null, max_celsius: null, sensors: [] } };
    expect(
      feed(
        ev,
        "web-01",
        Array.from({ length: 50 }, () => nil),
      ),
    ).toEqual([]);
    expect(ev.exportState().entries).toEqual([]);
  });

  it("a missing sample in the middle neither resets the `for` count nor resolves", () => {
    const ev = evaluator({ cpu_usage: { warning: 80, for: 3 } });
    expect(feed(ev, "web-01", [cpu(90), {}, cpu(null), cpu(90)])).toEqual([]);
    expect(kinds(feed(ev, "web-01", [cpu(90)], 120))).toEqual(["firing"]);
    expect(feed(ev, "web-01", [{}, cpu(undefined), { cpu: null }], 150)).toEqual([]);
    expect(ev.activeAlerts()).toHaveLength(1);
  });

  it("a mount that disappears keeps its alert (held, not resolved)", () => {
    const ev = evaluator();
    expect(kinds(feed(ev, "web-01", [disks({ "/": 50, "/mnt": 95 })]))).toEqual(["firing"]);
    expect(feed(ev, "web-01", [disks({ "/": 50 })], 30)).toEqual([]);
    expect(ev.activeAlerts().map((a) => a.mount)).toEqual(["/mnt"]);
  });
});

describe("AlertEvaluator: per agent, per mount, per core", () => {
  it("per-agent overrides: an agent with disk_usage 95 does not fire at 92 while another does", () => {
    const ev = evaluator({ disk_usage: 90 }, { "web-01": { disk_usage: 95 } });
    expect(feed(ev, "web-01", [disks({ "/": 92 })])).toEqual([]);
    expect(feed(ev, "db-01", [disks({ "/": 92 })])).toEqual([
      "firing db-01 disk_usage / WARNING: 92% >= 90% since 2026-11-22T06:00:00Z",
    ]);
    expect(kinds(feed(ev, "web-01", [disks({ "/": 95 })], 30))).toEqual(["firing"]);
  });

  it("disk alerts are per mount and independent", () => {
    const ev = evaluator({ disk_usage: 90 });
    const out = feed(ev, "web-01", [
      disks({ "/": 95, "/var": 50 }),
      disks({ "/": 95, "/var": 92 }),
      disks({ "/": 40, "/var": 93 }),
      disks({ "/": 95, "/var": 93 }),
    ]);
    expect(out).toEqual([
      "firing web-01 disk_usage / WARNING: 95% >= 90% since 2026-11-22T06:00:00Z",
      "firing web-01 disk_usage /var WARNING: 92% >= 90% since 2026-11-22T06:00:30Z",
      "resolved web-01 disk_usage / resolved: 40% < 85.5% (was WARNING since 2026-11-22T06:00:00Z)",
      "firing web-01 disk_usage / WARNING: 95% >= 90% since 2026-11-22T06:01:30Z",
    ]);
    expect(ev.activeAlerts().map((a) => a.key)).toEqual(["web-01/disk_usage//", "web-01/disk_usage//var"]);
    const ids = ev.activeAlerts().map((a) => a.id);
    expect(new Set(ids).size).toBe(2);
  });

  it("load per core divides load_1 by cpu.count", () => {
    const ev = evaluator({ system_load: { warning: 1.5, per_core: true } });
    const load = (load_1: number, count: number) => ({ load: { load_1 }, cpu: { count } });
    expect(feed(ev, "big", [load(40, 32)])).toEqual([]);
    expect(feed(ev, "small", [load(7, 4)])).toEqual([
      "firing small system_load WARNING: 1.75 >= 1.5 (load 7 on 4 cores) since 2026-11-22T06:00:00Z",
    ]);
  });

  it("security issues mention the status", () => {
    const ev = evaluator();
    expect(feed(ev, "web-01", [{ security: { status: "critical", issue_count: 3 } }])).toEqual([
      "firing web-01 security_issues CRITICAL: 3 >= 1 (status critical) since 2026-11-22T06:00:00Z",
    ]);
    expect(kinds(feed(ev, "web-01", [{ security: { status: "ok", issue_count: 0 } }], 30))).toEqual([
      "resolved",
    ]);
  });

  it("a threshold removed from the config resolves its alert instead of leaving it firing", () => {
    let rules: ThresholdsInput = { cpu_usage: { warning: 80, for: 1 } };
    const ev = new AlertEvaluator({ rules: () => resolveRules(rules), repeatIntervalS: 0 });
    expect(kinds(feed(ev, "web-01", [cpu(90)]))).toEqual(["firing"]);
    rules = { cpu_usage: null };
    expect(feed(ev, "web-01", [cpu(90)], 30)).toEqual([
      "resolved web-01 cpu_usage resolved: no longer monitored (threshold removed) (was WARNING since 2026-11-22T06:00:00Z)",
    ]);
    expect(ev.activeAlerts()).toEqual([]);
  });
});

describe("AlertEvaluator: default for, escalation, current value", () => {
  /** The documented defaults as they are, without atOnce. */
  const defaults = () =>
    new AlertEvaluator({ rules: () => resolveRules(undefined), repeatIntervalS: 4 * HOUR });

  it("default for: a resource threshold fires on the 3rd breaching sample, a security finding on the 1st", () => {
    const ev = defaults();
    const finding = { security: { status: "warning", issue_count: 1 } };
    const out = feed(ev, "web-01", [
      { ...cpu(95), ...finding },
      cpu(95),
      { ...cpu(95), security: { status: "ok", issue_count: 0 } },
    ]);
    expect(out).toEqual([
      "firing web-01 security_issues WARNING: 1 >= 1 (status warning) since 2026-11-22T06:00:00Z",
      "firing web-01 cpu_usage WARNING: 95% >= 80% since 2026-11-22T06:00:00Z",
      "resolved web-01 security_issues resolved: 0 < 0.95 (status ok) (was WARNING since 2026-11-22T06:00:00Z)",
    ]);
  });

  it("a security alert that fired as warning escalates once when the status turns critical", () => {
    const ev = defaults();
    const security = (status: string, issue_count: number) => ({ security: { status, issue_count } });
    const out = feed(ev, "web-01", [
      security("warning", 1),
      security("critical", 2),
      security("critical", 2),
      security("warning", 1),
      security("critical", 1),
    ]);
    expect(out).toEqual([
      "firing web-01 security_issues WARNING: 1 >= 1 (status warning) since 2026-11-22T06:00:00Z",
      "escalated web-01 security_issues escalated to CRITICAL: 2 >= 1 (status critical) since 2026-11-22T06:00:00Z",
    ]);
    expect(ev.activeAlerts()).toMatchObject([{ severity: "critical", value: 1, fired_value: 1 }]);
  });

  it("the active alert carries the latest value and its time, and the value that fired it", () => {
    const ev = defaults();
    const out = feed(ev, "web-01", [cpu(85), cpu(90), cpu(95), cpu(99), cpu(97)]);
    expect(kinds(out)).toEqual(["firing"]);
    expect(ev.activeAlerts()).toMatchObject([
      { metric: "cpu_usage", value: 97, value_at: at(120).toISOString(), fired_value: 95 },
    ]);
    // the saved state keeps them across a restart
    const restarted = new AlertEvaluator(
      { rules: () => resolveRules(undefined), repeatIntervalS: 4 * HOUR },
      JSON.parse(JSON.stringify(ev.exportState())) as EvaluatorState,
    );
    expect(restarted.activeAlerts()).toMatchObject([{ value: 97, fired_value: 95 }]);
  });

  it("a state saved before value_at and fired_value existed still loads", () => {
    const ev = defaults();
    feed(ev, "web-01", [cpu(85), cpu(90), cpu(95)]);
    const state = JSON.parse(JSON.stringify(ev.exportState())) as EvaluatorState;
    for (const entry of state.entries) {
      if (entry.alert) {
        delete entry.alert.value_at;
        delete entry.alert.fired_value;
      }
    }
    const restarted = new AlertEvaluator({ rules: () => resolveRules(undefined), repeatIntervalS: 0 }, state);
    expect(restarted.activeAlerts()).toMatchObject([{ metric: "cpu_usage", value: 95 }]);
  });
});

describe("AlertEvaluator: agent down", () => {
  it("one agent_down alert; metric alerts held while down; after 'up' a good sample resolves them", () => {
    const ev = evaluator({ cpu_usage: 80, disk_usage: 90 });
    expect(kinds(feed(ev, "web-01", [cpu(95), { ...cpu(95), ...disks({ "/": 97 }) }]))).toEqual([
      "firing",
      "firing",
    ]);

    const down = ev.onEvent(event("web-01", "down", 3, at(120)), at(120));
    expect(lines(down)).toEqual([
      "firing web-01 agent_down CRITICAL: down after 3 failed polls (timeout) since 2026-11-22T06:02:00Z",
    ]);
    expect(down[0]?.alert).toMatchObject({ key: "web-01/agent_down", severity: "critical", state: "firing" });
    // More failures and even another "down" (e.g. replayed) add nothing.
    expect(ev.onEvent(event("web-01", "poll_error", 4, at(150)), at(150))).toEqual([]);
    expect(ev.onEvent(event("web-01", "down", 4, at(150)), at(150))).toEqual([]);
    // While down: no resolution, no metric repeats; agent_down repeats.
    const tick = ev.tick(at(120 + 4 * HOUR));
    expect(lines(tick)).toEqual([
      "repeat web-01 agent_down still CRITICAL: 4 failed polls since 2026-11-22T06:02:00Z",
    ]);
    expect(ev.activeAlerts().map((a) => a.metric)).toEqual(["agent_down", "cpu_usage", "disk_usage"]);

    const upAt = 120 + 5 * HOUR;
    const up = ev.onEvent(event("web-01", "up", 600, at(upAt)), at(upAt));
    expect(lines(up)).toEqual([
      "resolved web-01 agent_down resolved: agent up, recovered after 600 failed polls (down since 2026-11-22T06:02:00Z)",
    ]);
    expect(up[0]?.alert).toMatchObject({ state: "resolved", resolved_at: at(upAt).toISOString() });
    // Held until the first sample, which evaluates normally.
    expect(ev.tick(at(upAt))).toEqual([]);
    expect(kinds(feed(ev, "web-01", [{ ...cpu(10), ...disks({ "/": 97 }) }], upAt))).toEqual([
      "resolved",
      "repeat",
    ]);
    expect(ev.activeAlerts().map((a) => a.key)).toEqual(["web-01/disk_usage//"]);
  });

  it("'up' without a down alert says nothing", () => {
    expect(evaluator().onEvent(event("web-01", "up", 0), at(0))).toEqual([]);
  });

  it("another agent's alerts are not held", () => {
    const ev = evaluator({ cpu_usage: 80 });
    feed(ev, "web-01", [cpu(95)]);
    feed(ev, "db-01", [cpu(95)]);
    ev.onEvent(event("web-01", "down", 3, at(60)), at(60));
    expect(ev.tick(at(4 * HOUR)).map((n) => n.alert.key)).toEqual(["db-01/cpu_usage"]);
  });
});

describe("AlertEvaluator: repeats", () => {
  function repeatTimes(repeatIntervalS: number): number[] {
    const ev = evaluator({ cpu_usage: 80 }, {}, repeatIntervalS);
    feed(ev, "web-01", [cpu(90)]);
    const times: number[] = [];
    for (let s = 600; s <= 9 * HOUR; s += 600) {
      if (ev.tick(at(s)).some((n) => n.kind === "repeat")) times.push(s / HOUR);
    }
    return times;
  }

  it.each([
    [4 * HOUR, [4, 8]],
    [0, []],
  ])("interval %i s repeats at hours %j", (interval, expected) => {
    expect(repeatTimes(interval)).toEqual(expected);
  });

  it("samples trigger due repeats too, with the current value", () => {
    const ev = evaluator({ cpu_usage: 80 }, {}, HOUR);
    feed(ev, "web-01", [cpu(90)]);
    expect(feed(ev, "web-01", [cpu(91)], HOUR - 30)).toEqual([]);
    expect(feed(ev, "web-01", [cpu(79)], HOUR)).toEqual([
      "repeat web-01 cpu_usage still WARNING: 79% (threshold 80%) since 2026-11-22T06:00:00Z",
    ]);
    expect(feed(ev, "web-01", [cpu(92)], HOUR + 30)).toEqual([]);
  });

  it("an escalation restarts the repeat clock", () => {
    const ev = evaluator({ cpu_usage: { warning: 80, critical: 95 } }, {}, 4 * HOUR);
    feed(ev, "web-01", [cpu(90)]);
    expect(kinds(feed(ev, "web-01", [cpu(96)], 3 * HOUR))).toEqual(["escalated"]);
    expect(ev.tick(at(4 * HOUR))).toEqual([]);
    expect(kinds(lines(ev.tick(at(7 * HOUR))))).toEqual(["repeat"]);
  });
  it("a re-escalation is announced again only after a repeat announced the lower severity", () => {
    const ev = evaluator({ cpu_usage: { warning: 80, critical: 95 } }, {}, HOUR);
    expect(kinds(feed(ev, "web-01", [cpu(90), cpu(96), cpu(85), cpu(96), cpu(85)]))).toEqual([
      "firing",
      "escalated",
    ]);
    expect(lines(ev.tick(at(2 * HOUR)))).toEqual([
      "repeat web-01 cpu_usage still WARNING: 85% (threshold 80%) since 2026-11-22T06:00:00Z",
    ]);
    expect(kinds(feed(ev, "web-01", [cpu(96)], 2 * HOUR + 30))).toEqual(["escalated"]);
  });
});

describe("AlertEvaluator: restart", () => {
  function restart(ev: AlertEvaluator, global: ThresholdsInput, repeatIntervalS = 4 * HOUR): AlertEvaluator {
    const json = JSON.stringify(ev.exportState());
    return evaluator(global, {}, repeatIntervalS, JSON.parse(json) as EvaluatorState);
  }

  it("does not re-fire an alert that was firing, nor forget it", () => {
    const rules = { cpu_usage: 80 };
    const first = evaluator(rules);
    expect(kinds(feed(first, "web-01", [cpu(90)]))).toEqual(["firing"]);
    const second = restart(first, rules);
    expect(second.activeAlerts()).toEqual(first.activeAlerts());
    expect(feed(second, "web-01", [cpu(91)], 30)).toEqual([]);
    expect(second.tick(at(4 * HOUR)).map((n) => n.kind)).toEqual(["repeat"]);
    expect(kinds(feed(second, "web-01", [cpu(10)], 4 * HOUR + 30))).toEqual(["resolved"]);
  });

  it("a pending `for` counter continues", () => {
    const rules = { cpu_usage: { warning: 80, for: 3 } };
    const first = evaluator(rules);
    expect(feed(first, "web-01", [cpu(90), cpu(90)])).toEqual([]);
    const second = restart(first, rules);
    expect(feed(second, "web-01", [cpu(90)], 60)).toEqual([
      "firing web-01 cpu_usage WARNING: 90% >= 80% since 2026-11-22T06:00:00Z",
    ]);
  });

  it("an agent down stays down and held", () => {
    const rules = { cpu_usage: 80 };
    const first = evaluator(rules);
    feed(first, "web-01", [cpu(90)]);
    first.onEvent(event("web-01", "down", 3, at(60)), at(60));
    const second = restart(first, rules);
    expect(second.onEvent(event("web-01", "down", 3, at(90)), at(90))).toEqual([]);
    expect(second.tick(at(60 + 4 * HOUR)).map((n) => n.alert.metric)).toEqual(["agent_down"]);
    expect(second.onEvent(event("web-01", "up", 9, at(HOUR * 5)), at(HOUR * 5)).map((n) => n.kind)).toEqual([
      "resolved",
    ]);
  });

  it("the state is plain, version-tagged JSON", () => {
    const ev = evaluator({ cpu_usage: { warning: 80, for: 2 } });
    feed(ev, "web-01", [cpu(90), cpu(90)]);
    feed(ev, "db-01", [cpu(90)]);
    const state = ev.exportState();
    expect(state.version).toBe(1);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.entries.map((e) => [e.key, e.streak, e.alert?.state ?? null])).toEqual([
      ["db-01/cpu_usage", 1, null],
      ["web-01/cpu_usage", 2, "firing"],
    ]);
  });

  it("refuses a state it does not understand", () => {
    const options = { rules: () => resolveRules({}), repeatIntervalS: 0 };
    expect(() => new AlertEvaluator(options, { version: 2 } as unknown as EvaluatorState)).toThrow(
      /unsupported version 2/,
    );
    expect(
      () => new AlertEvaluator(options, { version: 1, entries: [{}], held_agents: [] } as never),
    ).toThrow(/alert state: entries/);
  });

  it("retainAgents resolves the alerts of agents no longer configured", () => {
    const ev = evaluator({ cpu_usage: 80 });
    feed(ev, "web-01", [cpu(90)]);
    feed(ev, "gone", [cpu(90)]);
    ev.onEvent(event("gone", "down", 3, at(60)), at(60));
    const out = ev.retainAgents(["web-01"], at(90));
    expect(out.map((n) => n.alert.key)).toEqual(["gone/agent_down", "gone/cpu_usage"]);
    expect(out[0]?.message).toContain("agent removed from the config");
    expect(ev.exportState()).toMatchObject({ held_agents: [] });
    expect(ev.activeAlerts().map((a) => a.key)).toEqual(["web-01/cpu_usage"]);
  });

  it("returned alerts are copies", () => {
    const ev = evaluator({ cpu_usage: 80 });
    const [fired] = ev.onSample(sample("web-01", cpu(90)), at(0));
    if (fired) fired.alert.severity = "critical";
    const [active] = ev.activeAlerts();
    if (active) active.value = -1;
    expect(ev.activeAlerts()[0]).toMatchObject({ severity: "warning", value: 90 });
  });
});
