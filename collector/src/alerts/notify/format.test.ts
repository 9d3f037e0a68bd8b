import { describe, expect, it } from "vitest";
import { errorMessage, formatBody, formatSummary, formatValue, metricUnit } from "./format.js";
import type { Alert, AlertNotification } from "./notification.js";
import { diskAlert } from "../../../test/support/alert-notifications.js";

const disk: Alert = { ...diskAlert, value: 96.234 };

describe("metricUnit / formatValue", () => {
  it("uses % for usage, °C for temperature and nothing for load and security issues", () => {
    expect(metricUnit("disk_usage")).toBe("%");
    expect(metricUnit("cpu_usage")).toBe("%");
    expect(metricUnit("cpu_temperature")).toBe("°C");
    expect(metricUnit("system_load")).toBe("");
    expect(metricUnit("security_issues")).toBe("");
    expect(formatValue("memory_usage", 85.04)).toBe("85%");
    expect(formatValue("cpu_temperature", 71.26)).toBe("71.3°C");
    expect(formatValue("system_load", 2.345)).toBe("2.35");
    expect(formatValue("security_issues", 3)).toBe("3");
    expect(formatValue("disk_usage", null)).toBe("n/a");
  });
});

describe("formatSummary", () => {
  it("names the state, severity, agent, metric, mount, value and threshold", () => {
    expect(formatSummary({ kind: "firing", alert: disk, message: "m" })).toBe(
      "[hostwatch] FIRING critical: web-01 disk_usage /var 96.2% (>= 95%)",
    );
    expect(formatSummary({ kind: "escalated", alert: disk, message: "m" })).toBe(
      "[hostwatch] ESCALATED critical: web-01 disk_usage /var 96.2% (>= 95%)",
    );
    expect(formatSummary({ kind: "repeat", alert: { ...disk, severity: "warning" }, message: "m" })).toBe(
      "[hostwatch] STILL FIRING warning: web-01 disk_usage /var 96.2% (>= 95%)",
    );
  });

  it("keeps a resolved summary short", () => {
    const resolved = { ...disk, state: "resolved" as const, resolved_at: "2025-01-02T04:00:00.000Z" };
    expect(formatSummary({ kind: "resolved", alert: resolved, message: "m" })).toBe(
      "[hostwatch] RESOLVED: web-01 disk_usage /var",
    );
  });

  it("leaves out the reading of an agent_down alert (its value is a count of failed polls)", () => {
    const down: Alert = { ...disk, metric: "agent_down", value: 3, threshold: 3 };
    delete down.mount;
    expect(formatSummary({ kind: "firing", alert: down, message: "m" })).toBe(
      "[hostwatch] FIRING critical: web-01 agent_down",
    );
  });
});

describe("formatBody", () => {
  it("lists every field of the alert and the message", () => {
    const resolved: AlertNotification = {
      kind: "resolved",
      alert: { ...disk, state: "resolved", value: 80, resolved_at: "2025-01-02T04:00:00.000Z" },
      message: "web-01 disk /var back to 80%",
    };
    const lines = formatBody(resolved).split("\n");
    expect(lines[0]).toBe("[hostwatch] RESOLVED: web-01 disk_usage /var");
    expect(lines).toEqual(
      expect.arrayContaining([
        "Agent:     web-01",
        "Metric:    disk_usage",
        "Mount:     /var",
        "State:     resolved (resolved)",
        "Severity:  critical",
        "Value:     80%",
        "Threshold: 95%",
        "Since:     2025-01-02T03:04:05.000Z",
        "Resolved:  2025-01-02T04:00:00.000Z",
        "Alert id:  a-1",
        "web-01 disk /var back to 80%",
      ]),
    );
  });

  it("after the firing message, gives the value the alert fired with beside the current one", () => {
    const escalated = formatBody({ kind: "escalated", alert: { ...disk, fired_value: 92.04 }, message: "m" });
    expect(escalated.split("\n")).toEqual(expect.arrayContaining(["Value:     96.2%", "Fired at:  92%"]));
    const firing = formatBody({ kind: "firing", alert: { ...disk, fired_value: 96.234 }, message: "m" });
    expect(firing).not.toContain("Fired at");
  });
});

describe("errorMessage", () => {
  it("follows the cause chain", () => {
    const err = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") });
    expect(errorMessage(err)).toBe("fetch failed: connect ECONNREFUSED 127.0.0.1:1");
    expect(errorMessage("plain")).toBe("plain");
  });
});
