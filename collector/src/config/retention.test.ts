import { describe, expect, it } from "vitest";
import { RETENTION_TIERS, formatRetention, resolveRetention, type Retention } from "./retention.js";

const DAY = 86_400;

/** The retention as a config would write it, tier by tier. */
const written = (retention: Retention) =>
  Object.fromEntries(RETENTION_TIERS.map((tier) => [tier, formatRetention(retention[tier])]));

describe("resolveRetention (the tiers' retention, before it is a config key)", () => {
  it("keeps raw 14 days, 5m 60 days, 1h a year and 1d five years unless told otherwise", () => {
    const { retention, problems } = resolveRetention(undefined, undefined);
    expect(written(retention)).toEqual({ raw: "14d", "5m": "60d", "1h": "1y", "1d": "5y" });
    expect(retention.raw).toBe(14 * DAY);
    expect(problems).toEqual([]);
  });

  it("takes each tier in seconds, 0 for forever", () => {
    const { retention } = resolveRetention(
      { raw: 7 * DAY, "5m": 14 * DAY, "1h": 400 * DAY, "1d": 0 },
      undefined,
    );
    expect(retention).toEqual({ raw: 7 * DAY, "5m": 14 * DAY, "1h": 400 * DAY, "1d": Infinity });
  });

  it("reads retention_days as the raw tier, raising the coarser tiers' defaults to it", () => {
    expect(written(resolveRetention(undefined, 90).retention)).toEqual({
      raw: "90d",
      "5m": "90d",
      "1h": "1y",
      "1d": "5y",
    });
    expect(written(resolveRetention(undefined, 0).retention)).toEqual({
      raw: "forever",
      "5m": "forever",
      "1h": "forever",
      "1d": "forever",
    });
  });

  it("names a coarser tier shorter than a finer one, and retention_days beside retention.raw", () => {
    expect(resolveRetention({ raw: 30 * DAY, "5m": 7 * DAY }, undefined).problems).toEqual([
      {
        tier: "5m",
        message:
          "7d is shorter than storage.retention.raw (30d): a tier must keep at least as long as the finer ones",
      },
    ]);
    expect(resolveRetention({ "1h": 60 * DAY }, 90).problems).toEqual([
      {
        tier: "1h",
        message:
          "60d is shorter than storage.retention_days (90d): a tier must keep at least as long as the finer ones",
      },
    ]);
    expect(resolveRetention({ raw: 14 * DAY }, 14).problems.map((p) => p.message)).toEqual([
      "give this or storage.retention_days (the older key for the raw tier), not both",
    ]);
  });
});
