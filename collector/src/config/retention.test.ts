import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../common/src/config/config-error.js";
import { parseCollectorConfig } from "./load-config.js";
import { COLLECTOR_KEY_DOCS } from "./reference/descriptions.js";
import { RETENTION_TIERS, formatRetention, type Retention } from "./retention.js";

const DAY = 86_400;
const agents = [{ name: "web", host: "10.0.0.1" }];

const retentionOf = (storage: Record<string, unknown>) =>
  parseCollectorConfig({ agents, storage }, "/srv").storage.retention;
/** The retention as a config would write it, tier by tier. */
const written = (retention: Retention) =>
  Object.fromEntries(RETENTION_TIERS.map((tier) => [tier, formatRetention(retention[tier])]));

function problemsOf(input: unknown): string[] {
  try {
    parseCollectorConfig(input, "/srv");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("storage.retention", () => {
  it("keeps raw 14 days, 5m 60 days, 1h a year and 1d five years unless told otherwise", () => {
    const config = parseCollectorConfig({ agents }, "/srv");
    expect(written(config.storage.retention)).toEqual({ raw: "14d", "5m": "60d", "1h": "1y", "1d": "5y" });
    expect(config.storage.retention.raw).toBe(14 * DAY);
    // the MySQL pruning still runs on retention_days, whose default is unchanged
    expect(config.storage.retention_days).toBe(30);
  });

  it("takes durations in days, weeks and years, seconds, and 0 for forever", () => {
    const retention = retentionOf({ retention: { raw: "7d", "5m": "2w", "1h": 400 * DAY, "1d": 0 } });
    expect(retention).toEqual({ raw: 7 * DAY, "5m": 14 * DAY, "1h": 400 * DAY, "1d": Infinity });
  });

  it("reads retention_days as the raw tier, raising the coarser tiers' defaults to it", () => {
    const config = parseCollectorConfig({ agents, storage: { retention_days: 90 } }, "/srv");
    expect(written(config.storage.retention)).toEqual({ raw: "90d", "5m": "90d", "1h": "1y", "1d": "5y" });
    expect(config.storage.retention_days).toBe(90);
    expect(written(retentionOf({ retention_days: 0 }))).toEqual({
      raw: "forever",
      "5m": "forever",
      "1h": "forever",
      "1d": "forever",
    });
  });

  it("names every problem with its key, with the config's other problems", () => {
    expect(
      problemsOf({
        agents,
        poll_interval: -1,
        storage: { retention: { raw: "30d", "5m": "7d", "1h": "2m", "1d": "1mo", "5min": "1d" } },
      }),
    ).toEqual([
      "poll_interval: expected >0, got -1",
      'storage.retention.1h: at least 1d, or 0 to keep forever (got "2m")',
      'storage.retention.1d: a duration like 14d, 60d, 1y or a number of seconds; 0 keeps forever (got "1mo")',
      'storage.retention.5min: unknown key (did you mean "5m"?)',
      "storage.retention.5m: 7d is shorter than storage.retention.raw (30d): a tier must keep at least as long as the finer ones",
    ]);
  });

  it("refuses a coarser tier shorter than retention_days, and retention_days beside retention.raw", () => {
    expect(problemsOf({ agents, storage: { retention_days: 90, retention: { "1h": "60d" } } })).toEqual([
      "storage.retention.1h: 60d is shorter than storage.retention_days (90d): a tier must keep at least as long as the finer ones",
    ]);
    expect(problemsOf({ agents, storage: { retention_days: 14, retention: { raw: "14d" } } })).toEqual([
      "storage.retention.raw: give this or storage.retention_days (the older key for the raw tier), not both",
    ]);
  });

  it("has the defaults the README says", () => {
    const defaults = written(parseCollectorConfig({ agents }, "/srv").storage.retention);
    for (const tier of RETENTION_TIERS)
      expect(COLLECTOR_KEY_DOCS[`storage.retention.${tier}`]?.computedDefault, tier).toMatch(
        new RegExp(`\`${defaults[tier]}\``),
      );
    expect(COLLECTOR_KEY_DOCS["storage.retention_days"]?.computedDefault).toBe("`30`");
  });
});
