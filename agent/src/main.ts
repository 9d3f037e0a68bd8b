#!/usr/bin/env -S node --max-semi-space-size=1 --single-threaded
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { startAgent } from "./agent-app.js";
import { catchHangups, exitOnError, stopOnSignals } from "../../common/src/process-lifecycle.js";
import { failWithProblems } from "../../common/src/config/cli-flags.js";
import { loadOrExit, reloadConfig } from "../../common/src/config/load-config.js";
import {
  describeLoaded,
  describeLooked,
  exampleConfig,
  findConfig,
} from "../../common/src/config/find-config.js";
import { setProcessTitle } from "../../common/src/config/process-title.js";
import { loadAgentConfig } from "./config/load-config.js";
import { createLogger } from "../../common/src/logging.js";

async function main(): Promise<void> {
  const argv = await failWithProblems(yargs(hideBin(process.argv)), "hostwatch-agent", hideBin(process.argv))
    .scriptName("hostwatch-agent")
    .usage(
      "$0 [--config FILE] [--host ADDR] [--port N] [--check-config]\n\nServes this host's metrics over XML-RPC (ping, get_metrics).\nSIGHUP re-reads the config (allowlist, token, enabled families, security checks) without a restart.",
    )
    .option("config", {
      alias: "c",
      type: "string",
      describe:
        "JSON config file (see config/agent.example.json). Default: $HOSTWATCH_CONFIG, ./config/agent.json, /etc/hostwatch/agent.json, then the Python agent's config/agent_config.json and /etc/monitor/agent_config.json; defaults apply without one",
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

  const found = findConfig("agent", { explicit: argv.config });
  setProcessTitle("hostwatch-agent", found.file);
  const load = () => loadAgentConfig(found.file, { host: argv.host, port: argv.port });
  const config = loadOrExit("hostwatch-agent", load);
  const loaded =
    found.file === undefined
      ? `no config file (${describeLooked(found.looked)}): running on the defaults (${exampleConfig("agent")} lists them)`
      : describeLoaded(found);
  if (argv.checkConfig) {
    for (const warning of config.warnings) process.stdout.write(`warning: ${warning}\n`);
    process.stdout.write(`${found.file ?? "(defaults)"}: config OK\n`);
    if (found.file === undefined) process.stdout.write(`${loaded}\n`);
    return;
  }

  const logger = await createLogger({
    level: config.log_level,
    file: config.log_file,
    maxSize: config.log_max_size,
    maxFiles: config.log_max_files,
    label: "hostwatch-agent",
  });
  logger.info(loaded);
  for (const warning of config.warnings) logger.warn(warning);
  const hangups = catchHangups(logger);
  const agent = await startAgent(config, logger);
  // before the line that says it is up: a SIGTERM right after it must stop the agent cleanly,
  // not kill it (a signal without a handler yet is the default action)
  stopOnSignals(logger, "stopping", () => agent.stop());
  logger.info(
    `listening on ${agent.url} (allowed: ${config.security.allowed_ips.join(", ")}; auth ${config.token === undefined ? "off" : "on"})`,
  );
  hangups.handle(() =>
    reloadConfig({
      logger,
      who: "agent",
      load,
      apply: (next) => {
        const { diff, summary } = agent.reload(next);
        return { summary, needsRestart: diff.needsRestart };
      },
    }),
  );
}

main().catch(exitOnError("hostwatch-agent"));
