import { describe, expect, it } from "vitest";
import { authLogLines } from "../../../test/fixtures/auth-logs/auth-logs.js";
import { AuthLineParser, normalizeIp, parseAuthLine, parseSshdMessage } from "./auth-line.js";
import type { AuthEvent } from "./auth-line.js";

const NOW = new Date(2026, 10, 22, 7, 0, 0);
const T = new Date(2026, 10, 22, 6, 21, 10).getTime();

const line = (message: string, program = "sshd[1234]"): string =>
  `Nov 22 06:21:10 web01 ${program}: ${message}`;
const parse = (message: string): AuthEvent | null => parseAuthLine(line(message), NOW);

const fixtureEvents = (name: string, now: Date): AuthEvent[] =>
  authLogLines(name)
    .map((l) => parseAuthLine(l, now))
    .filter((e): e is AuthEvent => e !== null);

describe("parseAuthLine messages", () => {
  it.each([
    ["Failed password for root from 203.0.113.5 port 52814 ssh2", "203.0.113.5", "root"],
    ["Failed password for invalid user admin from 2001:db8::5 port 52814 ssh2", "2001:db8::5", "admin"],
    [
      "Failed publickey for git from 198.51.100.3 port 37288 ssh2: RSA SHA256:b3Xv0aJ1mQ9rV8o2cYy5Lr7nWd1fTg6hKk2pZ4sEe0A",
      "198.51.100.3",
      "git",
    ],
    ["Failed keyboard-interactive/pam for root from 203.0.113.5 port 1 ssh2", "203.0.113.5", "root"],
    ["Failed none for invalid user  from 203.0.113.5 port 1 ssh2", "203.0.113.5", ""],
    ["Failed password for invalid from 203.0.113.5 port 1 ssh2", "203.0.113.5", "invalid"],
  ])("failed: %s", (message, ip, user) => {
    expect(parse(message)).toEqual({ time: T, ip, user, kind: "failed", pid: 1234 });
  });

  it.each([
    ["Invalid user admin from 203.0.113.5 port 40000", "admin"],
    ["Invalid user admin from 203.0.113.5", "admin"],
    ["Invalid user  from 203.0.113.5 port 40000", ""],
  ])("invalid_user: %s", (message, user) => {
    expect(parse(message)).toEqual({ time: T, ip: "203.0.113.5", user, kind: "invalid_user", pid: 1234 });
  });

  it("pam authentication failure, with and without user=, any pam module", () => {
    const base = "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5";
    expect(parse(`pam_unix(sshd:auth): ${base}  user=root`)).toEqual({
      time: T,
      ip: "203.0.113.5",
      user: "root",
      kind: "pam_failure",
      pid: 1234,
    });
    expect(parse(`pam_unix(sshd:auth): ${base}`)?.user).toBeNull();
    expect(parse(`pam_sss(sshd:auth): ${base}  user=alice`)?.user).toBe("alice");
  });

  it("skips pam failures whose rhost is a host name, and other pam lines", () => {
    expect(
      parse(
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=scanner.example.net  user=root",
      ),
    ).toBeNull();
    expect(parse("pam_unix(sshd:auth): check pass; user unknown")).toBeNull();
    expect(parse("pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)")).toBeNull();
  });

  it.each([
    [
      "error: maximum authentication attempts exceeded for root from 203.0.113.5 port 22 ssh2 [preauth]",
      "root",
    ],
    [
      "error: maximum authentication attempts exceeded for invalid user bob from 203.0.113.5 port 22 ssh2 [preauth]",
      "bob",
    ],
  ])("max_attempts: %s", (message, user) => {
    expect(parse(message)).toEqual({ time: T, ip: "203.0.113.5", user, kind: "max_attempts", pid: 1234 });
  });

  it.each([
    ["Connection closed by authenticating user root 203.0.113.5 port 22 [preauth]", "root"],
    ["Connection closed by invalid user bob 203.0.113.5 port 22 [preauth]", "bob"],
    ["Connection reset by authenticating user root 203.0.113.5 port 22 [preauth]", "root"],
    ["Disconnected from authenticating user root 203.0.113.5 port 22 [preauth]", "root"],
    ["Disconnected from invalid user bob 203.0.113.5 port 22 [preauth]", "bob"],
  ])("closed_preauth: %s", (message, user) => {
    expect(parse(message)).toEqual({ time: T, ip: "203.0.113.5", user, kind: "closed_preauth", pid: 1234 });
  });

  it.each([
    "Accepted publickey for deploy from 198.51.100.20 port 50122 ssh2: ED25519 SHA256:Xq1b0m4oV8Yl3Gx9yKkTqP2kz0",
    "Accepted password for deploy from 198.51.100.20 port 50210 ssh2",
    "Connection closed by 192.0.2.45 port 40100 [preauth]",
    "Disconnected from user deploy 198.51.100.20 port 50122",
    "Received disconnect from 198.51.100.77 port 40022:11: Bye Bye [preauth]",
    "error: kex_exchange_identification: Connection closed by remote host",
    "PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root",
    "Server listening on 0.0.0.0 port 22.",
    "Failed password for root from not-an-ip port 22 ssh2",
  ])("ignores %s", (message) => {
    expect(parse(message)).toBeNull();
  });

  it("reads rsyslog's 'message repeated N times' as N lines", () => {
    expect(
      parse("message repeated 2 times: [ Failed password for root from 203.0.113.9 port 60022 ssh2]"),
    ).toEqual({ time: T, ip: "203.0.113.9", user: "root", kind: "failed", pid: 1234, repeat: 2 });
  });
});

describe("parseAuthLine programs", () => {
  const message = "Failed password for root from 203.0.113.5 port 52814 ssh2";

  it("accepts sshd, sshd-session and sshd-auth, with or without a pid", () => {
    expect(parseAuthLine(line(message, "sshd-session[3322]"), NOW)?.pid).toBe(3322);
    expect(parseAuthLine(line(message, "sshd-auth[3330]"), NOW)?.pid).toBe(3330);
    const noPid = parseAuthLine(line(message, "sshd"), NOW);
    expect(noPid?.pid).toBeNull();
    expect(noPid?.ip).toBe("203.0.113.5");
  });

  it("ignores other programs, even when they mention sshd", () => {
    expect(parseAuthLine(line(message, "sshd-sessionx[1]"), NOW)).toBeNull();
    expect(parseAuthLine(line(message, "mysshd[1]"), NOW)).toBeNull();
    expect(parseAuthLine(line(message, "CRON[41230]"), NOW)).toBeNull();
    expect(
      parseAuthLine(
        "Nov 22 06:20:51 web01 sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl reload sshd",
        NOW,
      ),
    ).toBeNull();
    expect(parseAuthLine("", NOW)).toBeNull();
    expect(
      parseAuthLine("garbage sshd[1]: Failed password for root from 1.2.3.4 port 1 ssh2", NOW),
    ).toBeNull();
  });
});

describe("parseAuthLine timestamps", () => {
  const msg = "sshd[7]: Failed password for root from 203.0.113.5 port 1 ssh2";

  it("reads classic syslog time as local time in now's year", () => {
    expect(parseAuthLine(`Nov 22 06:21:10 h ${msg}`, NOW)?.time).toBe(T);
    expect(parseAuthLine(`Jan  1 00:00:05 h ${msg}`, NOW)?.time).toBe(
      new Date(2026, 0, 1, 0, 0, 5).getTime(),
    );
  });

  it("takes the previous year for a date more than a day ahead (Dec 31 read on Jan 1)", () => {
    const jan1 = new Date(2027, 0, 1, 0, 1, 0);
    expect(parseAuthLine(`Dec 31 23:59:58 h ${msg}`, jan1)?.time).toBe(
      new Date(2026, 11, 31, 23, 59, 58).getTime(),
    );
    expect(parseAuthLine(`Jan  1 00:00:05 h ${msg}`, jan1)?.time).toBe(
      new Date(2027, 0, 1, 0, 0, 5).getTime(),
    );
    // Less than a day ahead (clock skew) stays in this year.
    expect(parseAuthLine(`Jan  1 12:00:00 h ${msg}`, jan1)?.time).toBe(new Date(2027, 0, 1, 12).getTime());
  });

  it("reads RFC 3339 with fraction and offset, or Z", () => {
    expect(parseAuthLine(`2026-11-22T06:21:10.123456+00:00 h ${msg}`, NOW)?.time).toBe(
      Date.UTC(2026, 10, 22, 6, 21, 10, 123),
    );
    expect(parseAuthLine(`2026-11-22T07:21:10.5+01:00 h ${msg}`, NOW)?.time).toBe(
      Date.UTC(2026, 10, 22, 6, 21, 10, 500),
    );
    expect(parseAuthLine(`2026-11-22T01:21:10-05:00 h ${msg}`, NOW)?.time).toBe(
      Date.UTC(2026, 10, 22, 6, 21, 10),
    );
    expect(parseAuthLine(`2026-11-22T06:21:10Z h ${msg}`, NOW)?.time).toBe(Date.UTC(2026, 10, 22, 6, 21, 10));
    expect(parseAuthLine(`2026-11-22 06:21:10 h ${msg}`, NOW)).toBeNull();
  });
});

describe("normalizeIp", () => {
  it("validates and folds IPv4-mapped IPv6", () => {
    expect(normalizeIp("203.0.113.5")).toBe("203.0.113.5");
    expect(normalizeIp("::ffff:203.0.113.50")).toBe("203.0.113.50");
    expect(normalizeIp("::FFFF:203.0.113.50")).toBe("203.0.113.50");
    expect(normalizeIp("2001:DB8::5")).toBe("2001:db8::5");
    expect(normalizeIp("example.net")).toBeNull();
    expect(normalizeIp("999.1.1.1")).toBeNull();
  });
});

describe("parseSshdMessage", () => {
  it("parses a message without a syslog header (journald)", () => {
    expect(parseSshdMessage("Invalid user admin from 203.0.113.5 port 40000", 42, null)).toEqual({
      time: 42,
      ip: "203.0.113.5",
      user: "admin",
      kind: "invalid_user",
      pid: null,
    });
  });
});

describe("fixtures", () => {
  it("Debian auth.log: only sshd failure lines", () => {
    const events = fixtureEvents("debian-auth.log", NOW);
    const kinds = new Map<string, number>();
    for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual({
      pam_failure: 10,
      failed: 19,
      max_attempts: 1,
      closed_preauth: 12,
      invalid_user: 5,
    });
    expect(events.some((e) => e.ip === "198.51.100.20" && e.kind !== "failed")).toBe(false);
    expect(events.some((e) => e.ip === "192.0.2.45")).toBe(false);
  });

  it("Debian 12 RFC 3339 file", () => {
    const events = fixtureEvents("debian12-rfc3339-auth.log", NOW);
    expect(events).toHaveLength(10);
    expect(events[0]).toEqual({
      time: Date.UTC(2026, 10, 22, 6, 12, 44, 102),
      ip: "203.0.113.61",
      user: "guest",
      kind: "invalid_user",
      pid: 20140,
    });
  });

  it("RHEL secure", () => {
    const events = fixtureEvents("rhel-secure", NOW);
    expect(events.map((e) => e.ip)).not.toContain("192.0.2.200");
    expect(events.filter((e) => e.kind === "failed")).toHaveLength(6);
  });

  it("IPv6 sources and mapped addresses", () => {
    const ips = new Set(fixtureEvents("ipv6-auth.log", NOW).map((e) => e.ip));
    expect([...ips].sort()).toEqual(["2001:db8:0:1::23", "2001:db8::5", "203.0.113.50"]);
  });

  it("OpenSSH 9.8 sshd-session / sshd-auth lines", () => {
    const events = fixtureEvents("openssh98-auth.log", NOW);
    expect(events.map((e) => e.pid)).toEqual([3310, 3310, 3310, 3310, 3322, 3322, 3322, 3330]);
  });
});

describe("AuthLineParser", () => {
  const msg = "sshd[7]: Failed password for root from 203.0.113.5 port 1 ssh2";
  const FIXTURES = [
    "debian-auth.log",
    "debian12-rfc3339-auth.log",
    "rhel-secure",
    "ipv6-auth.log",
    "openssh98-auth.log",
    "year-rollover-auth.log",
  ];

  it.each(FIXTURES)("parses %s as a stream as it does line by line", (name) => {
    for (const now of [NOW, new Date(2027, 0, 1, 0, 1, 0)]) {
      const parser = new AuthLineParser();
      const lines = authLogLines(name);
      expect(lines.map((l) => parser.parse(l, now))).toEqual(lines.map((l) => parseAuthLine(l, now)));
    }
  });

  it("does not carry a cached minute over into another year", () => {
    const parser = new AuthLineParser();
    const line = `Jan  1 00:00:05 h ${msg}`;
    expect(parser.parse(line, NOW)?.time).toBe(new Date(2026, 0, 1, 0, 0, 5).getTime());
    expect(parser.parse(line, new Date(2027, 0, 1, 0, 1, 0))?.time).toBe(
      new Date(2027, 0, 1, 0, 0, 5).getTime(),
    );
  });

  it("stays right over many more addresses than it remembers", () => {
    const parser = new AuthLineParser();
    const ipAt = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const ips = Array.from({ length: 6000 }, (_, i) => ipAt(i));
    const failedFrom = (ip: string): string => line(`Failed password for root from ${ip} port 1 ssh2`);
    for (let pass = 0; pass < 2; pass++) {
      expect(ips.map((ip) => parser.parse(failedFrom(ip), NOW)?.ip)).toEqual(ips);
    }
    expect(parser.parse(line("Invalid user x from ::FFFF:203.0.113.50 port 1"), NOW)?.ip).toBe(
      "203.0.113.50",
    );
    expect(parser.parse(line("Invalid user x from 999.1.1.1 port 1"), NOW)).toBeNull();
  });
});
