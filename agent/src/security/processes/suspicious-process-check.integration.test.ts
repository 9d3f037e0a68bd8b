import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readlinkSync, realpathSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { REAL_HOST } from "../../metrics/family.js";
import type { SuspiciousProcess } from "../../../../common/src/contract/protocol.js";
import { SuspiciousProcessCheck } from "./suspicious-process-check.js";

const SLEEP = realpathSync("/bin/sleep");

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Starts a program; retries ETXTBSY (another thread of this process may briefly hold the fresh copy open). */
async function start(program: string, args: string[]): Promise<ChildProcess> {
  for (let attempt = 0; ; attempt++) {
    const child = spawn(program, args, { stdio: "ignore" });
    const error = await new Promise<Error | null>((resolve) => {
      child.once("spawn", () => resolve(null));
      child.once("error", resolve);
    });
    if (error === null) return child;
    if ((error as NodeJS.ErrnoException).code !== "ETXTBSY" || attempt >= 20) throw error;
    await sleep(50);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await Promise.race([exited, sleep(5000)]);
}

function findingOf(findings: SuspiciousProcess[], pid: number | undefined): SuspiciousProcess | undefined {
  return findings.find((finding) => finding.pid === pid);
}

describe("SuspiciousProcessCheck on this machine's /proc", () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map(stop));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function tempDir(): string {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "hostwatch-suspicious-")));
    dirs.push(dir);
    return dir;
  }

  it("reports a program running from the temp folder, and no longer once it has exited", async () => {
    const dir = tempDir();
    const program = join(dir, "sleep");
    copyFileSync(SLEEP, program);
    const check = new SuspiciousProcessCheck(REAL_HOST, { suspiciousDirs: [realpathSync(tmpdir())] });
    const child = await start(program, ["30"]);
    children.push(child);

    const finding = await eventually("the finding", async () =>
      findingOf((await check.run()).findings, child.pid),
    );
    expect(finding).toEqual({
      pid: child.pid,
      name: "sleep",
      user: "root",
      exe: program,
      reason: "suspicious_dir",
      severity: "critical",
    });

    await stop(child);
    const result = await check.run();
    expect(findingOf(result.findings, child.pid)).toBeUndefined();
    expect(result.check.available).toBe(true);
    expect(result.check.detail).toMatch(/^inspected \d+/);
  });

  it("reports a program whose binary was deleted while it runs", async () => {
    const dir = tempDir();
    const program = join(dir, "sleep");
    copyFileSync(SLEEP, program);
    // The temp folder is not suspicious here: only the deletion is.
    const check = new SuspiciousProcessCheck(REAL_HOST, { suspiciousDirs: ["/nonexistent-suspicious-dir"] });
    const child = await start(program, ["30"]);
    children.push(child);
    // Until exec completes, /proc/PID/exe is node's.
    await eventually("the exec", async () =>
      readlinkSync(`/proc/${child.pid}/exe`) === program ? true : undefined,
    );
    expect(findingOf((await check.run()).findings, child.pid)).toBeUndefined();

    unlinkSync(program);
    const finding = await eventually("the finding", async () =>
      findingOf((await check.run()).findings, child.pid),
    );
    expect(finding).toMatchObject({
      pid: child.pid,
      name: "sleep",
      exe: `${program} (deleted)`,
      reason: "deleted_exe",
      severity: "critical",
    });
  });

  it("never reports kernel threads or itself", async () => {
    const check = new SuspiciousProcessCheck(REAL_HOST, { suspiciousDirs: ["/tmp", "/var/tmp", "/dev/shm"] });
    const { findings } = await check.run();
    expect(findingOf(findings, 2)).toBeUndefined();
    expect(findingOf(findings, process.pid)).toBeUndefined();
    // kworker and friends have no exe link: none may be a no_exe finding.
    expect(
      findings.filter((f) => f.reason === "no_exe" && /^(kworker|ksoftirqd|migration|rcu_)/.test(f.name)),
    ).toEqual([]);
  });

  it("passes over a process run from a memfd named as runc names its copy, and reports any other memfd", async () => {
    // What runc does (libcontainer/nsenter): copy its binary into a memfd and execute that.
    const fromMemfd = (name: string) =>
      start("python3", [
        "-c",
        "import os, sys\n" +
          "fd = os.memfd_create(sys.argv[1], 0)\n" +
          "os.write(fd, open(sys.argv[2], 'rb').read())\n" +
          "os.execv(f'/proc/self/fd/{fd}', ['sleep', '30'])",
        name,
        SLEEP,
      ]);
    const runc = await fromMemfd("runc_cloned:/proc/self/exe");
    const payload = await fromMemfd("payload");
    children.push(runc, payload);
    const exeOf = (pid: number | undefined) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`);
      } catch {
        return undefined;
      }
    };
    await eventually("both execs", async () =>
      exeOf(runc.pid)?.startsWith("/memfd:") && exeOf(payload.pid)?.startsWith("/memfd:") ? true : undefined,
    );
    expect(exeOf(runc.pid)).toBe("/memfd:runc_cloned:/proc/self/exe (deleted)");

    const check = new SuspiciousProcessCheck(REAL_HOST, { suspiciousDirs: ["/nonexistent-suspicious-dir"] });
    const { findings, check: status } = await check.run();
    expect(findingOf(findings, runc.pid)).toBeUndefined();
    expect(findingOf(findings, payload.pid)).toMatchObject({
      exe: "/memfd:payload (deleted)",
      reason: "memfd_exec",
      severity: "warning",
    });
    expect(status.detail).toMatch(/; \d+ matched security\.ignore_exe/);

    const strict = new SuspiciousProcessCheck(REAL_HOST, { suspiciousDirs: [], ignoreExe: [] });
    expect(findingOf((await strict.run()).findings, runc.pid)).toMatchObject({ reason: "memfd_exec" });
  });
});
