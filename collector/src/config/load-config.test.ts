import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../common/src/config/config-error.js";
import { parseCollectorConfig } from "./load-config.js";

function problemsOf(input: unknown): string[] {
  try {
    parseCollectorConfig(input, "/srv");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("collector config", () => {
  it("accepts a seed config and fills in the documented defaults", () => {
    const config = parseCollectorConfig(
      {
        agents: [{ name: "web-01", host: "10.0.0.5", port: 8000 }],
        poll_interval: 30,
        timeout: 10,
        max_workers: 10,
        storage: {
          type: "file",
          log_file: "collector.log",
          metrics_file: "metrics_data.log",
          json_file: "metrics_data.json",
          rotation: { max_size: "10MB", backup_count: 5 },
        },
        thresholds: {
          cpu_usage: 80,
          cpu_temperature: 70,
          system_load: 2.0,
          memory_usage: 85,
          disk_usage: 90,
        },
      },
      "/srv",
    );
    expect(config.agents[0]).toMatchObject({ url: "http://10.0.0.5:8000/RPC2", secret: undefined });
    expect(config.storage.rotation).toEqual({ max_size: 10 * 1024 * 1024, backup_count: 5 });
    expect(config.paths.jsonFile).toBe(path.resolve("/srv/var/data/metrics_data.json"));
    expect(config.alerts).toMatchObject({ down_after: 3, repeat_interval: 14_400, webhooks: [] });
    expect(config.shard).toEqual({ index: 0, count: 1 });
    expect(config.storage.retention_days).toBe(30);
  });

  it("builds HTTPS URLs and brackets IPv6 hosts", () => {
    const config = parseCollectorConfig({ agents: [{ name: "v6", host: "::1", tls: true }] }, "/srv");
    expect(config.agents[0]?.url).toBe("https://[::1]:8000/RPC2");
  });

  it("lists every problem with the key that has it", () => {
    expect(
      problemsOf({
        agents: [
          { name: "a", host: "h", port: 0 },
          { name: "a", host: "h2", colour: "red" },
        ],
        poll_interval: -1,
        storage: { type: "postgres", rotation: { max_size: "huge" } },
        thresholds: { cpu_usage: { warning: 90, critical: 80 }, disk_space: 5 },
        alerts: { repeat_interval: "often" },
        shard: { index: 3, count: 3 },
      }),
    ).toEqual(
      expect.arrayContaining([
        "agents[0].port: expected >=1, got 0",
        "agents[1].colour: unknown key",
        "poll_interval: expected >0, got -1",
        'storage.type: must be "file" or "mysql" (got "postgres")',
        'storage.rotation.max_size: a size like 10MB, 500KB or a number of bytes (got "huge")',
        'thresholds.disk_space: unknown key (did you mean "disk_usage"?)',
        'agents[1].name: "a" is already used by agents[0]',
        'alerts.repeat_interval: a duration like 30s, 5m, 4h or a number of seconds (got "often")',
      ]),
    );
  });

  it("names each duplicate agent name and refuses an empty agent list", () => {
    expect(problemsOf({ agents: [] })).toEqual(["agents: list at least one agent"]);
    const agents = ["web-01", "db-01", "web-02", "web-01", "db-01"].map((name) => ({ name, host: "h" }));
    expect(problemsOf({ agents })).toEqual([
      'agents[3].name: "web-01" is already used by agents[0]',
      'agents[4].name: "db-01" is already used by agents[1]',
    ]);
    // with other problems too: every one at once
    expect(problemsOf({ agents: [...agents, { name: "x" }], poll_interval: "often" })).toEqual(
      expect.arrayContaining([
        "agents[5].host: required",
        'agents[3].name: "web-01" is already used by agents[0]',
        expect.stringMatching(/^poll_interval: /),
      ]),
    );
  });

  it("names every unknown key, and a typo inside a threshold's long form", () => {
    expect(
      problemsOf({
        agents: [{ name: "a", host: "h" }],
        check_intervall: 5,
        securty: {},
        prot: 1,
        thresholds: { cpu_usage: { warning: 80, critcal: 90 }, memory_usage: { warning: "80" } },
      }),
    ).toEqual([
      'thresholds.cpu_usage.critcal: unknown key (did you mean "critical"?)',
      'thresholds.memory_usage.warning: expected number, got "80"',
      "check_intervall: unknown key",
      "securty: unknown key",
      "prot: unknown key", // the collector has no top-level port
    ]);
  });

  it("takes a timeout above poll_interval down to the poll's deadline, with a warning", () => {
    const config = parseCollectorConfig(
      { agents: [{ name: "a", host: "h" }], poll_interval: 5, timeout: 10 },
      "/srv",
    );
    expect(config.timeout).toBe(4.75);
    expect(config.warnings).toEqual([
      "timeout: 10 s is longer than poll_interval (5 s); polls time out after 4.75 s, so that each ends before the agent's next poll",
    ]);
    expect(
      parseCollectorConfig({ agents: [{ name: "a", host: "h" }], poll_interval: 30, timeout: 30 }, "/srv"),
    ).toMatchObject({
      timeout: 30,
      warnings: [],
    });
  });

  it("takes log levels in any case, as the agent does", () => {
    for (const [level, expected] of [
      ["INFO", "info"],
      ["WARNING", "warn"],
      ["Debug", "debug"],
      ["CRITICAL", "error"],
    ])
      expect(
        parseCollectorConfig({ agents: [{ name: "a", host: "h" }], log_level: level }, "/srv").log_level,
      ).toBe(expected);
    expect(problemsOf({ agents: [{ name: "a", host: "h" }], log_level: "loud" })).toEqual([
      'log_level: unknown log level (use debug, info, warn or error, in any case) (got "loud")',
    ]);
  });

  it("bounds agent names to what the MySQL store can keep, and the store's deadlines", () => {
    expect(
      problemsOf({
        agents: [{ name: "a".repeat(256), host: "h" }],
        storage: { write_timeout: 0.1, probe_interval: "2m" },
      }),
    ).toEqual([
      expect.stringMatching(/^agents\[0\].name: at most 255 characters/),
      expect.stringMatching(/^storage\.write_timeout: expected >=0\.5/),
      expect.stringMatching(/^storage\.probe_interval: expected <=60/),
    ]);
    const config = parseCollectorConfig({ agents: [{ name: "a".repeat(255), host: "h" }] }, "/srv");
    expect(config.storage.write_timeout).toBe(5);
    expect(config.storage.probe_interval).toBe(2);
    expect(config.paths.deadLetterFile).toMatch(/\/dead-letter\.jsonl$/);
  });

  it("names an unreadable token file", () => {
    expect(problemsOf({ agents: [{ name: "a", host: "h", token_file: "/nonexistent/token" }] })[0]).toMatch(
      /^agents\[0\]\.token_file: cannot read \/nonexistent\/token/,
    );
  });
});
