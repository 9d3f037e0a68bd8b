import type { Logger } from "../logging.js";
import { EXIT_CONFIG } from "./cli-flags.js";
import { ConfigError } from "./config-error.js";

/** The config `load` returns; on a ConfigError its message goes to stderr and the program exits 2. */
export function loadOrExit<C>(program: string, load: () => C): C {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

export interface ReloadOptions<C> {
  logger: Logger;
  /** `agent`, `collector`: the program the restart warning names. */
  who: string;
  load: () => C;
  /** Applies the new config; says what changed and which keys wait for a restart. */
  apply: (next: C) => { summary: string; needsRestart: readonly string[] };
  /** Why the reload runs: SIGHUP, the usual, is not named in the log. */
  reason?: string;
  /** A reload that changed nothing is logged at debug rather than info. */
  quietIfUnchanged?: boolean;
}

/**
 * One config reload, for the agent and the collector alike: a config that does not load is
 * refused (logged, the running one kept); otherwise its warnings, what changed and the keys
 * that need a restart are logged.
 */
export function reloadConfig<C extends { warnings: readonly string[] }>(options: ReloadOptions<C>): void {
  const { logger, reason = "SIGHUP" } = options;
  const why = reason === "SIGHUP" ? "" : ` (${reason})`;
  let next: C;
  try {
    next = options.load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error(`config reload refused${why}, the running config is kept: ${error.problems.join("; ")}`);
    return;
  }
  for (const warning of next.warnings) logger.warn(warning);
  const { summary, needsRestart } = options.apply(next);
  const quiet =
    options.quietIfUnchanged === true && summary === "nothing changed" && needsRestart.length === 0;
  logger.log(quiet ? "debug" : "info", `config reloaded${why}: ${summary}`);
  if (needsRestart.length > 0)
    logger.warn(
      `config reload: ${needsRestart.join(", ")} ${needsRestart.length === 1 ? "needs" : "need"} a restart; running with the values the ${options.who} started with`,
    );
}
