#!/usr/bin/env node
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { catchHangups, exitOnError, stopOnSignals } from "../../common/src/process-lifecycle.js";
import { EXIT_CONFIG, failWithProblems } from "../../common/src/config/cli-flags.js";
import { loadOrExit, reloadConfig } from "../../common/src/config/load-config.js";
import {
  describeLoaded,
  describeLooked,
  exampleConfig,
  findConfig,
} from "../../common/src/config/find-config.js";
import { setProcessTitle } from "../../common/src/config/process-title.js";
import { closeLogger, createLogger } from "../../common/src/logging.js";
import { createNotifiers } from "./alerts/create-notifiers.js";
import { NotificationDispatcher } from "./alerts/notify/dispatcher.js";
import { createCollector } from "./collector-app.js";
import { plural } from "./health.js";
import { loadCollectorConfig } from "./config/load-config.js";

/** `--once`: no agent answered in that cycle (README, "Exit codes"). */
const EXIT_NONE_ANSWERED = 3;
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
      "$0 [--config FILE] [--once] [--check-config] [--test-notify]\n\nPolls every agent in the config and stores each sample (rotated files or MySQL).\nSIGHUP re-reads the config (agents, thresholds, notifiers) without a restart.",
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
      describe: `poll every agent once, store, and exit (cron, tests); exit ${EXIT_NONE_ANSWERED} when no agent answered`,
    })
    .option("check-config", { type: "boolean", default: false, describe: "validate the config and exit" })
    .option("test-notify", {
      type: "boolean",
      default: false,
      describe: "send a test message through every configured alert channel and report each result",
    })
    .epilog(
      "Exit codes:\n" +
        "  0  done (--once: at least one agent answered)\n" +
        "  1  unexpected error\n" +
        `  ${EXIT_CONFIG}  the config is invalid\n` +
        `  ${EXIT_NONE_ANSWERED}  --once: no agent answered in that cycle`,
    )
    .strict()
    .help()
    .version()
    .parse();

  const found = findConfig("collector", { explicit: argv.config });
  setProcessTitle("hostwatch-collector", found.file);
  if (found.file === undefined) {
    process.stderr.write(
      `hostwatch-collector: no config file (${describeLooked(found.looked)}); ` +
        `copy ${exampleConfig("collector")} to one of these and list your agents, or pass --config FILE\n`,
    );
    process.exit(EXIT_CONFIG);
  }
  const configFile = found.file;
  const config = loadOrExit("hostwatch-collector", () => loadCollectorConfig(configFile));
  const loaded = describeLoaded(found);
  if (argv.checkConfig) {
    for (const warning of config.warnings) process.stdout.write(`warning: ${warning}\n`);
    process.stdout.write(
      `${found.file}: config OK (${plural(config.agents.length, "agent")}, ${config.storage.type} storage)\n`,
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
  const hangups = catchHangups(logger);
  // a change in the agents folder that changed nothing (an editor's temporary file) is no news
  const reload = (reason: string) =>
    reloadConfig({
      logger,
      who: "collector",
      load: () => loadCollectorConfig(configFile),
      apply: (next) => {
        const { diff, summary } = collector.reload(next);
        return { summary, needsRestart: diff.needsRestart };
      },
      reason,
      quietIfUnchanged: reason !== "SIGHUP",
    });
  const collector = await createCollector(config, logger, {
    onAgentsFilesChange: () => reload("agents_files changed"),
  });

  if (argv.once) {
    const outcomes = await collector.runOnce();
    await collector.stop();
    // this cycle's answers, not the up/down state (which a previous run may have left "up")
    const answered = outcomes.filter((outcome) => outcome.error === null).length;
    const agents = collector.pollers.length;
    logger.info(`one cycle done: ${answered} of ${agents} ${agents === 1 ? "agent" : "agents"} answered`);
    await closeLogger(logger);
    if (answered === 0) process.exitCode = EXIT_NONE_ANSWERED;
    return;
  }

  collector.start();
  hangups.handle(() => reload("SIGHUP"));
  stopOnSignals(logger, "stopping polls and flushing storage", () => collector.stop(), STOP_BOUND_MS);
}

main().catch(exitOnError("hostwatch-collector"));
