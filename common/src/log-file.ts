import path from "node:path";
import type { EventEmitter } from "node:events";
import type winston from "winston";
import type TransportStream from "winston-transport";

export interface LogFileOptions {
  /** e.g. /var/log/hostwatch/agent.log; rotated files are agent-YYYY-MM-DD.N.log(.gz) beside it. */
  file: string;
  maxSize: string;
  maxFiles: number;
  /** Console line prefix of the one warning a failing log file gives. */
  label: string;
  /** How long a failed log file rests before it is opened again. */
  retryMs?: number;
}

type RotatingTransport = TransportStream & { logStream: EventEmitter };
type MakeTransport = () => RotatingTransport;

/**
 * The daily- and size-rotated log file, kept from ending the process. winston-daily-rotate-file
 * re-emits its file stream's errors on `logStream`, where nobody listens, so a full disk or a
 * removed folder under the log file threw an unhandled 'error' and ended the collector (seen:
 * ENOSPC from file-stream-rotator on a full tmpfs). Here a failing file is taken out of the
 * logger (the console keeps every line, so journald still has them), one warning says so on
 * stderr, and a new file transport is tried every `retryMs` until one writes without error.
 */
export class LogFile {
  private transport: RotatingTransport | undefined;
  private failing = false;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly make: MakeTransport;

  constructor(
    private readonly logger: winston.Logger,
    private readonly options: LogFileOptions,
    DailyRotateFile: new (options: Record<string, unknown>) => TransportStream,
  ) {
    const ext = path.extname(options.file) || ".log";
    const base = path.basename(options.file, ext);
    const settings = {
      dirname: path.dirname(options.file),
      filename: `${base}-%DATE%${ext}`,
      datePattern: "YYYY-MM-DD",
      maxSize: options.maxSize,
      maxFiles: options.maxFiles,
      zippedArchive: true,
      createSymlink: true,
      symlinkName: path.basename(options.file),
      auditFile: path.join(path.dirname(options.file), `.${base}-audit.json`),
    };
    this.make = () => new DailyRotateFile(settings) as RotatingTransport;
  }

  open(format: winston.Logform.Format): void {
    if (this.closed) return;
    let transport: RotatingTransport;
    try {
      transport = this.make();
    } catch (error) {
      // the folder cannot be made (permissions, a full disk): same as a failed write
      this.fail(error, format);
      return;
    }
    transport.format = format;
    transport.logStream.on("error", (error: unknown) => {
      if (this.transport === transport) this.fail(error, format);
    });
    this.transport = transport;
    this.logger.add(transport);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
  }

  private fail(error: unknown, format: winston.Logform.Format): void {
    const broken = this.transport;
    this.transport = undefined;
    if (broken !== undefined) {
      this.logger.remove(broken);
      // ending a broken stream may error again: nobody but this listener hears it
      broken.logStream.on("error", () => {});
      broken.close?.();
    }
    if (!this.failing) {
      this.failing = true;
      const seconds = this.retryMs / 1000;
      process.stderr.write(
        `${new Date().toISOString()} ${this.options.label} warn: cannot write the log file ` +
          `${this.options.file} (${(error as Error).message}); logging to the console only, ` +
          `trying the file again every ${seconds} s\n`,
      );
    }
    if (this.closed) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.reopen(format), this.retryMs);
    this.retry.unref();
  }

  /** Opens a new file transport; one that goes a whole retry period without an error is back. */
  private reopen(format: winston.Logform.Format): void {
    this.open(format);
    if (this.transport === undefined) return;
    const reopened = this.transport;
    this.retry = setTimeout(() => {
      if (this.transport !== reopened || this.closed) return;
      this.failing = false;
      this.logger.info(`the log file ${this.options.file} is written again`);
    }, this.retryMs);
    this.retry.unref();
  }

  private get retryMs(): number {
    return this.options.retryMs ?? DEFAULT_RETRY_MS;
  }
}

const DEFAULT_RETRY_MS = 30_000;
