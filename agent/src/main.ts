#!/usr/bin/env -S node --max-semi-space-size=1 --single-threaded
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { startAgent } from "./agent-app.js";
import { catchHangups, exitOnError, stopOnSignals } from "../../common/src/process-lifecycle.js";
import { ConfigError } from "../../common/src/config/config-error.js";
import { loadAgentConfig, type AgentConfig } from "./config/load-config.js";
import { createLogger } from "../../common/src/logging.js";

const EXIT_CONFIG = 2;

async function main(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName("hostwatch-agent")
    .usage(
      "$0 [--config FILE] [--host ADDR] [--port N] [--check-config]\n\nServes this host's metrics over XML-RPC (ping, get_metrics).\nSIGHUP re-reads the config (allowlist, token, enabled families, security checks) without a restart.",
    )
    .option("config", {
      alias: "c",
      type: "string",
      describe: "JSON config file (see config/agent.example.json); defaults apply without one",
    })
    .option("host", { type: "string", describe: "listen address, overrides the config's host" })
    .option("port", {
      type: "number",
      describe: "listen port, overrides the config's port (0 = any free port)",
    })
    .option("check-config", { type: "boolean", default: false, describe: "validate the config and exit" })
    .strict()
    .help()
    .version()
    .parse();

  let config: AgentConfig;
  try {
    config = loadAgentConfig(argv.config, { host: argv.host, port: argv.port });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hostwatch-agent: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  if (argv.checkConfig) {
    process.stdout.write(`${argv.config ?? "(defaults)"}: config OK\n`);
    return;
  }

  const logger = await createLogger({
    level: config.log_level,
    file: config.log_file,
    maxSize: config.log_max_size,
    maxFiles: config.log_max_files,
    label: "hostwatch-agent",
  });
  const hangups = catchHangups(logger);
  const agent = await startAgent(config, logger);
  logger.info(
    `listening on ${agent.url} (allowed: ${config.security.allowed_ips.join(", ")}; auth ${config.token === undefined ? "off" : "on"})`,
  );
  hangups.handle(() => {
    let next: AgentConfig;
    try {
      next = loadAgentConfig(argv.config, { host: argv.host, port: argv.port });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      logger.error(`config reload refused, the running config is kept: ${error.problems.join("; ")}`);
      return;
    }
    const { diff, summary } = agent.reload(next);
    logger.info(`config reloaded: ${summary}`);
    if (diff.needsRestart.length > 0)
      logger.warn(
        `config reload: ${diff.needsRestart.join(", ")} ${diff.needsRestart.length === 1 ? "needs" : "need"} a restart; running with the values the agent started with`,
      );
  });

  stopOnSignals(logger, "stopping", () => agent.stop());
}

main().catch(exitOnError("hostwatch-agent"));
