import { describe, expect, it } from "vitest";
import { parseCollectorConfig } from "../config/load-config.js";
import { describeDiff, diffConfigs } from "./config-diff.js";

const agent = (name: string, extra: object = {}) => ({ name, host: "10.0.0.1", ...extra });

describe("config diff of a reload", () => {
  const started = parseCollectorConfig({
    agents: [agent("a"), agent("b"), agent("c"), agent("d", { port: 9000 })],
    storage: { dir: "/srv/one" },
  });

  it("names the agents added, removed and changed, and the keys that need a restart", () => {
    const next = parseCollectorConfig({
      agents: [agent("a"), agent("c", { token: "0123456789abcdef" }), agent("d"), agent("e"), agent("f")],
      storage: { dir: "/srv/two" },
      poll_interval: 10,
      thresholds: { cpu_usage: 50 },
      alerts: { down_after: 5, webhooks: [{ url: "http://127.0.0.1/hook" }] },
    });
    const diff = diffConfigs(started, started, next);
    expect(describeDiff(diff)).toBe(
      "2 agents added (e, f), 1 removed (b), 2 changed (c, d), thresholds changed, notifiers changed",
    );
    expect(diff.needsRestart).toEqual(["alerts.down_after", "poll_interval", "storage.dir"]);
  });

  it("says nothing changed for the same config, and keeps naming a restart key against the started config", () => {
    expect(describeDiff(diffConfigs(started, started, started))).toBe("nothing changed");
    const moved = parseCollectorConfig({ agents: [agent("a")], storage: { dir: "/srv/two" } });
    const again = diffConfigs(started, moved, moved);
    expect(describeDiff(again)).toBe("nothing changed");
    expect(again.needsRestart).toEqual(["storage.dir"]);
  });

  it("speaks of one agent in the singular, and shortens long lists", () => {
    const many = parseCollectorConfig({ agents: Array.from({ length: 25 }, (_, i) => agent(`n${i}`)) });
    const one = parseCollectorConfig({
      agents: [agent("a"), agent("b"), agent("c"), agent("d", { port: 9000 }), agent("z")],
    });
    expect(describeDiff(diffConfigs(started, started, one))).toBe("1 agent added (z)");
    expect(describeDiff(diffConfigs(started, started, many))).toMatch(
      /^25 agents added \(n0, n1, .*, n19, … 5 more\), 4 removed \(a, b, c, d\)$/,
    );
  });
});
