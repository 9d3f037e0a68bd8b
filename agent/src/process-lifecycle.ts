import { closeLogger, type Logger } from "./logging.js";

/** On SIGTERM or SIGINT (once): logs, runs `stop`, flushes the log and exits 0. */
export function stopOnSignals(logger: Logger, what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: ${what}`);
    void stop()
      .then(() => logger.info("stopped"))
      .then(() => closeLogger(logger))
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/** The last resort of a CLI's main(): the error on stderr, exit 1. */
export function exitOnError(program: string): (error: unknown) => never {
  return (error) => {
    process.stderr.write(`${program}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
}
