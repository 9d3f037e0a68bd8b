import { mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { setImmediate as onImmediate } from "node:timers";
import { afterEach, describe, expect, it } from "vitest";
import {
  SECURITY_PROC,
  copySecurityProc,
  errnoError,
  fixtureUidOf,
} from "../../../test/fixtures/security-proc/fixture.js";
import type { SecurityProcCopy } from "../../../test/fixtures/security-proc/fixture.js";
import { SuspiciousProcessCheck } from "./suspicious-process-check.js";

const DIRS = ["/tmp", "/var/tmp/", "/dev/shm"];
/** The fixture's "agent" runs from /dev/shm: excluded as selfPid. */
const AGENT_PID = 4000;
/** Processes in the fixture other than the agent. */
const FIXTURE_PROCESSES = 19;

/** readlink throwing `code` for the chosen pids, the real one otherwise. */
function readlinkFailingFor(pids: ReadonlyArray<number>, code = "EACCES"): (path: string) => string {
  return (path) => {
    const pid = Number(/\/(\d+)\/exe$/.exec(path)?.[1]);
    if (pids.includes(pid)) throw errnoError(code, path);
    return readlinkSync(path);
  };
}

function statLine(pid: number, comm: string, state: string, ppid: number, flags: number): string {
  return `${pid} (${comm}) ${state} ${ppid} ${pid} ${pid} 0 -1 ${flags} 167 0 0 0 74 75 0 0 20 0 1 0 90000 15826944 1401 18446744073709551615 0 0 0 0 0 0 0 4096 0 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;
}

describe("SuspiciousProcessCheck on the fixture tree", () => {
  let copy: SecurityProcCopy | undefined;
  afterEach(() => {
    copy?.cleanup();
    copy = undefined;
  });

  it("classifies every process and leaves kernel threads, zombies, look-alike folders and itself out", async () => {
    const check = new SuspiciousProcessCheck(SECURITY_PROC, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
    });
    const result = await check.run();
    expect(result.check).toEqual({
      name: "suspicious_processes",
      available: true,
      detail: `inspected ${FIXTURE_PROCESSES} processes`,
    });
    expect(result.findings.sort((a, b) => a.pid - b.pid)).toEqual([
      {
        pid: 1500,
        name: "kdevtmpfsi",
        user: "alice",
        exe: "/tmp/.x/miner",
        reason: "suspicious_dir",
        severity: "critical",
      },
      {
        pid: 1600,
        name: "python3",
        user: "root",
        exe: "/usr/bin/python3.11 (deleted)",
        reason: "deleted_exe",
        severity: "critical",
      },
      {
        pid: 1700,
        name: "wine-preloader",
        user: "alice",
        exe: "/memfd:wine-preloader (deleted)",
        reason: "memfd_exec",
        severity: "warning",
      },
      // A user-space process (no PF_KTHREAD, parent not kthreadd, not a zombie) without exe link;
      // uid 1001 is not in passwd.
      { pid: 1900, name: "hidden", user: "1001", exe: "", reason: "no_exe", severity: "critical" },
      // A deleted binary from /tmp is deleted_exe: the deletion is checked first.
      {
        pid: 2000,
        name: "payload",
        user: "alice",
        exe: "/tmp/payload (deleted)",
        reason: "deleted_exe",
        severity: "critical",
      },
      // "/var/tmp/" in the options matches /var/tmp/cryptod.
      {
        pid: 2200,
        name: "cryptod",
        user: "www-data",
        exe: "/var/tmp/cryptod",
        reason: "suspicious_dir",
        severity: "critical",
      },
    ]);
  });

  it("reports the agent's own process only when it is not selfPid", async () => {
    const other = new SuspiciousProcessCheck(SECURITY_PROC, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: -1,
    });
    const result = await other.run();
    expect(result.findings.find((f) => f.pid === AGENT_PID)).toMatchObject({
      name: "hostwatch-agent",
      exe: "/dev/shm/hostwatch-agent",
      reason: "suspicious_dir",
    });
    expect(result.check.detail).toBe(`inspected ${FIXTURE_PROCESSES + 1} processes`);
  });

  it("counts processes whose exe link it may not read, and says how to fix it", async () => {
    // An unprivileged agent: other users' processes, kernel threads and zombies all answer EACCES.
    const check = new SuspiciousProcessCheck(SECURITY_PROC, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
      readlink: readlinkFailingFor([1, 2, 15, 77, 700, 800, 801, 900, 1600, 1800]),
    });
    const result = await check.run();
    // The kernel threads (2, 15, 77) and the zombie (1800) are known from their stat record.
    expect(result.check).toEqual({
      name: "suspicious_processes",
      available: true,
      detail:
        "inspected 13 of 19 processes; 6 could not be inspected " +
        "(no permission to read /proc/PID/exe: run as root or grant CAP_SYS_PTRACE)",
    });
    expect(result.findings.map((f) => f.pid).sort((a, b) => a - b)).toEqual([1500, 1700, 1900, 2000, 2200]);
  });

  it("is unavailable when no process at all could be inspected", async () => {
    const allDenied = (path: string): string => {
      throw errnoError("EACCES", path);
    };
    // Kernel threads and the zombie are still judged from their stat record.
    const withKernelThreads = new SuspiciousProcessCheck(SECURITY_PROC, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
      readlink: allDenied,
    });
    expect((await withKernelThreads.run()).check).toMatchObject({
      available: true,
      detail: expect.stringMatching(/^inspected 4 of 19 processes; 15 could not be inspected/),
    });

    copy = copySecurityProc();
    for (const pid of [2, 15, 77, 1800]) rmSync(`${copy.paths.proc}/${pid}`, { recursive: true });
    const check = new SuspiciousProcessCheck(copy.paths, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
      readlink: allDenied,
    });
    const result = await check.run();
    expect(result.check).toEqual({
      name: "suspicious_processes",
      available: false,
      detail:
        "could not inspect any of 15 processes " +
        "(no permission to read /proc/PID/exe: run as root or grant CAP_SYS_PTRACE)",
    });
    expect(result.findings).toEqual([]);
  });

  it("counts other readlink errors separately", async () => {
    const check = new SuspiciousProcessCheck(SECURITY_PROC, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
      readlink: readlinkFailingFor([800], "EIO"),
    });
    expect((await check.run()).check.detail).toBe(
      "inspected 18 of 19 processes; 1 could not be read (EIO ×1)",
    );
  });

  it("skips processes that vanish mid-scan instead of reporting no_exe", async () => {
    copy = copySecurityProc();
    const { proc } = copy.paths;
    // Listed by readdir, then gone: neither exe nor stat.
    mkdirSync(`${proc}/5000`);
    // The exe link was read (/tmp!), then the process exited before its stat was read.
    mkdirSync(`${proc}/5001`);
    symlinkSync("/tmp/gone", `${proc}/5001/exe`);
    // Exiting: the exe link is gone, the stat record still says R with PF_EXITING.
    mkdirSync(`${proc}/5002`);
    writeFileSync(`${proc}/5002/stat`, statLine(5002, "worker", "R", 1, 0x400004));
    // Still there for stat, but its /proc/PID directory is gone when the owner is looked up.
    mkdirSync(`${proc}/5003`);
    symlinkSync("/tmp/late", `${proc}/5003/exe`);
    writeFileSync(`${proc}/5003/stat`, statLine(5003, "late", "S", 1, 0x400000));
    const check = new SuspiciousProcessCheck(copy.paths, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
      // 1900 (no exe link) answers ESRCH: the process went away while the link was read.
      readlink: readlinkFailingFor([1900], "ESRCH"),
    });
    const result = await check.run();
    expect(result.check.detail).toBe(`inspected ${FIXTURE_PROCESSES - 1} processes`);
    const pids = result.findings.map((f) => f.pid);
    expect(pids).not.toContain(1900);
    for (const pid of [5000, 5001, 5002, 5003]) expect(pids).not.toContain(pid);
  });

  it("treats a child of kthreadd and a PF_KTHREAD process as kernel threads even without the other sign", async () => {
    copy = copySecurityProc();
    const { proc } = copy.paths;
    mkdirSync(`${proc}/5010`);
    writeFileSync(`${proc}/5010/stat`, statLine(5010, "kthread-child", "S", 2, 0x400000));
    mkdirSync(`${proc}/5011`);
    writeFileSync(`${proc}/5011/stat`, statLine(5011, "kthread-flag", "S", 0, 0x200040));
    mkdirSync(`${proc}/5012`);
    writeFileSync(`${proc}/5012/stat`, statLine(5012, "dead", "Z", 1, 0x400000));
    const check = new SuspiciousProcessCheck(copy.paths, {
      suspiciousDirs: DIRS,
      uidOf: (pid) => (pid >= 5010 ? 0 : fixtureUidOf(pid)),
      selfPid: AGENT_PID,
    });
    const pids = (await check.run()).findings.map((f) => f.pid);
    expect(pids).not.toContain(5010);
    expect(pids).not.toContain(5011);
    expect(pids).not.toContain(5012);
  });

  it("re-reads the stat record of a known kernel thread only every 12 runs", async () => {
    copy = copySecurityProc();
    const check = new SuspiciousProcessCheck(copy.paths, {
      suspiciousDirs: DIRS,
      uidOf: (pid) => (pid === 15 ? 0 : fixtureUidOf(pid)),
      selfPid: AGENT_PID,
    });
    expect((await check.run()).findings.map((f) => f.pid)).not.toContain(15);
    // kworker 15 exits and a user-space process without exe link gets its pid.
    writeFileSync(`${copy.paths.proc}/15/stat`, statLine(15, "reused", "S", 1, 0x400000));
    const runsUntilFound: number[] = [];
    for (let run = 2; run <= 13; run++) {
      if ((await check.run()).findings.some((f) => f.pid === 15 && f.reason === "no_exe"))
        runsUntilFound.push(run);
    }
    // Rechecked when (runs so far + pid) % 12 === 0: the 10th run; from then on it is no kernel thread.
    expect(runsUntilFound).toEqual([10, 11, 12, 13]);
  });

  it("reads a process's stat record only when its exe link is missing, unreadable or suspicious", async () => {
    copy = copySecurityProc();
    // Garbage in every clean process's stat: never read, so never noticed.
    for (const pid of [1, 700, 800, 801, 900, 2100, 5100, 6001, 6002]) {
      writeFileSync(`${copy.paths.proc}/${pid}/stat`, "garbage");
    }
    const check = new SuspiciousProcessCheck(copy.paths, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
    });
    const result = await check.run();
    expect(result.check.detail).toBe(`inspected ${FIXTURE_PROCESSES} processes`);
    expect(result.findings).toHaveLength(6);
    // …whereas an unparsable stat of a process that needs it is reported.
    writeFileSync(`${copy.paths.proc}/1500/stat`, "garbage");
    expect((await check.run()).check.detail).toBe(
      `inspected ${FIXTURE_PROCESSES - 1} of ${FIXTURE_PROCESSES} processes; 1 could not be read (unparsable stat ×1)`,
    );
  });

  it("yields to the event loop while scanning many processes", async () => {
    copy = copySecurityProc();
    const stat = readFileSync(`${copy.paths.proc}/800/stat`, "latin1");
    for (let pid = 10_000; pid < 10_200; pid++) {
      mkdirSync(`${copy.paths.proc}/${pid}`);
      symlinkSync("/usr/bin/sleep", `${copy.paths.proc}/${pid}/exe`);
      writeFileSync(`${copy.paths.proc}/${pid}/stat`, stat.replace(/^800 /, `${pid} `));
    }
    const check = new SuspiciousProcessCheck(copy.paths, {
      suspiciousDirs: DIRS,
      uidOf: fixtureUidOf,
      selfPid: AGENT_PID,
    });
    let ranMeanwhile = false;
    onImmediate(() => {
      ranMeanwhile = true;
    });
    // Without a yield, run() settles in microtasks, before any immediate callback.
    const running = check.run();
    const result = await running;
    expect(ranMeanwhile).toBe(true);
    expect(result.check.detail).toBe(`inspected ${FIXTURE_PROCESSES + 200} processes`);
  });

  it("is unavailable when the proc folder cannot be listed or holds no process", async () => {
    const missing = new SuspiciousProcessCheck(
      { proc: "/nonexistent/proc", sys: "/nonexistent/sys", etc: "/nonexistent/etc" },
      { suspiciousDirs: DIRS },
    );
    const result = await missing.run();
    expect(result.check.available).toBe(false);
    expect(result.check.detail).toMatch(/^cannot list \/nonexistent\/proc: ENOENT/);

    copy = copySecurityProc();
    const empty = new SuspiciousProcessCheck(
      { ...copy.paths, proc: `${copy.paths.proc}/net` },
      { suspiciousDirs: DIRS },
    );
    expect((await empty.run()).check).toMatchObject({
      available: false,
      detail: expect.stringMatching(/^no processes found/),
    });
  });
});
