import { closeSync, openSync, readSync } from "node:fs";
import { CMDLINE_MAX_CHARS, cutToChars } from "../../../common/src/contract/cmdline.js";

/** Bytes of /proc/PID/cmdline read: enough for CMDLINE_MAX_CHARS after redaction, whatever ARG_MAX is. */
const CMDLINE_READ_BYTES = 4096;

/**
 * An argument's name that says its value is a secret: `--password=…`, `--db-pass …`,
 * `token=…`, `AWS_SECRET_ACCESS_KEY=…`, `--api-key …`, `client_secret=…`, `--auth …`.
 */
const SECRET_NAME =
  /(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credentials?|auth(orization)?)$/i;
/** `name=value` or `name:value` inside one argument (a dash prefix or none). */
const NAMED_VALUE = /^(-{0,2}[\w.-]+)([=:])(.+)$/s;
/** user:password@ in a URL. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi;
export const REDACTED = "***";

/**
 * The command line of a process as top shows it (`c`): the arguments joined by spaces, with
 * what looks like a secret replaced by "***" (the snapshot goes to the collector, its files and
 * the dashboard, while /proc/PID/cmdline is only readable on the host):
 *
 * - a value given to a secret-named argument, in one argument (`--password=hunter2`,
 *   `token=abc`, `--api-key:xyz`) or as the next one (`--password hunter2`, `--token abc`);
 * - the password of a URL (`mysql://app:hunter2@db/prod` → `mysql://app:***@db/prod`).
 *
 * Short options (`-p`) are left as they are: `-p` is a port as often as a password. Control
 * characters become spaces; the result is cut to CMDLINE_MAX_CHARS. Empty for a process
 * without arguments (kernel threads, zombies).
 */
export function formatCmdline(raw: Buffer | string): string {
  const text = typeof raw === "string" ? raw : raw.toString("utf8");
  const args = text.split("\0");
  while (args.length > 0 && args[args.length - 1] === "") args.pop();
  const redacted = redactArgs(args).join(" ");
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const oneLine = redacted.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ").trim();
  return cutToChars(oneLine, CMDLINE_MAX_CHARS);
}

export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let hideNext = false;
  for (const arg of args) {
    if (hideNext && !arg.startsWith("-")) {
      out.push(REDACTED);
      hideNext = false;
      continue;
    }
    hideNext = false;
    const named = NAMED_VALUE.exec(arg);
    if (named !== null && SECRET_NAME.test(named[1]!.replace(/^-+/, ""))) {
      out.push(`${named[1]}${named[2]}${REDACTED}`);
      continue;
    }
    // `--password secret`: a long option (or a bare word like `password`) whose value follows
    if (/^--[\w.-]+$/.test(arg) && SECRET_NAME.test(arg.slice(2))) hideNext = true;
    out.push(arg.replace(URL_PASSWORD, `$1${REDACTED}@`));
  }
  return out;
}

/**
 * /proc/PID/cmdline, at most CMDLINE_READ_BYTES of it, formatted (see formatCmdline); null
 * when it cannot be read (the process exited, or hidepid hides it).
 */
export function readCmdline(proc: string, pid: number): string | null {
  let fd: number;
  try {
    fd = openSync(`${proc}/${pid}/cmdline`, "r");
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.allocUnsafe(CMDLINE_READ_BYTES);
    let length = 0;
    // procfs hands out cmdline in page-sized pieces: read until full or at the end
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return formatCmdline(buffer.subarray(0, length));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
