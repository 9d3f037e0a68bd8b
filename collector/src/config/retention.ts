import { TIER_NAMES, type TierName } from "../storage/index.js";
import { parseDuration } from "./units.js";

/**
 * How long each tier of the history is kept, worked out from what the config gives. Not yet a
 * config key: `storage.retention` is accepted only once the rollup tiers are written and pruned
 * (a key that changed nothing would be a promise not kept; raw MySQL samples are pruned at
 * `retention_days` until then). The rules:
 * - A tier given keeps its value: a duration (parseDuration: "14d", "60d", "1y"), `0` to keep
 *   it forever (as `retention_days: 0` always meant).
 * - `retention_days`, the key from before the tiers, is the raw tier's retention in days. Given
 *   with `retention.raw` it is a problem (two keys for one setting, possibly disagreeing).
 * - A tier left out gets its default (DEFAULT_RETENTION), raised to the longest of the finer
 *   tiers: `retention_days: 90` alone keeps 5-minute rollups 90 days, not fewer than the raw
 *   samples they come from, so an existing config keeps working as it did.
 * - A tier given shorter than a finer one is a problem named with both keys: the coarser
 *   tiers are what is left of the history once the finer ones are dropped.
 */
/** The tiers of the history (storage/tiers), finest first. */
export const RETENTION_TIERS = TIER_NAMES;
export type RetentionTier = TierName;

/** Seconds each tier is kept; Infinity: forever. */
export type Retention = Readonly<Record<RetentionTier, number>>;

/**
 * Raw 14 days: week charts at full resolution and last week's incidents sample by sample. 5m
 * 60 days: a month's chart at 8,640 points, for two months. 1h a year: a year's chart at
 * 8,760 points. 1d 5 years: trends over years, 365 rows an agent a year.
 */
export const DEFAULT_RETENTION: Readonly<Record<RetentionTier, string>> = {
  raw: "14d",
  "5m": "60d",
  "1h": "1y",
  "1d": "5y",
};

const DAY = 86_400;
const YEAR = 365 * DAY;

/** A problem of `storage.retention.<tier>`. */
export interface RetentionProblem {
  tier: RetentionTier;
  message: string;
}

export interface ResolvedRetention {
  retention: Retention;
  problems: RetentionProblem[];
}

/**
 * The tiers' retention from the parsed `storage.retention` (seconds, 0 = forever) and
 * `storage.retention_days`; a value the schema refused counts as not given.
 */
export function resolveRetention(given: unknown, retentionDays: unknown): ResolvedRetention {
  const entries = typeof given === "object" && given !== null ? (given as Record<string, unknown>) : {};
  const problems: RetentionProblem[] = [];
  const out = {} as Record<RetentionTier, number>;
  // the longest retention so far among the finer tiers, and the key it comes from
  let longest = 0;
  let longestKey = "";
  for (const tier of RETENTION_TIERS) {
    const key = `storage.retention.${tier}`;
    const value = entries[tier];
    let seconds: number;
    let from: string | undefined;
    // a value under a day the schema refused already: one problem is enough
    if (typeof value === "number" && (value === 0 || value >= DAY)) {
      seconds = forever(value);
      from = key;
      if (tier === "raw" && retentionDays !== undefined)
        problems.push({
          tier: "raw",
          message: "give this or storage.retention_days (the older key for the raw tier), not both",
        });
    } else if (tier === "raw" && typeof retentionDays === "number") {
      seconds = forever(retentionDays * DAY);
      from = "storage.retention_days";
    } else {
      seconds = Math.max(durationSeconds(DEFAULT_RETENTION[tier]), longest);
    }
    if (from !== undefined && seconds < longest)
      problems.push({
        tier,
        message: `${formatRetention(seconds)} is shorter than ${longestKey} (${formatRetention(longest)}): a tier must keep at least as long as the finer ones`,
      });
    if (seconds > longest || longestKey === "") {
      longest = seconds;
      longestKey = from ?? `storage.retention.${tier} (its default)`;
    }
    out[tier] = seconds;
  }
  return { retention: Object.freeze(out), problems };
}

/** "14d", "1y", "forever": a retention as a config would write it. */
export function formatRetention(seconds: number): string {
  if (seconds === Number.POSITIVE_INFINITY) return "forever";
  if (seconds % YEAR === 0) return `${seconds / YEAR}y`;
  if (seconds % DAY === 0) return `${seconds / DAY}d`;
  return `${seconds} s`;
}

const forever = (seconds: number) => (seconds === 0 ? Number.POSITIVE_INFINITY : seconds);

function durationSeconds(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined) throw new Error(`DEFAULT_RETENTION: ${text} is no duration`);
  return seconds;
}
