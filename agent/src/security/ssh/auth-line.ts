import { isIP, isIPv4 } from "node:net";

export type AuthEventKind = "failed" | "invalid_user" | "pam_failure" | "max_attempts" | "closed_preauth";

/** One sshd log line that tells of a failed login attempt. */
export interface AuthEvent {
  /** Epoch ms. */
  time: number;
  ip: string;
  user: string | null;
  kind: AuthEventKind;
  /** The sshd process that logged it: lines of one connection share it. */
  pid: number | null;
  /** rsyslog's "message repeated N times: [ ... ]" stands for N lines. Absent means 1. */
  repeat?: number;
}

const DAY_MS = 86_400_000;
const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

// Classic syslog ("Nov 22 06:21:10", "Jan  1 00:00:05") or RFC 3339 as rsyslog's
// high-precision template writes it, then host, then sshd / sshd-session / sshd-auth [pid].
const HEADER =
  /^(?:([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)|(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)) \S+ sshd(?:-session|-auth)?(?:\[(\d+)\])?: /;

const FAILED = /^Failed \S+ for (invalid user )?(\S*) from (\S+) port \d+/;
const INVALID_USER = /^Invalid user (\S*) from (\S+)/;
const PAM_FAILURE = /^pam_\w+\(sshd:auth\): authentication failure;/;
const RHOST = / rhost=(\S+)/;
const PAM_USER = /\suser=(\S+)/;
const MAX_ATTEMPTS =
  /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(\S*) from (\S+) port \d+/;
const CLOSED_PREAUTH =
  /^(?:Connection (?:closed|reset) by|Disconnected from) (?:authenticating|invalid) user (\S*) (\S+) port \d+ \[preauth\]/;
const REPEATED = /^message repeated (\d+) times: \[ ?(.*?) ?\]$/;

/** Addresses an AuthLineParser remembers before it starts afresh. */
const IP_CACHE_MAX = 4096;

type IpOf = (raw: string) => string | null;

/**
 * Parses a stream of auth.log lines. It keeps two caches for speed, so the SSH check owns one
 * parser for the file it follows; parseAuthLine is for a single line. (journald entries go
 * through parseSshdMessage: their time needs no syslog minute, and the JSON parse of each entry
 * costs ~100 times what the address cache would save.)
 */
export class AuthLineParser {
  // net.isIP is a large part of a line's cost and attacks come in bursts from few addresses.
  private readonly ips = new Map<string, string | null>();
  private readonly ipOf: IpOf = (raw) => this.cachedIp(raw);
  // Building a local Date is the costly part of a line: lines come in bursts of the same
  // minute, so cache the minute's epoch in now's year (DST changes fall on minute boundaries).
  private cachedMinute = "";
  private cachedYear = 0;
  private cachedMinuteMs = 0;

  /** Parses one auth.log / secure line; null unless it is an sshd line about a failed login. */
  parse(line: string, now: Date): AuthEvent | null {
    if (!line.includes("sshd")) return null;
    const m = HEADER.exec(line);
    if (m === null) return null;
    const message = line.slice(m[0].length);
    if (!mayBeFailure(message)) return null;
    const time = m[1] !== undefined ? this.syslogTime(line, m, now) : rfc3339Time(m);
    if (time === null) return null;
    return sshdMessage(message, time, m[14] !== undefined ? Number(m[14]) : null, this.ipOf);
  }

  /** normalizeIp, remembered. */
  private cachedIp(raw: string): string | null {
    let ip = this.ips.get(raw);
    if (ip === undefined) {
      // Bounded: a parser lives as long as its check (the agent's life), and a scan from many
      // addresses (or junk in the address field) would grow it without end. Clearing costs
      // one isIP per address that is still attacking; the next burst refills it.
      if (this.ips.size >= IP_CACHE_MAX) this.ips.clear();
      ip = normalizeIp(raw);
      this.ips.set(raw, ip);
    }
    return ip;
  }

  /** Year-less syslog time, in local time: now's year, or the previous one if that is > 1 day ahead. */
  private syslogTime(line: string, m: RegExpExecArray, now: Date): number | null {
    const minute = line.slice(0, 12); // "Nov 22 06:21"
    const year = now.getFullYear();
    if (minute !== this.cachedMinute || year !== this.cachedYear) {
      const base = localMinute(year, m);
      if (base === null) return null;
      this.cachedMinute = minute;
      this.cachedYear = year;
      this.cachedMinuteMs = base;
    }
    const time = this.cachedMinuteMs + Number(m[5]) * 1000;
    if (time <= now.getTime() + DAY_MS) return time;
    const previous = localMinute(year - 1, m);
    return previous === null ? null : previous + Number(m[5]) * 1000;
  }
}

/** Parses one line on its own (no caches kept); a stream of lines should own an AuthLineParser. */
export function parseAuthLine(line: string, now: Date): AuthEvent | null {
  return new AuthLineParser().parse(line, now);
}

function mayBeFailure(message: string): boolean {
  switch (message.charCodeAt(0)) {
    case 70: // F
    case 73: // I
    case 112: // p
    case 101: // e
    case 109: // m
    case 67: // C
    case 68: // D
      return true;
    default:
      return false;
  }
}

/** Parses the message part of an sshd log entry (after "sshd[pid]: "), from a file or journald. */
export function parseSshdMessage(message: string, time: number, pid: number | null): AuthEvent | null {
  return sshdMessage(message, time, pid, normalizeIp);
}

function sshdMessage(message: string, time: number, pid: number | null, ipOf: IpOf): AuthEvent | null {
  let m: RegExpExecArray | null;
  switch (message.charCodeAt(0)) {
    case 70: // F
      m = FAILED.exec(message);
      return m === null ? null : event(time, m[3], m[2], "failed", pid, ipOf);
    case 73: // I
      m = INVALID_USER.exec(message);
      return m === null ? null : event(time, m[2], m[1], "invalid_user", pid, ipOf);
    case 112: {
      // p: pam_*(sshd:auth)
      if (!PAM_FAILURE.test(message)) return null;
      const rhost = RHOST.exec(message);
      if (rhost === null) return null;
      return event(time, rhost[1], PAM_USER.exec(message)?.[1] ?? null, "pam_failure", pid, ipOf);
    }
    case 101: // e
    case 109: // m
      m = MAX_ATTEMPTS.exec(message);
      if (m !== null) return event(time, m[3], m[2], "max_attempts", pid, ipOf);
      return repeated(message, time, pid, ipOf);
    case 67: // C
    case 68: // D
      m = CLOSED_PREAUTH.exec(message);
      return m === null ? null : event(time, m[2], m[1], "closed_preauth", pid, ipOf);
    default:
      return null;
  }
}

function repeated(message: string, time: number, pid: number | null, ipOf: IpOf): AuthEvent | null {
  const m = REPEATED.exec(message);
  if (m === null || m[2] === undefined) return null;
  const inner = sshdMessage(m[2], time, pid, ipOf);
  if (inner === null) return null;
  inner.repeat = Number(m[1]);
  return inner;
}

function event(
  time: number,
  rawIp: string | undefined,
  user: string | undefined | null,
  kind: AuthEventKind,
  pid: number | null,
  ipOf: IpOf,
): AuthEvent | null {
  const ip = ipOf(rawIp ?? "");
  if (ip === null) return null;
  return { time, ip, user: user ?? null, kind, pid };
}

/** Validates an address and folds IPv4-mapped IPv6 (::ffff:1.2.3.4) to plain IPv4. */
export function normalizeIp(raw: string): string | null {
  const version = isIP(raw);
  if (version === 4) return raw;
  if (version !== 6) return null;
  const ip = raw.toLowerCase();
  if (ip.startsWith("::ffff:") && isIPv4(ip.slice(7))) return ip.slice(7);
  return ip;
}

function localMinute(year: number, m: RegExpExecArray): number | null {
  const month = MONTHS[m[1] ?? ""];
  if (month === undefined) return null;
  return new Date(year, month, Number(m[2]), Number(m[3]), Number(m[4])).getTime();
}

function rfc3339Time(m: RegExpExecArray): number | null {
  const fraction = m[12] ?? "";
  const ms = fraction === "" ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const utc = Date.UTC(
    Number(m[6]),
    Number(m[7]) - 1,
    Number(m[8]),
    Number(m[9]),
    Number(m[10]),
    Number(m[11]),
    ms,
  );
  const zone = m[13] ?? "Z";
  if (zone === "Z") return utc;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  const time = utc - sign * offsetMin * 60_000;
  return Number.isFinite(time) ? time : null;
}
