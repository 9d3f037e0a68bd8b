import { readdirSync, statSync } from "node:fs";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type {
  MetricsSnapshot,
  ProcessCpuEntry,
  ProcessMemoryEntry,
  ProcessMetrics,
} from "../../../common/src/contract/protocol.js";
import type { FamilyCollector, HostPaths } from "./family.js";
import { readCmdline } from "./cmdline.js";
import { parseMeminfo } from "./memory.js";
import { counterDelta, round } from "./numbers.js";
import { UserNames } from "./passwd.js";
import { parsePidStat } from "./pid-stat.js";
import { isMissingFileError, readProcRecord, readText } from "./read.js";
import { readUptime } from "./uptime.js";

const TOP_N = 5;
const PIDS_PER_YIELD = 100;

export interface ProcessesOptions {
  /** Milliseconds clock; tests inject one. Default performance.now. */
  now?: () => number;
  /** USER_HZ, the unit of /proc/PID/stat times. Default 100 (every mainstream architecture). */
  clockTicks?: number;
  /** Bytes per page for the rss field. Default 4096. */
  pageSize?: number;
  /** Owner of a process; default: the uid of its /proc/PID directory. Throws ENOENT when it has exited. */
  uidOf?: (pid: number) => number;
}

interface ProcessSample {
  pid: number;
  name: string;
  rssBytes: number;
  cpuPercent: number;
}

interface CpuBaseline {
  ticks: number;
  starttime: number;
}

function byDescending(key: (p: ProcessSample) => number): (a: ProcessSample, b: ProcessSample) => number {
  return (a, b) => key(b) - key(a) || a.pid - b.pid;
}

/**
 * Family "processes": a scan of /proc/PID/stat with top 5 by memory and by CPU, each with its
 * command line (/proc/PID/cmdline, redacted and cut: see cmdline.ts).
 */
export class ProcessesCollector implements FamilyCollector {
  readonly family = "processes" as const;
  private readonly now: () => number;
  private readonly clockTicks: number;
  private readonly pageSize: number;
  private readonly uidOf: (pid: number) => number;
  private readonly users: UserNames;
  private memTotalBytes: number | undefined;
  private previous: { baselines: Map<number, CpuBaseline>; at: number } | undefined;

  constructor(
    private readonly paths: HostPaths,
    options: ProcessesOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.clockTicks = options.clockTicks ?? 100;
    this.pageSize = options.pageSize ?? 4096;
    this.uidOf = options.uidOf ?? ((pid) => statSync(`${paths.proc}/${pid}`).uid);
    this.users = new UserNames(`${paths.etc}/passwd`);
  }

  async collect(): Promise<Partial<MetricsSnapshot>> {
    this.memTotalBytes ??= this.readMemTotal();
    const at = this.now();
    const uptimeS = readUptime(this.paths);
    const elapsedS = this.previous === undefined ? 0 : (at - this.previous.at) / 1000;
    const before = this.previous?.baselines;
    const baselines = new Map<number, CpuBaseline>();
    const samples: ProcessSample[] = [];
    let running = 0;
    let scanned = 0;

    for (const entry of readdirSync(this.paths.proc)) {
      if (!/^\d+$/.test(entry)) continue;
      // Keeps request handling responsive on hosts with thousands of processes.
      if (++scanned % PIDS_PER_YIELD === 0) await yieldToEventLoop();
      let text: string;
      try {
        text = readProcRecord(`${this.paths.proc}/${entry}/stat`);
      } catch (err) {
        if (isMissingFileError(err)) continue; // exited since readdir
        throw err;
      }
      const stat = parsePidStat(text);
      if (stat === null) continue;
      const pid = Number(entry);
      if (stat.state === "R") running++;
      const last = before?.get(pid);
      // A pid not seen before (or reused by a new process) gets its lifetime average, as ps shows.
      const cpuSeconds =
        last !== undefined && last.starttime === stat.starttime && elapsedS > 0
          ? counterDelta(stat.ticks, last.ticks) / this.clockTicks / elapsedS
          : this.lifetimeShare(stat.ticks, stat.starttime, uptimeS);
      baselines.set(pid, { ticks: stat.ticks, starttime: stat.starttime });
      samples.push({
        pid,
        name: stat.comm,
        rssBytes: stat.rssPages * this.pageSize,
        cpuPercent: cpuSeconds * 100,
      });
    }
    this.previous = { baselines, at };
    return { processes: this.metrics(samples, running) };
  }

  private readMemTotal(): number {
    const total = parseMeminfo(readText(`${this.paths.proc}/meminfo`)).get("MemTotal");
    if (total === undefined || total <= 0) throw new Error("/proc/meminfo has no MemTotal");
    return total;
  }

  private lifetimeShare(ticks: number, starttime: number, uptimeS: number): number {
    const lifetimeS = uptimeS - starttime / this.clockTicks;
    return lifetimeS > 0 ? ticks / this.clockTicks / lifetimeS : 0;
  }

  private metrics(samples: ProcessSample[], running: number): ProcessMetrics {
    this.users.refresh();
    const userOfPid = new Map<number, string | null>();
    const userOf = (pid: number): string | null => {
      if (!userOfPid.has(pid)) userOfPid.set(pid, this.lookupUser(pid));
      return userOfPid.get(pid) ?? null;
    };
    // Read for the listed processes only (at most 2 × TOP_N small reads), once per pid.
    const cmdlineOfPid = new Map<number, string | null>();
    const withCmdline = <E extends object>(pid: number, entry: E): E & { cmdline?: string } => {
      if (!cmdlineOfPid.has(pid)) cmdlineOfPid.set(pid, readCmdline(this.paths.proc, pid));
      const cmdline = cmdlineOfPid.get(pid);
      return cmdline ? { ...entry, cmdline } : entry;
    };
    const memTotal = this.memTotalBytes ?? 1;
    const top_memory: ProcessMemoryEntry[] = [];
    for (const s of [...samples].sort(byDescending((p) => p.rssBytes))) {
      if (top_memory.length === TOP_N) break;
      const user = userOf(s.pid);
      if (user === null) continue;
      const memory_percent = round((s.rssBytes / memTotal) * 100, 2);
      top_memory.push(
        withCmdline(s.pid, { pid: s.pid, name: s.name, user, memory_percent, rss_bytes: s.rssBytes }),
      );
    }
    const top_cpu: ProcessCpuEntry[] = [];
    for (const s of [...samples].sort(byDescending((p) => p.cpuPercent))) {
      if (top_cpu.length === TOP_N) break;
      const user = userOf(s.pid);
      if (user === null) continue;
      top_cpu.push(
        withCmdline(s.pid, { pid: s.pid, name: s.name, user, cpu_percent: round(s.cpuPercent, 2) }),
      );
    }
    return { count: samples.length, running, top_memory, top_cpu };
  }

  /** null when the process exited after its stat was read. */
  private lookupUser(pid: number): string | null {
    try {
      return this.users.nameOf(this.uidOf(pid));
    } catch (err) {
      if (isMissingFileError(err)) return null;
      throw err;
    }
  }
}
