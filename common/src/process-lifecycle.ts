import { closeLogger, type Logger } from "./logging.js";

/**
 * On SIGTERM or SIGINT (once): logs, runs `stop`, flushes the log and exits 0. With `boundMs`,
 * a stop that has not finished by then exits 1 anyway: a service manager (systemd's
 * TimeoutStopSec) is then never the one to kill it, and the bound can be stated.
 */
export function stopOnSignals(
  logger: Logger,
  what: string,
  stop: () => Promise<void>,
  boundMs?: number,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: ${what}`);
    if (boundMs !== undefined) {
      setTimeout(() => {
        logger.error(`stop did not finish within ${boundMs / 1000} s: exiting anyway`);
        void closeLogger(logger).finally(() => process.exit(1));
      }, boundMs).unref();
    }
    void stop()
      .then(() => logger.info("stopped"))
      .then(() => closeLogger(logger))
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

export interface Hangups {
  /** From now on every SIGHUP runs `reload`; one that came before runs it at once. */
  handle(reload: () => void): void;
}

/**
 * Takes over SIGHUP (whose default ends the process) from the moment it is called, so that a
 * `systemctl reload` during a slow start neither kills the program nor is lost: the reload runs
 * once the program is ready. A reload that throws is logged; the program keeps running.
 */
export function catchHangups(logger: Logger): Hangups {
  let reload: (() => void) | undefined;
  let missed = false;
  const run = () => {
    try {
      reload?.();
    } catch (error) {
      logger.error(`config reload refused: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  process.on("SIGHUP", () => {
    logger.info("SIGHUP received: reloading the config");
    if (reload === undefined) missed = true;
    else run();
  });
  return {
    handle(next) {
      reload = next;
      if (missed) {
        missed = false;
        run();
      }
    },
  };
}

/** The last resort of a CLI's main(): the error on stderr, exit 1. */
export function exitOnError(program: string): (error: unknown) => never {
  return (error) => {
    process.stderr.write(`${program}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
}
