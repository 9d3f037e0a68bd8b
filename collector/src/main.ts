#!/usr/bin/env node
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { exitOnError, stopOnSignals } from "../../common/src/process-lifecycle.js";
import { ConfigError } from "../../common/src/config/config-error.js";
import { EXIT_CONFIG, failWithProblems } from "../../common/src/config/cli-flags.js";
import { describeLooked, findConfig } from "../../common/src/config/find-config.js";
import { setProcessTitle } from "../../common/src/config/process-title.js";
import { closeLogger, createLogger } from "../../common/src/logging.js";
import { createNotifiers } from "./alerts/create-notifiers.js";
import { NotificationDispatcher } from "./alerts/notify/dispatcher.js";
import { createCollector } from "./collector-app.js";
import { loadCollectorConfig, type CollectorConfig } from "./config/load-config.js";

/**
 * SIGTERM ends within this, whatever the store does: polls get 1 s, the last write its
 * deadline (storage.write_timeout, 5 s by default) before it is spooled, closing 1 s.
 */
const STOP_BOUND_MS = 10_000;

async function main(): Promise<void> {
  const argv = await failWithProblems(
    yargs(hideBin(process.argv)),
    "hostwatch-collector",
    hideBin(process.argv),
  )
    .scriptName("hostwatch-collector")
    .usage(
      "$0 [--config FILE] [--once] [--check-config] [--test-notify]\n\nPolls every agent in the config and stores each sample (rotated files or MySQL).",
    )
    .option("config", {
      alias: "c",
      type: "string",
      describe:
        "JSON config file. Default: $HOSTWATCH_CONFIG, ./config/collector.json, /etc/hostwatch/collector.json, then the Python collector's config/collector_config.json and /etc/monitor/collector_config.json",
    })
    .option("once", {
      type: "boolean",
      default: false,
      describe: "poll every agent once, store, and exit (cron, tests)",
    })
    .option("check-config", { type: "boolean", default: false, describe: "validate the config and exit" })
    .option("test-notify", {
      type: "boolean",
      default: false,
      describe: "send a test message through every configured alert channel and report each result",
    })
    .strict()
    .help()
    .version()
    .parse();

  const found = findConfig("collector", { explicit: argv.config });
  setProcessTitle("hostwatch-collector", found.file);
  if (found.file === undefined) {
    process.stderr.write(
      `hostwatch-collector: no config file (${describeLooked(found.looked)}); ` +
        "copy config/collector.example.json to one of these and list your agents, or pass --config FILE\n",
    );
    process.exit(EXIT_CONFIG);
  }
  let config: CollectorConfig;
  try {
    config = loadCollectorConfig(found.file);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hostwatch-collector: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const loaded = `loaded config ${found.file}${found.via === "default" ? "" : ` (from ${found.via})`}`;
  if (argv.checkConfig) {
    for (const warning of config.warnings) process.stdout.write(`warning: ${warning}\n`);
    process.stdout.write(
      `${found.file}: config OK (${config.agents.length} agent${config.agents.length === 1 ? "" : "s"}, ${config.storage.type} storage)\n`,
    );
    return;
  }

  if (argv.testNotify) {
    const notifiers = createNotifiers(config);
    if (notifiers.length === 0)
      process.stdout.write(
        "no alert channel configured (alerts.email, alerts.webhooks); the log always gets alerts\n",
      );
    const dispatcher = new NotificationDispatcher({ notifiers, log: { info() {}, warn() {}, error() {} } });
    const results = await dispatcher.testAll();
    for (const r of results)
      process.stdout.write(
        `${r.ok ? "OK    " : "FAILED"} ${r.name}${r.error === undefined ? "" : `: ${r.error}`}\n`,
      );
    await dispatcher.close(5_000);
    process.exit(results.every((r) => r.ok) ? 0 : 1);
  }

  const logger = await createLogger({
    level: config.log_level,
    file: config.log_file ?? (config.storage.type === "file" ? config.paths.logFile : null),
    maxSize: `${Math.ceil(config.storage.rotation.max_size / 1024)}k`,
    maxFiles: config.storage.rotation.backup_count + 1,
    label: "hostwatch-collector",
  });
  logger.info(loaded);
  for (const warning of config.warnings) logger.warn(warning);
  const collector = await createCollector(config, logger);

  if (argv.once) {
    await collector.runOnce();
    await collector.stop();
    const up = collector.pollers.filter((p) => p.state.health.state === "up").length;
    logger.info(`one cycle done: ${up} of ${collector.pollers.length} agents answered`);
    await closeLogger(logger);
    return;
  }

  collector.start();
  stopOnSignals(logger, "stopping polls and flushing storage", () => collector.stop(), STOP_BOUND_MS);
}

main().catch(exitOnError("hostwatch-collector"));
