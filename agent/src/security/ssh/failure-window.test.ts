import { describe, expect, it } from "vitest";
import { authLogLines } from "../../../test/fixtures/auth-logs/auth-logs.js";
import { parseAuthLine } from "./auth-line.js";
import type { AuthEvent, AuthEventKind } from "./auth-line.js";
import { FailureWindow } from "./failure-window.js";

const T0 = Date.UTC(2026, 10, 22, 6, 0, 0);
const ev = (
  s: number,
  kind: AuthEventKind,
  pid: number | null,
  ip = "203.0.113.5",
  user: string | null = "root",
): AuthEvent => ({ time: T0 + s * 1000, ip, user, kind, pid });

function windowFromFixture(name: string, now: Date, windowS = 3600): FailureWindow {
  const window = new FailureWindow({ windowS });
  for (const line of authLogLines(name)) {
    const event = parseAuthLine(line, now);
    if (event !== null) window.add(event);
  }
  return window;
}

describe("FailureWindow dedup", () => {
  it("counts one attempt logged as three lines of one connection once", () => {
    const w = new FailureWindow({ windowS: 900 });
    w.add(ev(0, "invalid_user", 100, undefined, "admin"));
    w.add(ev(0, "pam_failure", 100, undefined, null));
    w.add(ev(2, "failed", 100, undefined, "admin"));
    w.add(ev(2, "closed_preauth", 100, undefined, "admin"));
    expect(w.snapshot(T0 + 10_000)).toEqual({
      total: 1,
      sources: [{ ip: "203.0.113.5", count: 1, users: ["admin"] }],
    });
  });

  it("counts three Failed password lines of one connection three times", () => {
    const w = new FailureWindow({ windowS: 900 });
    w.add(ev(0, "pam_failure", 100));
    w.add(ev(1, "failed", 100));
    w.add(ev(2, "failed", 100));
    w.add(ev(3, "failed", 100));
    w.add(ev(3, "max_attempts", 100));
    expect(w.snapshot(T0 + 10_000).total).toBe(3);
  });

  it("keeps connections apart by pid and by ip", () => {
    const w = new FailureWindow({ windowS: 900 });
    w.add(ev(0, "invalid_user", 100));
    w.add(ev(0, "invalid_user", 101));
    w.add(ev(0, "invalid_user", 100, "198.51.100.7"));
    expect(w.snapshot(T0 + 1000).total).toBe(3);
  });

  it("counts lines without a pid one each, and repeated messages N times", () => {
    const w = new FailureWindow({ windowS: 900 });
    w.add(ev(0, "invalid_user", null));
    w.add(ev(0, "failed", null));
    w.add({ ...ev(1, "failed", 200), repeat: 1 });
    w.add({ ...ev(5, "failed", 200), repeat: 4 });
    expect(w.snapshot(T0 + 10_000).total).toBe(7);
  });

  it("treats a pid seen again after more than the window as a new connection", () => {
    const w = new FailureWindow({ windowS: 60 });
    w.add(ev(0, "failed", 100));
    w.add(ev(500, "invalid_user", 100));
    expect(w.snapshot(T0 + 500_000).total).toBe(1);
  });
});

describe("FailureWindow window and users", () => {
  it("expires events older than the window", () => {
    const w = new FailureWindow({ windowS: 60 });
    w.add(ev(0, "failed", 1));
    w.add(ev(30, "failed", 2));
    w.add(ev(59, "failed", 3, "198.51.100.7", "oracle"));
    expect(w.snapshot(T0 + 59_000).total).toBe(3);
    expect(w.snapshot(T0 + 60_000).total).toBe(3);
    expect(w.snapshot(T0 + 61_000).total).toBe(2);
    expect(w.snapshot(T0 + 91_000)).toEqual({
      total: 1,
      sources: [{ ip: "198.51.100.7", count: 1, users: ["oracle"] }],
    });
    expect(w.snapshot(T0 + 200_000)).toEqual({ total: 0, sources: [] });
  });

  it("keeps users tried in the window, sorted, bounded per IP", () => {
    const w = new FailureWindow({ windowS: 100, maxUsersPerIp: 3 });
    w.add(ev(0, "invalid_user", 1, undefined, "zed"));
    w.add(ev(10, "invalid_user", 2, undefined, "adm"));
    w.add(ev(20, "invalid_user", 3, undefined, "oracle"));
    w.add(ev(30, "invalid_user", 4, undefined, "bob"));
    expect(w.snapshot(T0 + 30_000).sources[0]?.users).toEqual(["adm", "bob", "oracle"]);
    expect(w.snapshot(T0 + 115_000).sources[0]?.users).toEqual(["bob", "oracle"]);
  });

  it("sorts sources by count then ip and totals all sources", () => {
    const w = new FailureWindow({ windowS: 900 });
    for (const [ip, n] of [
      ["203.0.113.9", 2],
      ["198.51.100.1", 5],
      ["192.0.2.1", 2],
      ["2001:db8::1", 1],
    ] as const) {
      for (let i = 0; i < n; i++) w.add(ev(i, "failed", null, ip));
    }
    expect(w.snapshot(T0 + 10_000)).toEqual({
      total: 10,
      sources: [
        { ip: "198.51.100.1", count: 5, users: ["root"] },
        { ip: "192.0.2.1", count: 2, users: ["root"] },
        { ip: "203.0.113.9", count: 2, users: ["root"] },
        { ip: "2001:db8::1", count: 1, users: ["root"] },
      ],
    });
    expect(w.sourcesAtOrAbove(2, T0 + 10_000).map((s) => s.ip)).toEqual([
      "198.51.100.1",
      "192.0.2.1",
      "203.0.113.9",
    ]);
  });

  it("accepts events out of time order", () => {
    const w = new FailureWindow({ windowS: 60 });
    w.add(ev(50, "failed", null));
    w.add(ev(10, "failed", null));
    w.add(ev(30, "failed", null));
    w.add(ev(10, "failed", null));
    expect(w.snapshot(T0 + 50_000).total).toBe(4);
    expect(w.snapshot(T0 + 80_000).total).toBe(2);
  });

  it("bounds tracked connections, dropping the oldest", () => {
    const w = new FailureWindow({ windowS: 900, maxConnections: 2 });
    w.add(ev(0, "invalid_user", 1));
    w.add(ev(0, "invalid_user", 2));
    w.add(ev(0, "invalid_user", 3));
    // Connection 1 was forgotten: its next line counts as a new connection.
    w.add(ev(1, "failed", 1));
    w.add(ev(1, "failed", 3));
    expect(w.snapshot(T0 + 2000).total).toBe(4);
  });

  it("bounds buckets per IP", () => {
    const w = new FailureWindow({ windowS: 10_000, maxBucketsPerIp: 100 });
    for (let s = 0; s < 1000; s++) w.add(ev(s, "failed", null));
    expect(w.snapshot(T0 + 1_000_000).total).toBe(100);
  });
});

describe("FailureWindow on fixtures", () => {
  it("Debian auth.log", () => {
    const now = new Date(2026, 10, 22, 6, 45, 0);
    const w = windowFromFixture("debian-auth.log", now);
    expect(w.snapshot(now.getTime())).toEqual({
      total: 21,
      sources: [
        { ip: "203.0.113.5", count: 10, users: ["root"] },
        { ip: "198.51.100.77", count: 5, users: ["admin", "oracle", "postgres", "test", "ubuntu"] },
        { ip: "203.0.113.9", count: 3, users: ["root"] },
        { ip: "192.0.2.44", count: 1, users: ["root"] },
        { ip: "192.0.2.99", count: 1, users: ["root"] },
        { ip: "198.51.100.20", count: 1, users: ["deploy"] },
      ],
    });
    expect(w.sourcesAtOrAbove(10, now.getTime()).map((s) => s.ip)).toEqual(["203.0.113.5"]);
  });

  it("Debian 12 RFC 3339 file", () => {
    const now = new Date(Date.UTC(2026, 10, 22, 6, 30));
    expect(windowFromFixture("debian12-rfc3339-auth.log", now).snapshot(now.getTime())).toEqual({
      total: 5,
      sources: [
        { ip: "203.0.113.61", count: 3, users: ["guest", "root"] },
        { ip: "198.51.100.3", count: 2, users: ["bob", "git"] },
      ],
    });
  });

  it("RHEL secure", () => {
    const now = new Date(2026, 10, 22, 6, 45, 0);
    expect(windowFromFixture("rhel-secure", now).snapshot(now.getTime())).toEqual({
      total: 6,
      sources: [
        { ip: "192.0.2.7", count: 4, users: ["root", "test"] },
        { ip: "198.51.100.14", count: 2, users: ["admin"] },
      ],
    });
  });

  it("IPv6", () => {
    const now = new Date(2026, 10, 22, 6, 45, 0);
    expect(windowFromFixture("ipv6-auth.log", now).snapshot(now.getTime())).toEqual({
      total: 4,
      sources: [
        { ip: "203.0.113.50", count: 2, users: ["root"] },
        { ip: "2001:db8:0:1::23", count: 1, users: ["admin"] },
        { ip: "2001:db8::5", count: 1, users: ["root"] },
      ],
    });
  });

  it("Dec 31 → Jan 1 lines all fall in a window read on Jan 1", () => {
    const now = new Date(2027, 0, 1, 0, 1, 0);
    expect(windowFromFixture("year-rollover-auth.log", now, 900).snapshot(now.getTime())).toEqual({
      total: 4,
      sources: [{ ip: "203.0.113.31", count: 4, users: ["newyear", "root"] }],
    });
  });

  it("OpenSSH 9.8 sshd-session", () => {
    const now = new Date(2026, 10, 22, 7, 0, 0);
    expect(windowFromFixture("openssh98-auth.log", now).snapshot(now.getTime())).toEqual({
      total: 4,
      sources: [
        { ip: "198.51.100.61", count: 3, users: ["root", "support"] },
        { ip: "198.51.100.62", count: 1, users: ["git"] },
      ],
    });
  });
});
