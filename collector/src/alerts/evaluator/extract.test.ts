import { describe, expect, it } from "vitest";
import { extractObservations } from "./extract.js";
import { resolveRules } from "./rules.js";
import { snapshot, type SnapshotParts } from "../../../test/support/alert-samples.js";
import type { MetricName } from "./types.js";

const all = resolveRules({ swap_usage: 50 });
const perCore = resolveRules({ system_load: { warning: 1, per_core: true } });

function values(parts: SnapshotParts, metric: MetricName, rules = all) {
  return extractObservations(snapshot(parts), rules)
    .filter((o) => o.metric === metric)
    .map(({ metric: _metric, ...rest }) => rest);
}

describe("extractObservations", () => {
  it.each<[string, SnapshotParts, MetricName, unknown[]]>([
    ["cpu usage", { cpu: { usage_percent: 42.5 } }, "cpu_usage", [{ value: 42.5 }]],
    ["cpu family absent", {}, "cpu_usage", []],
    ["cpu field absent (third-party agent)", { cpu: { count: 4 } }, "cpu_usage", []],
    ["temperature", { temperature: { cpu_celsius: 61 } }, "cpu_temperature", [{ value: 61 }]],
    ["temperature nil", { temperature: { cpu_celsius: null } }, "cpu_temperature", []],
    ["load", { load: { load_1: 3.5 }, cpu: { count: 4 } }, "system_load", [{ value: 3.5 }]],
    ["memory", { memory: { usage_percent: 90 } }, "memory_usage", [{ value: 90 }]],
    ["NaN is missing", { memory: { usage_percent: Number.NaN } }, "memory_usage", []],
    [
      "swap with swap",
      { memory: { swap_total_bytes: 1024, swap_percent: 60 } },
      "swap_usage",
      [{ value: 60 }],
    ],
    ["no swap on the host", { memory: { swap_total_bytes: 0, swap_percent: 0 } }, "swap_usage", []],
    ["swap total unknown", { memory: { swap_percent: 60 } }, "swap_usage", []],
    [
      "security with its status; the agent's critical marks the observation critical",
      { security: { status: "critical", issue_count: 3 } },
      "security_issues",
      [{ value: 3, detail: "status critical", critical: true }],
    ],
    [
      "security warning is not critical",
      { security: { status: "warning", issue_count: 1 } },
      "security_issues",
      [{ value: 1, detail: "status warning" }],
    ],
    [
      "security unavailable: no check ran",
      { security: { status: "unavailable", issue_count: 0 } },
      "security_issues",
      [],
    ],
    [
      "one value per mount, first entry wins, bad entries skipped",
      {
        disks: [
          { mount: "/", usage_percent: 50 },
          { mount: "/var", usage_percent: 91 },
          { mount: "/var", usage_percent: 10 },
          { mount: "/bad" },
          { usage_percent: 99 },
          null,
        ],
      },
      "disk_usage",
      [
        { mount: "/", value: 50 },
        { mount: "/var", value: 91 },
      ],
    ],
    ["disks not an array", { disks: "oops" }, "disk_usage", []],
  ])("%s", (_name, parts, metric, expected) => {
    expect(values(parts, metric)).toEqual(expected);
  });

  it.each<[string, SnapshotParts, unknown[]]>([
    ["divides load_1 by cpu.count", { load: { load_1: 6 }, cpu: { count: 4 } }, [{ value: 1.5 }]],
    ["cpu count unknown: missing", { load: { load_1: 6 } }, []],
    ["cpu count 0: missing", { load: { load_1: 6 }, cpu: { count: 0 } }, []],
  ])("load per core: %s", (_name, parts, expected) => {
    const got = values(parts, "system_load", perCore);
    expect(got.map(({ value }) => ({ value }))).toEqual(expected);
    if (got[0]) expect(got[0].detail).toBe("load 6 on 4 cores");
  });

  it("skips metrics without a rule", () => {
    const rules = resolveRules({ cpu_usage: null });
    expect(extractObservations(snapshot({ cpu: { usage_percent: 99 } }), rules)).toEqual([]);
  });
});
