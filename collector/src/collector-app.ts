import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { errorText } from "../../common/src/error-text.js";
import type { Logger } from "../../common/src/logging.js";
import type { AgentEndpoint, CollectorConfig } from "./config/load-config.js";
import { watchAgentsFiles, type AgentsFilesWatch } from "./config/agents-files.js";
import { describeDiff, diffConfigs, type ConfigDiff } from "./reload/config-diff.js";
import { AlertService } from "./alerts/alert-service.js";
import { createNotifiers } from "./alerts/create-notifiers.js";
import { NotificationDispatcher } from "./alerts/notify/dispatcher.js";
import { createStore } from "./create-store.js";
import { DeadLetterFile, Spool, StorageWriter, withDeadline } from "./delivery/index.js";
import type { MysqlStore, Store } from "./storage/index.js";
import { formatHealth, HealthMonitor, plural } from "./health.js";
import { AgentPoller, type PollOutcome } from "./polling/agent-poller.js";
import { AgentState, type AgentHealth } from "./polling/agent-state.js";
import { AgentStateFile } from "./polling/agent-state-file.js";
import { AgentClient } from "./polling/client/agent-client.js";
import { Scheduler } from "./polling/scheduler.js";
import { shareOf } from "./polling/shard.js";
import { DEFAULT_NORMALISE_LIMITS } from "./polling/normalise/normalise-value.js";

export interface RunningCollector {
  scheduler: Scheduler;
  /** The agents polled now (they change at a reload). */
  readonly pollers: AgentPoller[];
  writer: StorageWriter;
  health: HealthMonitor;
  /** Stops polling, writes everything to the store (or the spool) and closes it. */
  stop(): Promise<void>;
}

export interface CollectorOptions {
  /** Called (debounced) when a file the config's `agents_files` can match changes. */
  onAgentsFilesChange?: () => void;
}

/** What reload() did, for the caller's log line and for tests. */
export interface ReloadOutcome {
  diff: ConfigDiff;
  /** `3 agents added (a, b, c), 1 removed (d)` or `nothing changed`. */
  summary: string;
}

/** Wires storage, spool, pollers and scheduler; `start` begins polling on the interval grid. */
export async function createCollector(
  config: CollectorConfig,
  logger: Logger,
  options: CollectorOptions = {},
): Promise<
  RunningCollector & {
    start(): void;
    runOnce(): Promise<PollOutcome[]>;
    reload(next: CollectorConfig): ReloadOutcome;
  }
> {
  const store = await createStore(config, logger);
  const spool = new Spool(config.paths.spoolDir, {
    onBadLine: (file, offset) => logger.error(`spool ${file}: damaged batch at byte ${offset} skipped`),
  });
  await spool.open();
  const deadLetters = new DeadLetterFile(config.paths.deadLetterFile, (letter) =>
    logger.error(
      `${store.kind} store refuses a ${letter.kind} of ${letter.agent} (${letter.error}); ` +
        `set aside in ${config.paths.deadLetterFile}, the rest of its batch is stored (logged once per agent)`,
    ),
  );
  // MySQL takes big batches best (one transaction each); files do not care
  const writer = new StorageWriter(store, spool, logger, {
    batchSize: batchSizeFor(store.kind),
    writeTimeoutMs: config.storage.write_timeout * 1000,
    probeIntervalMs: config.storage.probe_interval * 1000,
    deadLetters,
  });
  // migrations may take a while on a big database; later opens are retried by the writer's probe
  const storeOpen = await withDeadline(store.open(), OPEN_DEADLINE_MS, `${store.kind} store open`)
    .then(() => true)
    .catch((error: unknown) => {
      logger.error(
        `${store.kind} store is not available at start (samples are spooled until it is): ${errorText(error)}`,
      );
      return false;
    });

  const stateFile = new AgentStateFile(path.join(config.state_dir, `agents-shard${config.shard.index}.json`));
  const saved = stateFile.load();
  const mine = shareOf(config.agents, config.shard);
  if (config.shard.count > 1) {
    logger.info(
      `shard ${config.shard.index}/${config.shard.count}: polling ${mine.length} of ${plural(config.agents.length, "agent")}`,
    );
  }
  // timeout, response and list bounds, down_after need a restart: every poller gets the started ones
  const pollerOf = (endpoint: AgentEndpoint, state: AgentState) =>
    new AgentPoller(
      endpoint,
      new AgentClient({
        url: endpoint.url,
        token: endpoint.secret,
        ca: endpoint.ca,
        timeoutMs: config.timeout * 1000,
        maxResponseBytes: config.max_response_bytes,
      }),
      state,
      { ...DEFAULT_NORMALISE_LIMITS, maxListItems: config.max_list_items },
    );
  const newState = (name: string, savedHealth?: Partial<AgentHealth>) =>
    new AgentState(name, config.alerts.down_after, savedHealth);
  const pollers = mine.map((endpoint) =>
    pollerOf(endpoint, newState(endpoint.name, saved.get(endpoint.name))),
  );
  const notifyLog = {
    info: (m: string) => logger.info(m),
    warn: (m: string) => logger.warn(m),
    error: (m: string) => logger.error(m),
  };
  const dispatcher = new NotificationDispatcher({ notifiers: createNotifiers(config), log: notifyLog });
  const alerts = new AlertService(config, dispatcher, (records) => writer.addAlerts(records), logger);
  /** Agents that answered since start (or since they were added): the first answer is logged. */
  const answered = new Set<string>();
  const scheduler = new Scheduler(pollers, config.poll_interval * 1000, config.max_workers, (outcome) => {
    writer.add(outcome.sample, outcome.events);
    logOutcome(logger, outcome, answered);
    alerts.onOutcome(outcome);
  });
  const health = new HealthMonitor(scheduler, writer);
  let healthTimer: NodeJS.Timeout | undefined;
  /** Runs until stop(): with no agent yet (agents_files), no poll timer keeps the process alive. */
  let keepAlive: NodeJS.Timeout | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;
  let running = config;
  let watcher: AgentsFilesWatch | undefined;
  const watchFiles = (patterns: ReadonlyArray<string>) => {
    watcher?.close();
    watcher = undefined;
    if (patterns.length === 0 || options.onAgentsFilesChange === undefined) return;
    watcher = watchAgentsFiles(patterns, options.onAgentsFilesChange, (m) => logger.warn(m));
  };
  /** Closes a poller that left the schedule, once its last poll has settled. */
  const closeLater = (left: Promise<AgentPoller | undefined>) =>
    void left.then((poller) => poller?.close()).catch(() => {});

  return {
    scheduler,
    get pollers() {
      return scheduler.pollers;
    },
    writer,
    health,
    start() {
      writer.start(storeOpen);
      alerts.start();
      scheduler.start();
      keepAlive = setInterval(() => {}, 3_600_000);
      watchFiles(config.agents_files);
      healthTimer = setInterval(
        () => logger.info(formatHealth(health.report())),
        config.health_interval * 1000,
      );
      healthTimer.unref();
      // hourly even when retention keeps everything: it also makes the day partitions ahead
      if (store.kind === "mysql") {
        const mysql = store as MysqlStore;
        retentionTimer = setInterval(() => {
          mysql.pruneOlderThan(config.storage.retention_days).catch((error: unknown) => {
            logger.warn(`retention prune failed: ${String(error)}`);
          });
        }, 3_600_000);
        retentionTimer.unref();
      }
      if (pollers.length === 0)
        logger.warn(
          "no agent to poll yet: agents is empty and agents_files matches none; new files are read when they appear",
        );
      logger.info(
        `polling ${plural(pollers.length, "agent")} every ${config.poll_interval} s (timeout ${config.timeout} s, ` +
          `at most ${config.max_workers} at once), ${store.kind} storage`,
      );
    },
    async runOnce() {
      writer.start(storeOpen);
      return scheduler.runOnce();
    },
    reload(next) {
      const diff = diffConfigs(config, running, next);
      for (const name of diff.removed) {
        answered.delete(name);
        closeLater(scheduler.remove(name));
      }
      const byName = new Map(scheduler.pollers.map((poller) => [poller.name, poller]));
      for (const endpoint of diff.changed) {
        // same name: its up/down state and its alerts go on; its first answer at the new
        // address (or with the new token) is logged, as a new agent's is
        answered.delete(endpoint.name);
        const state = byName.get(endpoint.name)?.state ?? newState(endpoint.name);
        closeLater(scheduler.replace(pollerOf(endpoint, state)));
      }
      for (const endpoint of diff.added) scheduler.add(pollerOf(endpoint, newState(endpoint.name)));
      alerts.reload(
        next,
        diff.notifiers
          ? new NotificationDispatcher({ notifiers: createNotifiers(next), log: notifyLog })
          : undefined,
      );
      // a folder that did not exist before may exist now
      if (!isDeepStrictEqual(running.agents_files, next.agents_files) || watcher?.complete === false)
        watchFiles(next.agents_files);
      running = next;
      return { diff, summary: describeDiff(diff) };
    },
    async stop() {
      watcher?.close();
      clearInterval(keepAlive);
      clearInterval(healthTimer);
      clearInterval(retentionTimer);
      await scheduler.stop();
      // no poll runs now, so no alert record can follow: both finish side by side, each bounded
      await Promise.all([alerts.stop(), writer.close()]);
      const current = scheduler.pollers;
      try {
        stateFile.save(current.map((poller) => poller.state.health));
      } catch (error) {
        logger.warn(`cannot save agent states: ${String(error)}`);
      }
      for (const poller of current) poller.close();
    },
  };
}

function logOutcome(logger: Logger, outcome: PollOutcome, answered: Set<string>): void {
  if (outcome.error === null && !answered.has(outcome.agent)) {
    answered.add(outcome.agent);
    logger.info(`agent ${outcome.agent} answered: ${describeAnswer(outcome)}`);
  }
  for (const event of outcome.events) {
    if (event.kind === "down") {
      logger.warn(
        `agent ${event.agent} is DOWN after ${plural(event.consecutive_failures, "failed poll")}: ${event.error ?? ""}`,
      );
    } else if (event.kind === "up") {
      logger.info(
        `agent ${event.agent} is UP again after ${plural(event.consecutive_failures, "failed poll")}`,
      );
    } else if (event.consecutive_failures === 1) {
      logger.warn(`poll of ${event.agent} failed: ${event.error ?? ""}`);
    } else {
      logger.debug(
        `poll of ${event.agent} failed (${event.consecutive_failures} in a row): ${event.error ?? ""}`,
      );
    }
  }
}

/** `hostname web-01, hostwatch 0.1.0 on linux, 12 ms`: enough to tell the right host answered. */
function describeAnswer(outcome: PollOutcome): string {
  const info = outcome.sample?.snapshot.agent;
  const parts = [`hostname ${info?.hostname ?? "?"}`];
  if (info?.version !== undefined && info.version !== "") parts.push(`version ${info.version}`);
  if (info?.platform !== undefined && info.platform !== "") parts.push(info.platform);
  const ms = outcome.durationMs;
  parts.push(`${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`);
  return parts.join(", ");
}

/** How long the first open of the store may take before the collector starts spooling. */
const OPEN_DEADLINE_MS = 30_000;

/** Samples per write: MySQL inserts are cheaper per row in larger transactions. */
export function batchSizeFor(kind: Store["kind"]): number {
  return kind === "mysql" ? 5000 : 1000;
}
