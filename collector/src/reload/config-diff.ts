import { isDeepStrictEqual } from "node:util";
import type { AgentEndpoint, CollectorConfig } from "../config/load-config.js";
import { shareOf } from "../polling/shard.js";

/** What a reloaded config changes, against the one running. */
export interface ConfigDiff {
  added: AgentEndpoint[];
  removed: string[];
  /** Same name, another address, token, TLS, thresholds or e-mail. */
  changed: AgentEndpoint[];
  /** The global thresholds changed. */
  thresholds: boolean;
  /** alerts.email, alerts.webhooks or an agent's e-mail changed: the notifiers are made anew. */
  notifiers: boolean;
  /** Keys that differ from the config the collector started with and only apply at a restart. */
  needsRestart: string[];
}

/** Keys a reload applies; every other key keeps the value the collector started with. */
const LIVE_KEYS = new Set(["agents", "agents_files", "thresholds"]);
const LIVE_ALERT_KEYS = new Set(["email", "webhooks"]);
/** Worked out from other keys (storage.*, state_dir, shard), which are reported themselves; warnings are logged at each load. */
const DERIVED_KEYS = new Set(["paths", "warnings"]);

/**
 * The agents are those of this collector's shard (the shard itself needs a restart, so the
 * running one decides). `started` is the config the process started with: a key that needs a
 * restart is reported at every reload until the process is restarted.
 */
export function diffConfigs(
  started: CollectorConfig,
  running: CollectorConfig,
  next: CollectorConfig,
): ConfigDiff {
  const before = new Map(shareOf(running.agents, started.shard).map((agent) => [agent.name, agent]));
  const after = shareOf(next.agents, started.shard);
  const names = new Set(after.map((agent) => agent.name));
  // the e-mail notifier knows each agent's own recipients
  const emails = (config: CollectorConfig) =>
    config.agents.filter((agent) => agent.email !== undefined).map((agent) => [agent.name, agent.email]);
  return {
    added: after.filter((agent) => !before.has(agent.name)),
    removed: [...before.keys()].filter((name) => !names.has(name)),
    changed: after.filter((agent) => {
      const old = before.get(agent.name);
      return old !== undefined && !isDeepStrictEqual(old, agent);
    }),
    thresholds: !isDeepStrictEqual(running.thresholds, next.thresholds),
    notifiers:
      !isDeepStrictEqual(running.alerts.email, next.alerts.email) ||
      !isDeepStrictEqual(running.alerts.webhooks, next.alerts.webhooks) ||
      !isDeepStrictEqual(emails(running), emails(next)),
    needsRestart: restartKeys(started, next),
  };
}

/** `storage.dir`, `poll_interval`: the keys outside LIVE_KEYS whose value differs, one level deep. */
function restartKeys(started: CollectorConfig, next: CollectorConfig): string[] {
  const keys: string[] = [];
  const all = new Set([...Object.keys(started), ...Object.keys(next)]);
  for (const key of [...all].sort()) {
    if (LIVE_KEYS.has(key) || DERIVED_KEYS.has(key)) continue;
    const a = (started as unknown as Record<string, unknown>)[key];
    const b = (next as unknown as Record<string, unknown>)[key];
    if (isDeepStrictEqual(a, b)) continue;
    if (!isPlainObject(a) || !isPlainObject(b)) {
      keys.push(key);
      continue;
    }
    for (const sub of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (key === "alerts" && LIVE_ALERT_KEYS.has(sub)) continue;
      if (!isDeepStrictEqual(a[sub], b[sub])) keys.push(`${key}.${sub}`);
    }
  }
  return keys;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `3 agents added (a, b, c), 1 removed (d), 2 changed (e, f), thresholds changed` */
export function describeDiff(diff: ConfigDiff): string {
  const parts: string[] = [];
  const names = (list: ReadonlyArray<string>) => {
    const shown = list.slice(0, MAX_NAMES_SHOWN).join(", ");
    return list.length > MAX_NAMES_SHOWN ? `${shown}, … ${list.length - MAX_NAMES_SHOWN} more` : shown;
  };
  const counts: Array<[string, string[]]> = [
    ["added", diff.added.map((agent) => agent.name)],
    ["removed", diff.removed],
    ["changed", diff.changed.map((agent) => agent.name)],
  ];
  for (const [what, list] of counts) {
    if (list.length === 0) continue;
    // the first count says "agents", the others read on from it
    const noun = parts.length === 0 ? ` ${list.length === 1 ? "agent" : "agents"}` : "";
    parts.push(`${list.length}${noun} ${what} (${names(list)})`);
  }
  if (diff.thresholds) parts.push("thresholds changed");
  if (diff.notifiers) parts.push("notifiers changed");
  return parts.length === 0 ? "nothing changed" : parts.join(", ");
}

/** A reload of 1,000 agents names the first few of each kind, so the line stays readable. */
const MAX_NAMES_SHOWN = 20;
