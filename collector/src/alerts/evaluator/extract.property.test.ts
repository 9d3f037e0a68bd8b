/**
 * Properties of the alert evaluator over every snapshot the normaliser can produce
 * (collector/test/arbitrary-snapshot.ts): extraction and evaluation never throw, and what they
 * give is usable (finite values, one observation per mount, notifications with a message).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pollSample, snapshot } from "../../../test/arbitrary-snapshot.js";
import { AlertEvaluator } from "./evaluator.js";
import { extractObservations } from "./extract.js";
import { formatValue } from "./format.js";
import { resolveRules } from "./rules.js";
import type { ResolvedRules, ThresholdsInput } from "./types.js";

const RUNS = { numRuns: 500, seed: 20_261_127 };

/** Every metric watched, with levels low enough that generated values breach them. */
const EVERYTHING: ThresholdsInput = {
  cpu_usage: { warning: 50, critical: 90 },
  cpu_temperature: 60,
  system_load: { warning: 1, per_core: true },
  memory_usage: { warning: 50, critical: 90, for: 2 },
  swap_usage: 10,
  disk_usage: { warning: 0, critical: 95, for: 1 },
  security_issues: 1,
};
const rulesSets: ResolvedRules[] = [
  resolveRules(EVERYTHING),
  resolveRules({ ...EVERYTHING, system_load: 2 }),
  resolveRules(undefined),
];

describe("extractObservations", { timeout: 20_000 }, () => {
  it("never throws and gives finite values, unique non-empty mounts, for every snapshot", () => {
    fc.assert(
      fc.property(snapshot, fc.constantFrom(...rulesSets), (s, rules) => {
        const observations = extractObservations(s, rules);
        for (const o of observations) {
          expect(Number.isFinite(o.value)).toBe(true);
          expect(rules[o.metric]).toBeDefined();
          if (o.metric === "disk_usage") expect(o.mount).toMatch(/.+/su);
        }
        const mounts = observations.filter((o) => o.metric === "disk_usage").map((o) => o.mount);
        expect(new Set(mounts).size).toBe(mounts.length);
      }),
      RUNS,
    );
  });
});

describe("AlertEvaluator", { timeout: 20_000 }, () => {
  it("never throws over a run of generated samples, and every notification has a one-line message", () => {
    fc.assert(
      fc.property(fc.array(pollSample, { minLength: 1, maxLength: 8 }), (samples) => {
        const evaluator = new AlertEvaluator({ rules: () => rulesSets[0]!, repeatIntervalS: 60 });
        let now = Date.parse("2026-11-22T06:00:00.000Z");
        for (const sample of samples) {
          now += 61_000;
          for (const n of evaluator.onSample(sample, new Date(now))) {
            expect(n.message).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
            expect(Number.isFinite(n.alert.value)).toBe(true);
            expect(Number.isFinite(n.alert.threshold)).toBe(true);
          }
        }
        evaluator.tick(new Date(now + 3_600_000));
        expect(() => JSON.stringify(evaluator.activeAlerts())).not.toThrow();
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});

describe("regressions found by these properties", () => {
  const base = { timestamp: "2026-11-22T06:21:10.123Z", agent: { name: "a" }, collector_status: [] };

  it("a cpu count below one core gives no per-core load (5e-324 cores made it Infinity)", () => {
    const s = { ...base, cpu: { count: 5e-324 }, load: { load_1: 4_294_967_295.5 } };
    expect(extractObservations(s, rulesSets[0]!).filter((o) => o.metric === "system_load")).toEqual([]);
    const huge = { ...base, cpu: { count: 1 }, load: { load_1: 1e308 } };
    expect(extractObservations(huge, rulesSets[0]!)).toMatchObject([{ metric: "system_load", value: 1e308 }]);
  });

  it("a mount with control characters or a line break gives a one-line message", () => {
    const evaluator = new AlertEvaluator({ rules: () => rulesSets[0]!, repeatIntervalS: 60 });
    const sample = {
      agent: "a",
      ts: base.timestamp,
      duration_ms: 1,
      snapshot: { ...base, disks: [{ mount: "/mnt/\u0001\u001f\nx\u2028", usage_percent: 99 }] },
    };
    const [firing] = evaluator.onSample(sample, new Date(base.timestamp));
    expect(firing?.message).toBe("a disk_usage /mnt/???x? CRITICAL: 99% >= 95% since 2026-11-22T06:21:10Z");
  });

  it("a value too large to round to hundredths is shown as it is", () => {
    expect(formatValue("disk_usage", 1e308)).toBe("1e+308%");
    expect(formatValue("disk_usage", 12.345)).toBe("12.35%");
  });
});
