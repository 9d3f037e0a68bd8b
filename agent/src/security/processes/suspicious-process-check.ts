import { readdirSync, readlinkSync, statSync } from "node:fs";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { HostPaths } from "../../metrics/family.js";
import { UserNames } from "../../metrics/passwd.js";
import { parsePidStat } from "../../metrics/pid-stat.js";
import { isMissingFileError, readProcRecord } from "../../metrics/read.js";
import type { SuspiciousProcess } from "../../../../common/src/contract/protocol.js";
import type { CheckResult } from "../check-result.js";
import { PF_EXITING, classifyExe, isKernelThread, normaliseDirs, parseStatFlags } from "./exe-classifier.js";
import type { ExeVerdict } from "./exe-classifier.js";
import { DEFAULT_IGNORE_EXE, exeMatcher } from "./ignore-exe.js";

export const SUSPICIOUS_PROCESSES_CHECK = "suspicious_processes";

const PIDS_PER_YIELD = 200;
/**
 * A pid known to be a kernel thread has its stat record re-read only every this many runs
 * (staggered by pid), not each time its exe link is missing: hosts with many CPUs have
 * hundreds of kernel threads. The re-read catches a pid reused by a user-space process.
 */
const KTHREAD_RECHECK_RUNS = 12;
const PERMISSION_HINT = "no permission to read /proc/PID/exe: run as root or grant CAP_SYS_PTRACE";

export interface SuspiciousProcessOptions {
  /** Folders an executable must not run from, e.g. ["/tmp", "/var/tmp", "/dev/shm"]. */
  suspiciousDirs: string[];
  /** /proc/PID/exe targets that are no finding (`security.ignore_exe`, see ignore-exe.ts). Default DEFAULT_IGNORE_EXE. */
  ignoreExe?: readonly string[];
  /** Owner of a process; default: the uid of its /proc/PID directory. Throws ENOENT when it has exited. */
  uidOf?: (pid: number) => number;
  /** The agent's own pid, never reported. Default process.pid. */
  selfPid?: number;
  /** readlink(2) of /proc/PID/exe; tests inject EACCES. Default fs.readlinkSync. */
  readlink?: (path: string) => string;
}

/** What one /proc/PID says about itself after the stat read. */
interface StatView {
  name: string;
  state: string;
  kernelThread: boolean;
  exiting: boolean;
}

type Outcome =
  | { kind: "clean" }
  | { kind: "ignored" }
  | { kind: "kernel_thread" }
  | { kind: "gone" }
  | { kind: "denied" }
  | { kind: "failed"; code: string }
  | { kind: "finding"; name: string; exe: string; verdict: ExeVerdict };

function isStatView(value: StatView | Outcome): value is StatView {
  return !("kind" in value);
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function isPermissionError(err: unknown): boolean {
  const code = errorCode(err);
  return code === "EACCES" || code === "EPERM";
}

/**
 * Check "suspicious_processes": the target of every /proc/PID/exe. Per process it costs one
 * readlink; /proc/PID/stat is read only when the link is missing, unreadable or suspicious
 * (to tell kernel threads, zombies and exited processes from real findings, and for the name),
 * and for kernel threads seen before only every KTHREAD_RECHECK_RUNS runs.
 */
export class SuspiciousProcessCheck {
  private readonly dirs: string[];
  private readonly uidOf: (pid: number) => number;
  private readonly selfPid: number;
  private readonly readlink: (path: string) => string;
  private readonly ignored: (target: string) => boolean;
  private readonly users: UserNames;
  /** Pids seen as kernel threads in the previous run. */
  private kernelThreads = new Set<number>();
  private runs = 0;

  constructor(
    private readonly paths: HostPaths,
    options: SuspiciousProcessOptions,
  ) {
    this.dirs = normaliseDirs(options.suspiciousDirs);
    this.uidOf = options.uidOf ?? ((pid) => statSync(`${paths.proc}/${pid}`).uid);
    this.selfPid = options.selfPid ?? process.pid;
    this.readlink = options.readlink ?? ((path) => readlinkSync(path));
    this.ignored = exeMatcher(options.ignoreExe ?? DEFAULT_IGNORE_EXE);
    this.users = new UserNames(`${paths.etc}/passwd`);
  }

  async run(): Promise<CheckResult<SuspiciousProcess>> {
    let entries: string[];
    try {
      entries = readdirSync(this.paths.proc);
    } catch (err) {
      return this.unavailable(`cannot list ${this.paths.proc}: ${(err as Error).message}`);
    }
    const findings: SuspiciousProcess[] = [];
    let total = 0;
    let denied = 0;
    let ignored = 0;
    const failedCodes = new Map<string, number>();
    let scanned = 0;
    const kernelThreads = new Set<number>();

    for (const entry of entries) {
      const first = entry.charCodeAt(0);
      if (first < 48 || first > 57 || !/^\d+$/.test(entry)) continue;
      if (++scanned % PIDS_PER_YIELD === 0) await yieldToEventLoop();
      const pid = Number(entry);
      if (pid === this.selfPid) continue;
      const outcome = this.inspect(pid, entry);
      if (outcome.kind === "gone") continue;
      if (outcome.kind === "kernel_thread") {
        kernelThreads.add(pid);
      } else if (outcome.kind === "denied") {
        denied++;
      } else if (outcome.kind === "ignored") {
        ignored++;
      } else if (outcome.kind === "failed") {
        failedCodes.set(outcome.code, (failedCodes.get(outcome.code) ?? 0) + 1);
      } else if (outcome.kind === "finding") {
        const user = this.userOf(pid);
        if (user === null) continue; // exited meanwhile
        findings.push({
          pid,
          name: outcome.name,
          user,
          exe: outcome.exe,
          reason: outcome.verdict.reason,
          severity: outcome.verdict.severity,
        });
      }
      total++;
    }

    this.kernelThreads = kernelThreads;
    this.runs++;

    const failed = [...failedCodes.values()].reduce((a, b) => a + b, 0);
    const inspected = total - denied - failed;
    if (total === 0) return this.unavailable(`no processes found in ${this.paths.proc}`);
    const reasons: string[] = [];
    const notes = ignored > 0 ? `; ${ignored} matched security.ignore_exe` : "";
    if (denied > 0) reasons.push(`${denied} could not be inspected (${PERMISSION_HINT})`);
    if (failed > 0) {
      const codes = [...failedCodes.entries()].map(([code, n]) => `${code} ×${n}`).join(", ");
      reasons.push(`${failed} could not be read (${codes})`);
    }
    if (inspected === 0) {
      return this.unavailable(
        failed === 0
          ? `could not inspect any of ${total} processes (${PERMISSION_HINT})`
          : `none of ${total} processes could be inspected: ${reasons.join("; ")}`,
      );
    }
    const detail =
      reasons.length === 0
        ? `inspected ${total} processes${notes}`
        : `inspected ${inspected} of ${total} processes${notes}; ${reasons.join("; ")}`;
    return { check: { name: SUSPICIOUS_PROCESSES_CHECK, available: true, detail }, findings };
  }

  /** The owner's name (uid as text when passwd does not know it); null when the process has exited. */
  private userOf(pid: number): string | null {
    let uid: number;
    try {
      uid = this.uidOf(pid);
    } catch (err) {
      if (isMissingFileError(err)) return null;
      return "unknown";
    }
    // passwd is looked at (a stat, re-read only when it changed) only when a finding needs a name.
    this.users.refresh();
    return this.users.nameOf(uid);
  }

  private inspect(pid: number, entry: string): Outcome {
    const dir = `${this.paths.proc}/${entry}`;
    let target: string | null;
    let linkError: unknown = null;
    try {
      target = this.readlink(`${dir}/exe`);
    } catch (err) {
      target = null;
      linkError = err;
    }
    if (target !== null) {
      const verdict = classifyExe(target, this.dirs);
      if (verdict === null) return { kind: "clean" };
      if (this.ignored(target)) return { kind: "ignored" };
      const stat = this.readStat(dir, pid);
      if (!isStatView(stat)) return stat;
      return { kind: "finding", name: stat.name, exe: target, verdict };
    }

    // The link is missing or unreadable: the stat record tells a kernel thread, a zombie or an
    // exited process from a user-space process without an executable.
    if (errorCode(linkError) === "ESRCH") return { kind: "gone" };
    if (this.kernelThreads.has(pid) && (this.runs + pid) % KTHREAD_RECHECK_RUNS !== 0) {
      return { kind: "kernel_thread" };
    }
    const stat = this.readStat(dir, pid);
    if (!isStatView(stat)) return stat;
    if (stat.kernelThread) return { kind: "kernel_thread" };
    if (stat.state === "Z" || stat.state === "X") return { kind: "clean" };
    if (isMissingFileError(linkError)) {
      // An exiting process loses its exe link before it turns into a zombie.
      if (stat.exiting) return { kind: "gone" };
      return {
        kind: "finding",
        name: stat.name,
        exe: "",
        verdict: { reason: "no_exe", severity: "critical" },
      };
    }
    if (isPermissionError(linkError)) return { kind: "denied" };
    return { kind: "failed", code: errorCode(linkError) ?? String(linkError) };
  }

  /** The stat record, or why it cannot be had: "gone" when the process has exited. */
  private readStat(
    dir: string,
    pid: number,
  ): StatView | Exclude<Outcome, { kind: "clean" | "ignored" | "kernel_thread" | "finding" }> {
    let text: string;
    try {
      text = readProcRecord(`${dir}/stat`);
    } catch (err) {
      if (isMissingFileError(err)) return { kind: "gone" };
      // hidepid=1 hides other users' /proc/PID files.
      if (isPermissionError(err)) return { kind: "denied" };
      return { kind: "failed", code: errorCode(err) ?? String(err) };
    }
    const stat = parsePidStat(text);
    const flags = parseStatFlags(text);
    if (stat === null || flags === null) return { kind: "failed", code: "unparsable stat" };
    return {
      name: stat.comm,
      state: stat.state,
      kernelThread: isKernelThread(pid, flags),
      exiting: (flags.flags & PF_EXITING) !== 0,
    };
  }

  private unavailable(detail: string): CheckResult<SuspiciousProcess> {
    return { check: { name: SUSPICIOUS_PROCESSES_CHECK, available: false, detail }, findings: [] };
  }
}
