import * as v from "valibot";

/**
 * Log level names in any case: winston's (debug, info, warn, error) and Python's logging names
 * (DEBUG, INFO, WARNING, ERROR, CRITICAL, FATAL), so the Python system's configs work as they are.
 */
const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  debug: "debug",
  info: "info",
  warn: "warn",
  warning: "warn",
  error: "error",
  critical: "error",
  fatal: "error",
};

export type LogLevel = "debug" | "info" | "warn" | "error";

/** The winston level of a name in any case; undefined when it is none. */
function parseLogLevel(name: string): LogLevel | undefined {
  return Object.hasOwn(LOG_LEVELS, name.toLowerCase()) ? LOG_LEVELS[name.toLowerCase()] : undefined;
}

/** The config key `log_level` of every program. */
export const logLevelSchema = v.pipe(
  v.string(),
  v.check(
    (value) => parseLogLevel(value) !== undefined,
    "unknown log level (use debug, info, warn or error, in any case)",
  ),
  v.transform((value): LogLevel => parseLogLevel(value) ?? "info"),
);
