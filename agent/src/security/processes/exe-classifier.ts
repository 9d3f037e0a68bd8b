import type { SuspiciousReason } from "../../../../common/src/contract/protocol.js";

/** PF_KTHREAD in the flags field of /proc/PID/stat (include/linux/sched.h). */
export const PF_KTHREAD = 0x00200000;
/** PF_EXITING: the process is tearing down; its exe link is already gone. */
export const PF_EXITING = 0x00000004;
/** kthreadd: the parent of every kernel thread. */
const KTHREADD_PID = 2;

const DELETED_SUFFIX = " (deleted)";
const MEMFD_PREFIX = "/memfd:";

export interface ExeVerdict {
  reason: SuspiciousReason;
  severity: "critical" | "warning";
}

/** Fields of /proc/PID/stat that parsePidStat (metrics/pid-stat.ts) does not return. */
export interface StatFlags {
  ppid: number;
  /** Field 9: the PF_* bits. */
  flags: number;
}

/**
 * ppid (field 4) and flags (field 9) of a /proc/PID/stat line. comm may hold spaces and ")",
 * so the fields are counted from the LAST ")", as parsePidStat does.
 */
export function parseStatFlags(text: string): StatFlags | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  // Field 3 (state) starts 2 characters after ")"; ppid is field 4, flags field 9.
  const f = text.slice(close + 2, close + 200).split(" ", 7);
  const ppid = Number(f[1]);
  const flags = Number(f[6]);
  if (f.length < 7 || !Number.isInteger(ppid) || !Number.isInteger(flags)) return null;
  return { ppid, flags };
}

/** A kernel thread: PF_KTHREAD, or kthreadd itself, or one of its children. */
export function isKernelThread(pid: number, stat: StatFlags): boolean {
  return (stat.flags & PF_KTHREAD) !== 0 || pid === KTHREADD_PID || stat.ppid === KTHREADD_PID;
}

/** "/tmp/", "/tmp//" → "/tmp"; "/" stays "/"; blank entries are dropped. */
export function normaliseDirs(dirs: ReadonlyArray<string>): string[] {
  const out = new Set<string>();
  for (const dir of dirs) {
    const trimmed = dir.trim();
    if (trimmed === "") continue;
    const stripped = trimmed.replace(/\/+$/, "");
    out.add(stripped === "" ? "/" : stripped);
  }
  return [...out];
}

/** Whether path lies in dir (a normalised folder): /tmp/x is in /tmp, /tmpfoo/x is not. */
export function isUnder(path: string, dir: string): boolean {
  if (dir === "/") return path.startsWith("/");
  return path.length > dir.length && path.startsWith(dir) && path.charCodeAt(dir.length) === 47; /* "/" */
}

/**
 * Verdict on the target of /proc/PID/exe, or null when it looks normal. Deleted and memfd
 * executables are recognised before the folder test: "/tmp/x (deleted)" is deleted_exe.
 *
 * @param dirs suspicious folders, already normalised (normaliseDirs)
 */
export function classifyExe(target: string, dirs: ReadonlyArray<string>): ExeVerdict | null {
  if (target.startsWith(MEMFD_PREFIX)) return { reason: "memfd_exec", severity: "warning" };
  if (target.endsWith(DELETED_SUFFIX)) return { reason: "deleted_exe", severity: "critical" };
  for (const dir of dirs) {
    if (isUnder(target, dir)) return { reason: "suspicious_dir", severity: "critical" };
  }
  return null;
}
