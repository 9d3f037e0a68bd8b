import { describe, expect, it } from "vitest";
import { resolveRules } from "../../../collector/src/alerts/evaluator/rules.js";
import type { Alert } from "../../../collector/src/alerts/evaluator/types.js";
import type { AgentHistory } from "../model.js";
import { alertReading } from "./alert-reading.js";
import { renderAgentBody } from "./agent-page.js";
import { activeAlerts } from "./status.js";
import { buildHistory, GENERATED_AT, MIN, T0 } from "../../test/support/dashboard-history.js";
import { displayLocal } from "./format.js";

/** app-02 fires cpu_usage since T0+20 min (escalated at T0+35); its newest sample is at T0+58 min. */
function appHistory(cpuNow: number) {
  const history = buildHistory();
  const app = history.agents.find((a) => a.series.agent === "app-02")!;
  app.series.latest = { ...app.series.latest!, cpu: { ...app.series.latest!.cpu!, usage_percent: cpuNow } };
  const alert = activeAlerts(history.alerts).find((a) => a.agent === "app-02" && a.metric === "cpu_usage")!;
  return { history, app, alert };
}

describe("alertReading", () => {
  it("takes the latest value from the newest sample when it is newer than the record", () => {
    const { app, alert } = appHistory(93.5);
    expect(alertReading({ ...alert, fired_value: 96 }, app)).toEqual({
      value: 93.5,
      at: T0 + 58 * MIN,
      firedValue: 96,
    });
  });

  it("keeps the record's value when the record is newer than any sample, or the sample lacks the metric", () => {
    const { app, alert } = appHistory(93.5);
    const later = new Date(T0 + 59 * MIN).toISOString();
    expect(alertReading({ ...alert, value: 99, value_at: later }, app)).toMatchObject({
      value: 99,
      at: Date.parse(later),
    });
    const noCpu: AgentHistory = {
      ...app,
      series: { ...app.series, latest: { ...app.series.latest!, cpu: undefined } },
    };
    expect(alertReading(alert, noCpu)).toMatchObject({ value: alert.value });
  });

  it("per-core load is taken as the agent's rule says, a disk by its mount", () => {
    const { app } = appHistory(10);
    const rules = resolveRules({ system_load: { warning: 1, per_core: true } });
    const withLoad: AgentHistory = {
      ...app,
      rules,
      series: {
        ...app.series,
        latest: { ...app.series.latest!, load: { load_1: 3, load_5: 2, load_15: 1 } },
      },
    };
    const load: Alert = { ...diskLike(), metric: "system_load", key: "app-02/system_load", threshold: 1 };
    delete load.mount;
    expect(alertReading(load, withLoad).value).toBe(1.5); // 3 on 2 cores
    expect(alertReading(diskLike(), app).value).toBe(30); // the "/" disk of the sample
  });
});

describe("agent page: active alerts", () => {
  it("show the latest value and its time, the value at firing and since when", () => {
    const { history, app } = appHistory(91.25);
    const firing = history.alerts.find((r) => r.alert.agent === "app-02" && r.alert.metric === "cpu_usage")!;
    for (const record of history.alerts) {
      if (record.alert.id === firing.alert.id) record.alert = { ...record.alert, fired_value: 96.5 };
    }
    const html = renderAgentBody(history, app, undefined, { generatedAt: GENERATED_AT, refreshSeconds: 0 });
    const item = /<li data-alert="app-02\/cpu_usage">(.*?)<\/li>/.exec(html)?.[1] ?? "";
    expect(item).toContain("cpu_usage: 91.3% / 95.0%");
    expect(item).toContain(`now at <time`);
    expect(item).toContain(displayLocal(T0 + 58 * MIN));
    expect(item).toContain("fired at 96.5%");
    expect(item).toContain(`since <time`);
  });
});

function diskLike(): Alert {
  return {
    id: "app-02/disk_usage///1",
    key: "app-02/disk_usage//",
    agent: "app-02",
    metric: "disk_usage",
    mount: "/",
    severity: "warning",
    state: "firing",
    value: 91,
    threshold: 90,
    started_at: new Date(T0).toISOString(),
    resolved_at: null,
    last_notified_at: new Date(T0).toISOString(),
  };
}
