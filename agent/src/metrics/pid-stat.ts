/** The fields of /proc/PID/stat used here. */
export interface PidStat {
  comm: string;
  /** R running, S sleeping, D disk sleep, Z zombie, I idle kernel thread, ... */
  state: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** Clock ticks after boot when the process started. */
  starttime: number;
  rssPages: number;
}

/**
 * "pid (comm) state ppid ...". comm may hold spaces and ")" (a process names itself), so it ends
 * at the LAST ")". Field numbers below are those of proc(5), counted from 1 with pid.
 */
export function parsePidStat(text: string): PidStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  // The first field after comm is field 3 (state).
  const f = text.slice(close + 2).split(" ");
  const field = (n: number): number => Number(f[n - 3]);
  const state = f[0];
  const ticks = field(14) + field(15);
  const starttime = field(22);
  const rssPages = field(24);
  if (
    state === undefined ||
    !Number.isFinite(ticks) ||
    !Number.isFinite(starttime) ||
    !Number.isFinite(rssPages)
  ) {
    return null;
  }
  return { comm: text.slice(open + 1, close), state, ticks, starttime, rssPages };
}
