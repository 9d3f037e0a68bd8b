import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { parseSshdMessage } from "./auth-line.js";
import type { AuthEvent } from "./auth-line.js";

export interface JournaldSourceOptions {
  journalctl: string;
  windowS: number;
  timeoutMs?: number;
  maxBuffer?: number;
}

export interface JournalLine {
  cursor: string | null;
  event: AuthEvent | null;
}

/** The journalctl executable in the PATH directories, or null. */
export function findJournalctl(pathEnv: string = process.env.PATH ?? ""): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "journalctl");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** One line of `journalctl -o json`; null if it is not a JSON object. */
export function parseJournalLine(line: string): JournalLine | null {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof entry !== "object" || entry === null) return null;
  const fields = entry as Record<string, unknown>;
  const cursor = typeof fields.__CURSOR === "string" ? fields.__CURSOR : null;
  const ident = fields.SYSLOG_IDENTIFIER;
  if (typeof ident === "string" && !ident.startsWith("sshd")) return { cursor, event: null };
  const message = messageText(fields.MESSAGE);
  const micros = Number(fields.__REALTIME_TIMESTAMP);
  if (message === null || !Number.isFinite(micros)) return { cursor, event: null };
  const pid = Number(fields._PID);
  const event = parseSshdMessage(
    message,
    Math.floor(micros / 1000),
    fields._PID !== undefined && Number.isInteger(pid) ? pid : null,
  );
  return { cursor, event };
}

/** MESSAGE is a string, or an array of bytes when it is not valid UTF-8. */
function messageText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((b) => typeof b === "number")) {
    return Buffer.from(value).toString("utf8");
  }
  return null;
}

// journalctl's hints when the user may not read the system journal.
const NO_PERMISSION = /not seeing messages from other users and the system|insufficient permissions/;

/**
 * sshd's entries from journald, for hosts without an auth log file: the window's history on
 * the first call, then only the entries after the last cursor.
 */
export class JournaldSource {
  private readonly journalctl: string;
  private readonly windowS: number;
  private readonly timeoutMs: number;
  private readonly maxBuffer: number;
  private cursor: string | null = null;

  constructor(options: JournaldSourceOptions) {
    this.journalctl = options.journalctl;
    this.windowS = options.windowS;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxBuffer = options.maxBuffer ?? 32 * 1024 * 1024;
  }

  async readNew(now: number): Promise<AuthEvent[]> {
    const args = ["-u", "ssh", "-u", "sshd", "-o", "json", "--no-pager"];
    if (this.cursor === null) args.push(`--since=@${Math.floor(now / 1000) - this.windowS}`);
    else args.push(`--after-cursor=${this.cursor}`);
    const { stdout, stderr, error } = await run(this.journalctl, args, this.timeoutMs, this.maxBuffer);
    if (NO_PERMISSION.test(stderr)) {
      throw new Error(
        "journalctl cannot read the system journal (add the agent's user to group systemd-journal)",
      );
    }
    // A timeout or a full buffer still leaves whole lines to use: continue after them next time.
    const truncated =
      error !== null && (error.killed === true || error.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER");
    if (error !== null && !truncated) {
      const reason = stderr.trim().split("\n")[0] || error.message;
      throw new Error(`journalctl failed: ${reason}`);
    }
    if (error?.killed === true && !stdout.includes("\n")) {
      throw new Error(`journalctl timed out after ${this.timeoutMs / 1000} s`);
    }
    const lines = stdout.split("\n");
    if (truncated && !stdout.endsWith("\n")) lines.pop();
    const events: AuthEvent[] = [];
    for (const line of lines) {
      if (line === "") continue;
      const parsed = parseJournalLine(line);
      if (parsed === null) continue;
      if (parsed.cursor !== null) this.cursor = parsed.cursor;
      if (parsed.event !== null) events.push(parsed.event);
    }
    return events;
  }
}

interface RunResult {
  stdout: string;
  stderr: string;
  error: (Error & { killed?: boolean; code?: unknown }) | null;
}

function run(file: string, args: string[], timeout: number, maxBuffer: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, maxBuffer, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, error });
    });
  });
}
