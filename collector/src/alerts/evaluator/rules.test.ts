import { describe, expect, it } from "vitest";
import type { ParsedCollectorConfig } from "../../config/schema.js";
import { DEFAULT_FOR, DEFAULT_THRESHOLDS, releaseLevel, resolveRules, toRule } from "./rules.js";
import { METRICS, type ThresholdsInput } from "./types.js";

describe("toRule", () => {
  it.each([
    ["a number is the warning level", 80, { warning: 80, critical: undefined, for: 1, per_core: false }],
    [
      "the long form keeps its levels",
      { warning: 80, critical: 95, for: 3, hysteresis: 2 },
      { warning: 80, critical: 95, for: 3, hysteresis: 2, per_core: false },
    ],
    ["critical only", { critical: 95 }, { warning: undefined, critical: 95, for: 1, per_core: false }],
    ["for is at least 1", { warning: 1, for: 0 }, { warning: 1, for: 1 }],
    ["for is whole", { warning: 1, for: 2.7 }, { warning: 1, for: 2 }],
    ["per_core", { warning: 1.5, per_core: true }, { warning: 1.5, per_core: true }],
  ])("%s", (_name, input, expected) => {
    expect(toRule(input)).toMatchObject(expected);
  });

  it.each([null, undefined, {}, { for: 3 }, { warning: Number.NaN }])("no level, no rule: %j", (input) => {
    expect(toRule(input)).toBeUndefined();
  });
});

describe("releaseLevel", () => {
  it.each([
    ["5% of the level by default", { warning: 80 }, 80, 76],
    ["5% of each level", { warning: 80, critical: 100 }, 100, 95],
    ["an explicit hysteresis is absolute", { warning: 80, hysteresis: 2 }, 80, 78],
    ["a count", 1, 1, 0.95],
  ])("%s", (_name, input, level, expected) => {
    const rule = toRule(input);
    expect(rule).toBeDefined();
    expect(releaseLevel(rule!, level)).toBeCloseTo(expected, 10);
  });
});

describe("resolveRules", () => {
  it("applies the documented defaults when the global entry is absent, and none for swap", () => {
    const rules = resolveRules(undefined);
    expect(rules.cpu_usage?.warning).toBe(80);
    expect(rules.cpu_temperature?.warning).toBe(70);
    expect(rules.system_load?.warning).toBe(2);
    expect(rules.system_load?.per_core).toBe(false);
    expect(rules.memory_usage?.warning).toBe(85);
    expect(rules.disk_usage?.warning).toBe(90);
    expect(rules.security_issues?.warning).toBe(1);
    expect(rules.swap_usage).toBeUndefined();
    expect(Object.keys(resolveRules({})).sort()).toEqual(Object.keys(DEFAULT_THRESHOLDS).sort());
  });

  it("a threshold without `for` waits 3 samples for resource metrics, 1 for security findings", () => {
    const rules = resolveRules({ swap_usage: 50 }, { cpu_usage: { warning: 70, critical: 90 } });
    for (const metric of METRICS.filter((m) => m !== "security_issues")) {
      expect(rules[metric]?.for, metric).toBe(3);
      expect(DEFAULT_FOR[metric], metric).toBe(3);
    }
    expect(rules.security_issues?.for).toBe(1);
    expect(resolveRules({ cpu_usage: { warning: 80, for: 1 } }).cpu_usage?.for).toBe(1);
  });

  it("a global entry replaces the default; a per-agent entry replaces the global one as a whole", () => {
    const global: ThresholdsInput = { disk_usage: { warning: 85, critical: 95, for: 2 }, swap_usage: 50 };
    expect(resolveRules(global).disk_usage).toMatchObject({ warning: 85, critical: 95, for: 2 });
    expect(resolveRules(global).swap_usage?.warning).toBe(50);
    const agent = resolveRules(global, { disk_usage: 95 }).disk_usage;
    expect(agent).toMatchObject({ warning: 95, critical: undefined, for: 3 });
    expect(resolveRules(global, { disk_usage: 95 }).swap_usage?.warning).toBe(50);
  });

  it("null switches a metric off, globally or for one agent", () => {
    expect(resolveRules({ cpu_temperature: null }).cpu_temperature).toBeUndefined();
    expect(resolveRules({}, { security_issues: null }).security_issues).toBeUndefined();
    expect(resolveRules({ cpu_temperature: null }, { cpu_temperature: 60 }).cpu_temperature?.warning).toBe(
      60,
    );
  });

  it("accepts the parsed config's thresholds as they are", () => {
    const parsed: ParsedCollectorConfig["thresholds"] = { cpu_usage: { warning: 70, critical: 90 } };
    const agentParsed: ParsedCollectorConfig["agents"][number]["thresholds"] = { cpu_usage: 50 };
    expect(resolveRules(parsed, agentParsed).cpu_usage?.warning).toBe(50);
  });
});
