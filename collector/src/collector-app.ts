import path from "node:path";
import { errorText } from "../../common/src/error-text.js";
import type { Logger } from "../../common/src/logging.js";
import type { CollectorConfig } from "./config/load-config.js";
import { AlertService } from "./alerts/alert-service.js";
import { createNotifiers } from "./alerts/create-notifiers.js";
import { NotificationDispatcher } from "./alerts/notify/dispatcher.js";
import { createStore } from "./create-store.js";
import { DeadLetterFile, Spool, StorageWriter, withDeadline } from "./delivery/index.js";
import type { MysqlStore, Store } from "./storage/index.js";
import { formatHealth, HealthMonitor } from "./health.js";
import { AgentPoller, type PollOutcome } from "./polling/agent-poller.js";
import { AgentState } from "./polling/agent-state.js";
import { AgentStateFile } from "./polling/agent-state-file.js";
import { AgentClient } from "./polling/client/agent-client.js";
import { Scheduler } from "./polling/scheduler.js";
import { shareOf } from "./polling/shard.js";
import { DEFAULT_NORMALISE_LIMITS } from "./polling/normalise/normalise-value.js";

export interface RunningCollector {
  scheduler: Scheduler;
  pollers: AgentPoller[];
  writer: StorageWriter;
  health: HealthMonitor;
  /** Stops polling, writes everything to the store (or the spool) and closes it. */
  stop(): Promise<void>;
}

/** Wires storage, spool, pollers and scheduler; `start` begins polling on the interval grid. */
export async function createCollector(
  config: CollectorConfig,
  logger: Logger,
): Promise<RunningCollector & { start(): void; runOnce(): Promise<void> }> {
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
      `shard ${config.shard.index}/${config.shard.count}: polling ${mine.length} of ${config.agents.length} agents`,
    );
  }
  const pollers = mine.map(
    (endpoint) =>
      new AgentPoller(
        endpoint,
        new AgentClient({
          url: endpoint.url,
          token: endpoint.secret,
          ca: endpoint.ca,
          timeoutMs: config.timeout * 1000,
          maxResponseBytes: config.max_response_bytes,
        }),
        new AgentState(endpoint.name, config.alerts.down_after, saved.get(endpoint.name)),
        { ...DEFAULT_NORMALISE_LIMITS, maxListItems: config.max_list_items },
      ),
  );
  const dispatcher = new NotificationDispatcher({
    notifiers: createNotifiers(config),
    log: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  const alerts = new AlertService(config, dispatcher, (records) => writer.addAlerts(records), logger);
  const scheduler = new Scheduler(pollers, config.poll_interval * 1000, config.max_workers, (outcome) => {
    writer.add(outcome.sample, outcome.events);
    logOutcome(logger, outcome);
    alerts.onOutcome(outcome);
  });
  const health = new HealthMonitor(scheduler, pollers, writer);
  let healthTimer: NodeJS.Timeout | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;

  return {
    scheduler,
    pollers,
    writer,
    health,
    start() {
      writer.start(storeOpen);
      alerts.start();
      scheduler.start();
      healthTimer = setInterval(
        () => logger.info(formatHealth(health.report())),
        config.health_interval * 1000,
      );
      healthTimer.unref();
      if (store.kind === "mysql" && config.storage.retention_days > 0) {
        const mysql = store as MysqlStore;
        retentionTimer = setInterval(() => {
          mysql.pruneOlderThan(config.storage.retention_days).catch((error: unknown) => {
            logger.warn(`retention prune failed: ${String(error)}`);
          });
        }, 3_600_000);
        retentionTimer.unref();
      }
      logger.info(
        `polling ${pollers.length} agents every ${config.poll_interval} s (timeout ${config.timeout} s, ` +
          `at most ${config.max_workers} at once), ${store.kind} storage`,
      );
    },
    async runOnce() {
      writer.start(storeOpen);
      await scheduler.runOnce();
    },
    async stop() {
      clearInterval(healthTimer);
      clearInterval(retentionTimer);
      await scheduler.stop();
      // no poll runs now, so no alert record can follow: both finish side by side, each bounded
      await Promise.all([alerts.stop(), writer.close()]);
      try {
        stateFile.save(pollers.map((poller) => poller.state.health));
      } catch (error) {
        logger.warn(`cannot save agent states: ${String(error)}`);
      }
      for (const poller of pollers) poller.close();
    },
  };
}

function logOutcome(logger: Logger, outcome: PollOutcome): void {
  for (const event of outcome.events) {
    if (event.kind === "down") {
      logger.warn(
        `agent ${event.agent} is DOWN after ${event.consecutive_failures} failed polls: ${event.error ?? ""}`,
      );
    } else if (event.kind === "up") {
      logger.info(`agent ${event.agent} is UP again after ${event.consecutive_failures} failed polls`);
    } else if (event.consecutive_failures === 1) {
      logger.warn(`poll of ${event.agent} failed: ${event.error ?? ""}`);
    } else {
      logger.debug(
        `poll of ${event.agent} failed (${event.consecutive_failures} in a row): ${event.error ?? ""}`,
      );
    }
  }
}

/** How long the first open of the store may take before the collector starts spooling. */
const OPEN_DEADLINE_MS = 30_000;

/** Samples per write: MySQL inserts are cheaper per row in larger transactions. */
export function batchSizeFor(kind: Store["kind"]): number {
  return kind === "mysql" ? 5000 : 1000;
}
