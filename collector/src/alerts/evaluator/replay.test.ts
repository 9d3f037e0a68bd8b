/**
 * A recorded series replayed through the evaluator: how many notifications the old default
 * (`for` 1) and the new ones (DEFAULT_FOR) give. The series is the quick start on a shared
 * 2-core build machine (collector/test/fixtures/quickstart-noisy-series.json, from
 * bench/alert-quiet-run.mjs): 10 minutes of other people's builds, then a 60 s burn.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { PollSample } from "../../storage/index.js";
import { AlertEvaluator } from "./evaluator.js";
import { resolveRules } from "./rules.js";
import type { ThresholdsInput } from "./types.js";

interface Series {
  cpu_count: number;
  /** [ts, cpu_usage_percent, load_1, memory_usage_percent] */
  samples: Array<[string, number, number, number]>;
}

const series = JSON.parse(
  readFileSync(new URL("../../../test/fixtures/quickstart-noisy-series.json", import.meta.url), "utf8"),
) as Series;
/** The burn started at 18:26:20 (bench/alert-quiet-run.mjs's log). */
const BURN_START = Date.parse("2026-12-04T18:26:20Z");

function sampleAt([ts, cpu, load, memory]: Series["samples"][number]): PollSample {
  const snapshot = {
    timestamp: ts,
    agent: { name: "localhost" },
    cpu: { usage_percent: cpu, count: series.cpu_count },
    load: { load_1: load },
    memory: { usage_percent: memory },
    collector_status: [],
  };
  return { agent: "localhost", ts, duration_ms: 1, snapshot: snapshot };
}

/** Notifications per phase as "metric kind" → count. */
function replay(thresholds: ThresholdsInput | undefined) {
  const evaluator = new AlertEvaluator({ rules: () => resolveRules(thresholds), repeatIntervalS: 0 });
  const phases = { quiet: {} as Record<string, number>, burn: {} as Record<string, number> };
  for (const row of series.samples) {
    const phase = Date.parse(row[0]) < BURN_START ? phases.quiet : phases.burn;
    for (const n of evaluator.onSample(sampleAt(row), new Date(row[0]))) {
      const key = `${n.alert.metric} ${n.kind}`;
      phase[key] = (phase[key] ?? 0) + 1;
    }
  }
  return phases;
}

describe("the recorded quick-start series", () => {
  it("with the old default for of 1: 12 cpu alerts in the 10 minutes before the burn, as that run's collector sent", () => {
    const old = replay({
      cpu_usage: { warning: 80, for: 1 },
      system_load: { warning: 2, for: 1 },
      memory_usage: { warning: 85, for: 1 },
    });
    // That run's alerts.jsonl (main's build): 12 cpu_usage firing and 11 resolved, 1 system_load
    // firing in the 10 quiet minutes (the machine's load stayed above 2 throughout).
    expect(old.quiet).toEqual({ "cpu_usage firing": 12, "cpu_usage resolved": 11, "system_load firing": 1 });
    expect(old.burn).toEqual({ "cpu_usage firing": 2, "cpu_usage resolved": 3 });
  });

  it("with the new defaults: the bursts of 30 s and more only, 5 instead of 12, and one alert over the burn", () => {
    const now = replay(undefined);
    expect(now.quiet).toEqual({ "cpu_usage firing": 5, "cpu_usage resolved": 4, "system_load firing": 1 });
    // the machine was already busy from 18:25:10: the alert that fired then lasts through the burn
    expect(now.burn).toEqual({ "cpu_usage resolved": 1 });
  });
});
