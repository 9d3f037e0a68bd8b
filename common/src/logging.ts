import winston from "winston";
import { LogFile } from "./log-file.js";

export interface LogOptions {
  level: string;
  /** e.g. /var/log/hostwatch/agent.log (see LogFile); null: the console only. */
  file: string | null;
  maxSize: string;
  maxFiles: number;
  /** The program name at the start of console lines. */
  label: string;
  /** How long a failing log file rests before it is tried again (30 s). */
  retryMs?: number;
}

export type Logger = winston.Logger;

/**
 * Console always; plus a daily and size-rotated, gzipped file when `file` is set (the rotating
 * transport is loaded only then, to keep the agent small), which a failing disk cannot turn
 * into the end of the process (LogFile).
 */
export async function createLogger(options: LogOptions): Promise<Logger> {
  const transports: winston.transport[] = [
    new winston.transports.Console({
      stderrLevels: ["error", "warn", "info", "debug"],
      format: winston.format.combine(
        winston.format.timestamp(),
        winston.format.printf(
          ({ timestamp, level, message, ...meta }) =>
            `${String(timestamp)} ${options.label} ${level}: ${String(message)}${formatMeta(meta)}`,
        ),
      ),
    }),
  ];
  const logger = winston.createLogger({ level: options.level, transports });
  if (options.file !== null) {
    const { default: DailyRotateFile } = await import("winston-daily-rotate-file");
    const file = new LogFile(logger, { ...options, file: options.file }, DailyRotateFile);
    file.open(winston.format.combine(winston.format.timestamp(), winston.format.json()));
    logger.on("finish", () => file.close());
  }
  return logger;
}

function formatMeta(meta: Record<string, unknown>): string {
  const keys = Object.keys(meta);
  if (keys.length === 0) return "";
  return " " + keys.map((key) => `${key}=${JSON.stringify(meta[key])}`).join(" ");
}

/** Flushes file transports before exit. */
export function closeLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.on("finish", () => resolve());
    logger.end();
    setTimeout(resolve, 2000).unref();
  });
}
