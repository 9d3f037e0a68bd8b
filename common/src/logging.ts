import path from "node:path";
import winston from "winston";

export interface LogOptions {
  level: string;
  /** e.g. /var/log/hostwatch/agent.log; rotated files are agent-YYYY-MM-DD.N.log(.gz) beside it. */
  file: string | null;
  maxSize: string;
  maxFiles: number;
  /** The program name at the start of console lines. */
  label: string;
}

export type Logger = winston.Logger;

/**
 * Console always; plus a daily and size-rotated, gzipped file when `file` is set (the rotating
 * transport is loaded only then, to keep the agent small).
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
  if (options.file !== null) {
    const { default: DailyRotateFile } = await import("winston-daily-rotate-file");
    const ext = path.extname(options.file) || ".log";
    const base = path.basename(options.file, ext);
    transports.push(
      new DailyRotateFile({
        dirname: path.dirname(options.file),
        filename: `${base}-%DATE%${ext}`,
        datePattern: "YYYY-MM-DD",
        maxSize: options.maxSize,
        maxFiles: options.maxFiles,
        zippedArchive: true,
        createSymlink: true,
        symlinkName: path.basename(options.file),
        auditFile: path.join(path.dirname(options.file), `.${base}-audit.json`),
        format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      }),
    );
  }
  return winston.createLogger({ level: options.level, transports });
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
