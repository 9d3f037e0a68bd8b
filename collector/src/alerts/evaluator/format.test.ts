import { describe, expect, it } from "vitest";
import { firingMessage, formatTime, formatValue, resolvedMessage } from "./format.js";
import type { Alert, AlertMetric } from "./types.js";

function alert(metric: AlertMetric, value: number, threshold: number, mount?: string): Alert {
  return {
    id: "x",
    key: "x",
    agent: "web-01",
    metric,
    ...(mount ? { mount } : {}),
    severity: "critical",
    state: "firing",
    value,
    threshold,
    started_at: "2026-11-22T06:21:10.123Z",
    resolved_at: null,
    last_notified_at: "2026-11-22T06:21:10.123Z",
  };
}

describe("format", () => {
  it.each<[AlertMetric, number, string]>([
    ["cpu_usage", 80, "80%"],
    ["cpu_temperature", 71.456, "71.46°C"],
    ["system_load", 2, "2"],
    ["memory_usage", 85.5, "85.5%"],
    ["swap_usage", 50, "50%"],
    ["disk_usage", 96.2, "96.2%"],
    ["security_issues", 3, "3"],
  ])("%s %d → %s", (metric, value, expected) => {
    expect(formatValue(metric, value)).toBe(expected);
  });

  it("times are ISO to the second", () => {
    expect(formatTime("2026-11-22T06:21:10.123Z")).toBe("2026-11-22T06:21:10Z");
  });

  it("one line per notification, with the mount", () => {
    expect(firingMessage(alert("disk_usage", 96.2, 95, "/var"))).toBe(
      "web-01 disk_usage /var CRITICAL: 96.2% >= 95% since 2026-11-22T06:21:10Z",
    );
    expect(resolvedMessage(alert("cpu_temperature", 60, 70), 66.5)).toBe(
      "web-01 cpu_temperature resolved: 60°C < 66.5°C (was CRITICAL since 2026-11-22T06:21:10Z)",
    );
  });
});
