import type { PollEvent, PollSample } from "../../storage/index.js";
import { backUp, downAlert, stillDown } from "./agent-down.js";
import { extractObservations } from "./extract.js";
import {
  downMessage,
  downRepeatMessage,
  escalatedMessage,
  firingMessage,
  repeatMessage,
  resolvedMessage,
  unmonitoredMessage,
  upMessage,
} from "./format.js";
import { isUsable, lowestLevel, releaseLevel } from "./rules.js";
import { STATE_VERSION, parseEvaluatorState, type EntryState, type EvaluatorState } from "./state.js";
import { step, type Change } from "./transition.js";
import type {
  Alert,
  AlertMetric,
  AlertNotification,
  NotificationKind,
  ResolvedRules,
  ThresholdRule,
} from "./types.js";

export interface EvaluatorOptions {
  /** The rules for an agent (see resolveRules); asked at every sample. */
  rules: (agent: string) => ResolvedRules;
  /** Seconds between "repeat" notifications of a firing alert; 0 = never. */
  repeatIntervalS: number;
}

/** agent/metric, or agent/metric/mount. Agent names and metrics hold no "/", so it is unambiguous. */
export function alertKey(agent: string, metric: AlertMetric, mount?: string): string {
  return mount === undefined ? `${agent}/${metric}` : `${agent}/${metric}/${mount}`;
}

const KINDS: Record<Change, NotificationKind> = {
  fired: "firing",
  escalated: "escalated",
  resolved: "resolved",
};

/**
 * Turns samples and poll events into alert notifications. Pure: no I/O, no timers, time is
 * passed in, and everything it remembers is in exportState().
 *
 * - Per (agent, metric[, mount]) the state machine of transition.ts; a missing value (absent
 *   family or field, nil, NaN, a mount not listed) leaves that key untouched.
 * - "down" fires one agent_down alert (critical) and holds the agent's metric alerts: no
 *   repeats until the agent delivers a sample again (which evaluates normally, and may then
 *   send a repeat that fell due meanwhile). "up" resolves agent_down. poll_error only updates
 *   agent_down's failure count.
 * - Repeats: a firing alert is repeated when `repeatIntervalS` has passed since it was last
 *   announced (fired, escalated, repeated), checked by tick() for all alerts and by onSample()
 *   for that agent's metric alerts. One repeat per check, however late.
 * - Times: started_at is the `now` of the first sample of the breaching streak; resolved_at and
 *   last_notified_at are the `now` of the call.
 */
export class AlertEvaluator {
  private readonly entries = new Map<string, EntryState>();
  /** The keys of each agent's entries, so a sample touches only its own agent's entries. */
  private readonly keysByAgent = new Map<string, Set<string>>();
  /** Agents that went down and have not delivered a sample since. */
  private readonly held = new Set<string>();

  constructor(
    private readonly options: EvaluatorOptions,
    state?: EvaluatorState,
  ) {
    if (state === undefined) return;
    const parsed = parseEvaluatorState(state);
    for (const entry of parsed.entries) this.store(structuredClone(entry));
    for (const agent of parsed.held_agents) this.held.add(agent);
  }

  /** Evaluates every metric of the sample that has a rule; a missing value changes nothing. */
  onSample(sample: PollSample, now: Date): AlertNotification[] {
    const agent = sample.agent;
    this.held.delete(agent);
    const rules = this.options.rules(agent);
    const out = this.drop(
      (entry) => entry.metric !== "agent_down" && !isUsable(rules[entry.metric]),
      "no longer monitored (threshold removed)",
      now,
      this.entriesOf(agent),
    );
    for (const observation of extractObservations(sample.snapshot, rules)) {
      const rule = rules[observation.metric];
      if (!isUsable(rule)) continue;
      const key = alertKey(agent, observation.metric, observation.mount);
      const entry = this.entries.get(key) ?? newEntry(key, agent, observation.metric, observation.mount);
      const result = step(entry, rule, observation.value, now, observation.critical === true);
      const detail = observation.detail ?? null;
      this.store({ ...result.entry, detail });
      if (result.change && result.alert) out.push(notify(result.change, result.alert, rule, detail));
    }
    out.push(...this.repeats(now, (entry) => entry.metric !== "agent_down", this.entriesOf(agent)));
    return out;
  }

  /** "down" fires the agent's one agent_down alert and holds its metric alerts; "up" resolves it. */
  onEvent(event: PollEvent, now: Date): AlertNotification[] {
    const key = alertKey(event.agent, "agent_down");
    const entry = this.entries.get(key);
    switch (event.kind) {
      case "down": {
        this.held.add(event.agent);
        if (entry?.alert) return [];
        const alert = downAlert(key, event, now);
        this.store({ ...newEntry(key, event.agent, "agent_down"), notified_severity: "critical", alert });
        return [{ kind: "firing", alert: { ...alert }, message: downMessage(alert, event.error) }];
      }
      case "poll_error":
        if (entry?.alert) this.store({ ...entry, alert: stillDown(entry.alert, event) });
        return [];
      case "up": {
        if (!entry?.alert) return [];
        this.remove(key);
        const alert = backUp(entry.alert, event, now);
        return [{ kind: "resolved", alert, message: upMessage(alert, event.consecutive_failures) }];
      }
      default:
        return [];
    }
  }

  /** Repeats of firing alerts that are due; metric alerts of a down agent are held. */
  tick(now: Date): AlertNotification[] {
    return this.repeats(now, () => true);
  }

  /**
   * Forgets agents that are no longer configured: their firing alerts resolve ("agent removed
   * from the config") instead of repeating forever. Call after loading a state with a new config.
   */
  retainAgents(agents: Iterable<string>, now: Date): AlertNotification[] {
    const keep = new Set(agents);
    for (const agent of this.held) if (!keep.has(agent)) this.held.delete(agent);
    return this.drop((entry) => !keep.has(entry.agent), "agent removed from the config", now);
  }

  /** The firing alerts, sorted by key. */
  activeAlerts(): Alert[] {
    return this.sortedEntries()
      .filter((entry) => entry.alert !== null)
      .map((entry) => ({ ...(entry.alert as Alert) }));
  }

  exportState(): EvaluatorState {
    return {
      version: STATE_VERSION,
      entries: this.sortedEntries().map((entry) => structuredClone(entry)),
      held_agents: [...this.held].sort(),
    };
  }

  private sortedEntries(): EntryState[] {
    return [...this.entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** One agent's entries, sorted by key. */
  private entriesOf(agent: string): EntryState[] {
    const keys = [...(this.keysByAgent.get(agent) ?? [])].sort();
    return keys.map((key) => this.entries.get(key)).filter((entry) => entry !== undefined);
  }

  private store(entry: EntryState): void {
    if (entry.alert === null && entry.streak === 0) {
      this.remove(entry.key);
      return;
    }
    this.entries.set(entry.key, entry);
    let keys = this.keysByAgent.get(entry.agent);
    if (keys === undefined) this.keysByAgent.set(entry.agent, (keys = new Set()));
    keys.add(entry.key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    const keys = this.keysByAgent.get(entry.agent);
    keys?.delete(key);
    if (keys?.size === 0) this.keysByAgent.delete(entry.agent);
  }

  /** Resolves and forgets the entries for which `drop` holds. */
  private drop(
    drop: (entry: EntryState) => boolean,
    why: string,
    now: Date,
    candidates = this.sortedEntries(),
  ): AlertNotification[] {
    const out: AlertNotification[] = [];
    const nowIso = now.toISOString();
    for (const entry of candidates) {
      if (!drop(entry)) continue;
      this.remove(entry.key);
      if (!entry.alert) continue;
      const alert: Alert = {
        ...entry.alert,
        state: "resolved",
        resolved_at: nowIso,
        last_notified_at: nowIso,
      };
      out.push({ kind: "resolved", alert, message: unmonitoredMessage(alert, why) });
    }
    return out;
  }

  private repeats(
    now: Date,
    include: (entry: EntryState) => boolean,
    candidates?: EntryState[],
  ): AlertNotification[] {
    const intervalMs = this.options.repeatIntervalS * 1000;
    if (!(intervalMs > 0)) return [];
    const out: AlertNotification[] = [];
    for (const entry of candidates ?? this.sortedEntries()) {
      const current = entry.alert;
      if (!current || !include(entry)) continue;
      if (entry.metric !== "agent_down" && this.held.has(entry.agent)) continue;
      if (now.getTime() - Date.parse(current.last_notified_at) < intervalMs) continue;
      const alert: Alert = { ...current, last_notified_at: now.toISOString() };
      this.store({ ...entry, notified_severity: alert.severity, alert });
      const message =
        entry.metric === "agent_down" ? downRepeatMessage(alert) : repeatMessage(alert, entry.detail);
      out.push({ kind: "repeat", alert: { ...alert }, message });
    }
    return out;
  }
}

function newEntry(key: string, agent: string, metric: AlertMetric, mount?: string): EntryState {
  return {
    key,
    agent,
    metric,
    mount: mount ?? null,
    streak: 0,
    critical_streak: 0,
    pending_since: null,
    notified_severity: null,
    detail: null,
    alert: null,
  };
}

function notify(change: Change, alert: Alert, rule: ThresholdRule, detail: string | null): AlertNotification {
  const message =
    change === "fired"
      ? firingMessage(alert, detail)
      : change === "escalated"
        ? escalatedMessage(alert, detail)
        : resolvedMessage(alert, releaseLevel(rule, lowestLevel(rule)), detail);
  return { kind: KINDS[change], alert: { ...alert }, message };
}
