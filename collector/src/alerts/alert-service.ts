import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../../../common/src/logging.js";
import type { CollectorConfig } from "../config/load-config.js";
import type { PollOutcome } from "../polling/agent-poller.js";
import type { AlertRecord } from "../storage/index.js";
import { AlertEvaluator } from "./evaluator/evaluator.js";
import { resolveRules } from "./evaluator/rules.js";
import { parseEvaluatorState } from "./evaluator/state.js";
import type { AlertNotification, ResolvedRules } from "./evaluator/types.js";
import type { NotificationDispatcher } from "./notify/dispatcher.js";

const TICK_MS = 30_000;
/** State changes are written at most this often (and at stop): one write per second at most. */
const SAVE_DELAY_MS = 1_000;

/** The rules of each configured agent, and those of an agent the config does not name. */
interface AgentRules {
  byAgent: Map<string, ResolvedRules>;
  fallback: ResolvedRules;
}

function rulesOf(config: CollectorConfig): AgentRules {
  return {
    byAgent: new Map(
      config.agents.map((agent) => [agent.name, resolveRules(config.thresholds, agent.thresholds)]),
    ),
    fallback: resolveRules(config.thresholds),
  };
}

/**
 * The collector's alerting: evaluates every poll outcome against the thresholds, sends each
 * state change to the dispatcher (log, email, webhooks) and to the alert history, and keeps
 * the evaluator's state in the state dir so that a restart neither re-sends nor forgets.
 */
export class AlertService {
  private readonly evaluator: AlertEvaluator;
  private readonly stateFile: string;
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  /** The rules per agent; replaced by reload(), read by the evaluator at every sample. */
  private rules: AgentRules;

  constructor(
    config: CollectorConfig,
    private dispatcher: NotificationDispatcher,
    private readonly history: (records: AlertRecord[]) => void,
    private readonly logger: Logger,
  ) {
    this.stateFile = path.join(config.state_dir, `alerts-shard${config.shard.index}.json`);
    this.rules = rulesOf(config);
    this.evaluator = new AlertEvaluator(
      {
        rules: (agent) => this.rules.byAgent.get(agent) ?? this.rules.fallback,
        repeatIntervalS: config.alerts.repeat_interval,
      },
      this.loadState(),
    );
    this.publish(
      this.evaluator.retainAgents(
        config.agents.map((agent) => agent.name),
        new Date(),
      ),
    );
  }

  /**
   * A reloaded config: its thresholds apply from the next sample, the alerts of agents no longer
   * in it are resolved and dropped, and the others keep their state (firing alerts, `for`
   * counters). With `dispatcher` (the notifiers changed), new notifications go to it, and the
   * old one delivers what it has queued, then closes.
   */
  reload(config: CollectorConfig, dispatcher?: NotificationDispatcher): void {
    this.rules = rulesOf(config);
    if (dispatcher !== undefined && dispatcher !== this.dispatcher) {
      const old = this.dispatcher;
      this.dispatcher = dispatcher;
      void old.close(30_000);
    }
    this.publish(
      this.evaluator.retainAgents(
        config.agents.map((agent) => agent.name),
        new Date(),
      ),
    );
  }

  start(): void {
    this.timer = setInterval(() => {
      this.publish(this.evaluator.tick(new Date()));
      this.scheduleSave(); // pending `for` counters change without notifications
    }, TICK_MS);
    this.timer.unref();
  }

  onOutcome(outcome: PollOutcome): void {
    const now = new Date();
    const notifications: AlertNotification[] = [];
    if (outcome.sample !== null) notifications.push(...this.evaluator.onSample(outcome.sample, now));
    for (const event of outcome.events) notifications.push(...this.evaluator.onEvent(event, now));
    this.publish(notifications);
  }

  /** Saves the state and waits (bounded) for the notifications in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.saveTimer);
    this.saveState();
    // bounded so that a stop ends within the collector's stop bound (README, "Stopping")
    await this.dispatcher.close(5_000);
  }

  private publish(notifications: AlertNotification[]): void {
    if (notifications.length === 0) return;
    const ts = new Date().toISOString();
    for (const notification of notifications) this.dispatcher.dispatch(notification);
    this.history(notifications.map((notification) => ({ ...notification, ts })));
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveState();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private loadState() {
    let text: string;
    try {
      text = readFileSync(this.stateFile, "utf8");
    } catch {
      return undefined;
    }
    try {
      return parseEvaluatorState(JSON.parse(text));
    } catch (error) {
      this.logger.error(`alert state ${this.stateFile} is unreadable, starting afresh: ${String(error)}`);
      return undefined;
    }
  }

  private saveState(): void {
    try {
      mkdirSync(path.dirname(this.stateFile), { recursive: true });
      const temp = `${this.stateFile}.tmp`;
      writeFileSync(temp, JSON.stringify(this.evaluator.exportState()));
      renameSync(temp, this.stateFile);
    } catch (error) {
      this.logger.error(`cannot save alert state to ${this.stateFile}: ${String(error)}`);
    }
  }
}
