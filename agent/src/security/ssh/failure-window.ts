import type { SshSource } from "../../../../common/src/contract/protocol.js";
import type { AuthEvent } from "./auth-line.js";

export interface FailureWindowOptions {
  windowS: number;
  maxConnections?: number;
  maxIps?: number;
  /** Per IP, time buckets of one second each; only a time-disordered flood can fill them. */
  maxBucketsPerIp?: number;
  maxUsersPerIp?: number;
}

interface Connection {
  failedLines: number;
  otherSeen: boolean;
  counted: number;
  lastSeen: number;
}

interface IpState {
  /** Ascending second-bucket start times (epoch ms) and the failures in each, from `head`. */
  times: number[];
  counts: number[];
  head: number;
  /** User name → last time it was tried. */
  users: Map<string, number>;
}

/**
 * Failed logins per source IP over a sliding window. sshd logs one attempt as several lines
 * of one process ("Invalid user x", pam "authentication failure", "Failed password for
 * invalid user x"), so per connection (pid + ip) the failures are max(failed lines, 1 if any
 * other kind was seen) and only the increase is counted when a line arrives.
 */
export class FailureWindow {
  private readonly windowMs: number;
  private readonly maxConnections: number;
  private readonly maxIps: number;
  private readonly maxBuckets: number;
  private readonly maxUsers: number;
  private readonly connections = new Map<string, Connection>();
  private readonly ips = new Map<string, IpState>();

  constructor(options: FailureWindowOptions) {
    this.windowMs = options.windowS * 1000;
    this.maxConnections = options.maxConnections ?? 50_000;
    this.maxIps = options.maxIps ?? 100_000;
    this.maxBuckets = options.maxBucketsPerIp ?? 10_000;
    this.maxUsers = options.maxUsersPerIp ?? 20;
  }

  add(event: AuthEvent): void {
    const repeat = event.repeat ?? 1;
    const added = event.pid === null ? repeat : this.connectionIncrease(event, repeat);
    const state = this.ipState(event.ip);
    if (added > 0) addToBuckets(state, event.time, added, this.maxBuckets);
    if (event.user !== null && event.user !== "") this.addUser(state, event.user, event.time);
  }

  /** Every source in the window, most failures first; the snapshot's limits cut the list later. */
  snapshot(now: number): { total: number; sources: SshSource[] } {
    const sources = this.allSources(now);
    let total = 0;
    for (const source of sources) total += source.count;
    return { total, sources };
  }

  sourcesAtOrAbove(threshold: number, now: number): SshSource[] {
    return this.allSources(now).filter((source) => source.count >= threshold);
  }

  private connectionIncrease(event: AuthEvent, repeat: number): number {
    const key = `${event.pid} ${event.ip}`;
    let conn = this.connections.get(key);
    // A pid seen again long after is a reused pid, not the same connection.
    if (conn !== undefined && event.time - conn.lastSeen > this.windowMs) {
      this.connections.delete(key);
      conn = undefined;
    }
    if (conn === undefined) {
      if (this.connections.size >= this.maxConnections) dropOldest(this.connections);
      conn = { failedLines: 0, otherSeen: false, counted: 0, lastSeen: event.time };
      this.connections.set(key, conn);
    }
    if (event.kind === "failed") conn.failedLines += repeat;
    else conn.otherSeen = true;
    conn.lastSeen = Math.max(conn.lastSeen, event.time);
    const failures = Math.max(conn.failedLines, conn.otherSeen ? 1 : 0);
    const increase = failures - conn.counted;
    conn.counted = failures;
    return increase;
  }

  private ipState(ip: string): IpState {
    let state = this.ips.get(ip);
    if (state === undefined) {
      if (this.ips.size >= this.maxIps) dropOldest(this.ips);
      state = { times: [], counts: [], head: 0, users: new Map() };
      this.ips.set(ip, state);
    }
    return state;
  }

  private addUser(state: IpState, user: string, time: number): void {
    const seen = state.users.get(user);
    if (seen !== undefined) {
      if (time > seen) state.users.set(user, time);
      return;
    }
    if (state.users.size >= this.maxUsers) {
      let oldest: string | null = null;
      let oldestTime = Infinity;
      for (const [name, t] of state.users) {
        if (t < oldestTime) {
          oldest = name;
          oldestTime = t;
        }
      }
      if (oldest === null || oldestTime > time) return;
      state.users.delete(oldest);
    }
    state.users.set(user, time);
  }

  private allSources(now: number): SshSource[] {
    const cutoff = now - this.windowMs;
    for (const [key, conn] of this.connections) {
      if (conn.lastSeen < cutoff) this.connections.delete(key);
    }
    const sources: SshSource[] = [];
    for (const [ip, state] of this.ips) {
      const count = pruneBuckets(state, cutoff);
      for (const [user, t] of state.users) if (t < cutoff) state.users.delete(user);
      if (count === 0) {
        if (state.users.size === 0) this.ips.delete(ip);
        continue;
      }
      sources.push({ ip, count, users: [...state.users.keys()].sort() });
    }
    return sources.sort((a, b) => b.count - a.count || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  }
}

/**
 * Drops the oldest tenth of a full map. In batches: V8 leaves deleted Map slots in place until
 * it rehashes, so finding the first entry again after each single delete would cost O(n).
 */
function dropOldest(map: Map<string, unknown>): void {
  let n = Math.max(1, Math.ceil(map.size / 10));
  for (const key of map.keys()) {
    map.delete(key);
    if (--n === 0) break;
  }
}

function addToBuckets(state: IpState, time: number, n: number, maxBuckets: number): void {
  const second = Math.floor(time / 1000) * 1000;
  const { times, counts } = state;
  const last = times.length - 1;
  if (last >= state.head && times[last] === second) {
    counts[last] = (counts[last] ?? 0) + n;
    return;
  }
  if (last < state.head || (times[last] ?? 0) < second) {
    times.push(second);
    counts.push(n);
  } else {
    // Out of order (rare): insert sorted.
    let lo = state.head;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] ?? 0) < second) lo = mid + 1;
      else hi = mid;
    }
    if (times[lo] === second) counts[lo] = (counts[lo] ?? 0) + n;
    else {
      times.splice(lo, 0, second);
      counts.splice(lo, 0, n);
    }
  }
  if (times.length - state.head > maxBuckets) state.head++;
  compact(state);
}

/** Drops buckets older than cutoff; returns the failures left. */
function pruneBuckets(state: IpState, cutoff: number): number {
  const { times, counts } = state;
  while (state.head < times.length && (times[state.head] ?? 0) < cutoff) state.head++;
  compact(state);
  let count = 0;
  for (let i = state.head; i < counts.length; i++) count += counts[i] ?? 0;
  return count;
}

function compact(state: IpState): void {
  if (state.head > 64 && state.head * 2 > state.times.length) {
    state.times.splice(0, state.head);
    state.counts.splice(0, state.head);
    state.head = 0;
  }
}
