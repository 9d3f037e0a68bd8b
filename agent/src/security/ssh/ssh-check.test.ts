import { appendFileSync, chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authLogPath } from "../../../test/fixtures/auth-logs/auth-logs.js";
import { fakeJournalctl, journalScript } from "../../../test/fixtures/auth-logs/fake-journalctl.js";
import { SshBruteForceCheck } from "./ssh-check.js";
import type { SshBruteForceOptions } from "./ssh-check.js";

const NOW = new Date(2026, 10, 22, 6, 45, 0).getTime();

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number): string => String(n).padStart(2, "0");
/** Classic syslog time of `ms`, in local time as syslog writes it. */
const stamp = (ms: number): string => {
  const d = new Date(ms);
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
};

let dir: string;
let authLog: string;
let secure: string;
const checks: SshBruteForceCheck[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ssh-check-"));
  authLog = join(dir, "auth.log");
  secure = join(dir, "secure");
});
afterEach(() => {
  for (const c of checks.splice(0)) c.close();
  rmSync(dir, { recursive: true, force: true });
});

function check(options: Partial<SshBruteForceOptions> = {}): SshBruteForceCheck {
  const c = new SshBruteForceCheck({
    logPaths: [authLog, secure],
    windowS: 3600,
    threshold: 10,
    now: () => NOW,
    journalctl: null,
    ...options,
  });
  checks.push(c);
  return c;
}

describe("SshBruteForceCheck", () => {
  it("is unavailable without an auth log or journalctl", async () => {
    const { result, logins } = await check().run();
    expect(result).toEqual({
      check: {
        name: "ssh_brute_force",
        available: false,
        detail: `no auth log at ${authLog}, ${secure} and no journalctl`,
      },
      findings: [],
    });
    expect(logins).toEqual({ window_s: 3600, total: 0, sources: [] });
  });

  it("reports sources at or above the threshold as findings and the top sources as logins", async () => {
    copyFileSync(authLogPath("debian-auth.log"), authLog);
    const { result, logins } = await check().run();
    expect(result.check).toEqual({ name: "ssh_brute_force", available: true, detail: `reading ${authLog}` });
    expect(result.findings).toEqual([{ ip: "203.0.113.5", count: 10, users: ["root"] }]);
    expect(logins.window_s).toBe(3600);
    expect(logins.total).toBe(21);
    expect(logins.sources.map((s) => [s.ip, s.count])).toEqual([
      ["203.0.113.5", 10],
      ["198.51.100.77", 5],
      ["203.0.113.9", 3],
      ["192.0.2.44", 1],
      ["192.0.2.99", 1],
      ["198.51.100.20", 1],
    ]);
  });

  it("reads /var/log/secure when there is no auth.log", async () => {
    copyFileSync(authLogPath("rhel-secure"), secure);
    const { result, logins } = await check({ threshold: 4 }).run();
    expect(result.check.detail).toBe(`reading ${secure}`);
    expect(result.findings).toEqual([{ ip: "192.0.2.7", count: 4, users: ["root", "test"] }]);
    expect(logins.total).toBe(6);
  });

  it("counts appended lines once, and forgets them when they leave the window", async () => {
    writeFileSync(authLog, "");
    let now = NOW;
    const c = check({ windowS: 60, now: () => now });
    expect((await c.run()).logins.total).toBe(0);
    appendFileSync(
      authLog,
      `${stamp(now)} web01 sshd[9]: Failed password for root from 203.0.113.5 port 1 ssh2\n`,
    );
    expect((await c.run()).logins.total).toBe(1);
    expect((await c.run()).logins.total).toBe(1);
    now += 61_000;
    expect((await c.run()).logins).toEqual({ window_s: 60, total: 0, sources: [] });
  });

  it("picks up an auth log that appears later", async () => {
    const c = check();
    expect((await c.run()).result.check.available).toBe(false);
    copyFileSync(authLogPath("debian-auth.log"), authLog);
    const { result, logins } = await c.run();
    expect(result.check.available).toBe(true);
    expect(logins.total).toBe(21);
  });

  it("says so when the auth log is not readable", async () => {
    copyFileSync(authLogPath("debian-auth.log"), authLog);
    chmodSync(authLog, 0o000);
    const { result } = await check().run();
    if (process.getuid?.() === 0) {
      // Root reads a mode-000 file anyway (CAP_DAC_OVERRIDE): the check runs normally.
      expect(result.check).toEqual({
        name: "ssh_brute_force",
        available: true,
        detail: `reading ${authLog}`,
      });
    } else {
      expect(result.check).toEqual({
        name: "ssh_brute_force",
        available: false,
        detail: `cannot read ${authLog}: permission denied (add the agent's user to group adm)`,
      });
    }
  });

  it("falls back to journald only when no log file exists, and moves to a file that appears", async () => {
    const fake = fakeJournalctl(dir, journalScript());
    const now = Date.UTC(2026, 10, 22, 6, 30, 0);
    const c = check({ journalctl: fake.bin, now: () => now, threshold: 2 });

    const first = await c.run();
    expect(first.result.check).toEqual({
      name: "ssh_brute_force",
      available: true,
      detail: "reading journald (no auth log file)",
    });
    expect(first.logins.total).toBe(4);
    expect(first.result.findings).toEqual([{ ip: "203.0.113.5", count: 2, users: ["root"] }]);

    const second = await c.run();
    expect(second.logins.total).toBe(5);
    expect(fake.calls().map((args) => args.at(-1)?.split("=")[0])).toEqual(["--since", "--after-cursor"]);

    // A log file appears: its earlier lines were seen through journald already.
    writeFileSync(
      authLog,
      `${stamp(now - 60_000)} web01 sshd[1]: Failed password for root from 192.0.2.1 port 1 ssh2\n`,
    );
    const third = await c.run();
    expect(third.result.check.detail).toBe(`reading ${authLog}`);
    expect(third.logins.total).toBe(5);
    appendFileSync(
      authLog,
      `${stamp(now - 30_000)} web01 sshd[2]: Failed password for root from 192.0.2.1 port 2 ssh2\n`,
    );
    expect((await c.run()).logins.total).toBe(6);
    expect(fake.calls()).toHaveLength(2);
  });

  it("does not use journald while a configured file exists", async () => {
    const fake = fakeJournalctl(dir, journalScript());
    writeFileSync(secure, "");
    const { result } = await check({ journalctl: fake.bin }).run();
    expect(result.check.detail).toBe(`reading ${secure}`);
    expect(fake.calls()).toEqual([]);
  });

  it("is unavailable when journalctl fails", async () => {
    const fake = fakeJournalctl(dir, "echo 'Failed to get journal access: Permission denied' >&2; exit 1");
    const { result } = await check({ journalctl: fake.bin }).run();
    expect(result.check).toEqual({
      name: "ssh_brute_force",
      available: false,
      detail: "journalctl failed: Failed to get journal access: Permission denied",
    });
  });

  it("spreads a big backlog over several runs with maxBytesPerRead", async () => {
    copyFileSync(authLogPath("debian-auth.log"), authLog);
    const c = check({ maxBytesPerRead: 2048 });
    const totals: number[] = [];
    for (let i = 0; i < 8; i++) totals.push((await c.run()).logins.total);
    expect(totals[0]).toBeLessThan(21);
    expect(totals.at(-1)).toBe(21);
  });
});
