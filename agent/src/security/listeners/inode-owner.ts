import { readdirSync, readlinkSync } from "node:fs";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { parsePidStat } from "../../metrics/pid-stat.js";
import { isMissingFileError, readProcRecord } from "../../metrics/read.js";

const PIDS_PER_YIELD = 200;
const SOCKET_PREFIX = "socket:[";

export interface SocketOwner {
  pid: number;
  /** comm of the process, from /proc/PID/stat. */
  process: string;
}

export interface InodeOwnerOptions {
  /** readlink(2); tests inject EACCES. Default fs.readlinkSync. */
  readlink?: (path: string) => string;
  /** Directory listing; tests inject EACCES. Default fs.readdirSync. */
  readdir?: (path: string) => string[];
}

interface CachedOwner {
  pid: number;
  /** Guards against a reused pid. */
  starttime: number;
}

/** "socket:[12345]" → 12345; null for any other link. */
export function socketInode(target: string): number | null {
  if (!target.startsWith(SOCKET_PREFIX) || !target.endsWith("]")) return null;
  const inode = Number(target.slice(SOCKET_PREFIX.length, -1));
  return Number.isInteger(inode) && inode > 0 ? inode : null;
}

/**
 * Socket inode → owning process, found by reading the /proc/PID/fd links. That scan is the
 * expensive part of the listener check, so it runs only for inodes asked about and not seen
 * before, and stops as soon as all are found. Answers (including "no owner visible") are kept
 * while the socket exists.
 */
export class InodeOwners {
  /** inode → owner; null when no readable fd table holds it (other users' processes when unprivileged, kernel sockets). */
  private readonly cache = new Map<number, CachedOwner | null>();
  /** Inodes not found while some fd tables could not be read: the owner may be hidden from us. */
  private readonly hidden = new Set<number>();
  private readonly readlink: (path: string) => string;
  private readonly readdir: (path: string) => string[];
  /** Processes whose fd table could not be read in the last scan. */
  deniedInLastScan = 0;
  /** Number of /proc/PID directories scanned in the last scan (0 when everything came from the cache). */
  scannedInLastScan = 0;

  constructor(
    private readonly proc: string,
    options: InodeOwnerOptions = {},
  ) {
    this.readlink = options.readlink ?? ((path) => readlinkSync(path));
    this.readdir = options.readdir ?? ((path) => readdirSync(path));
  }

  /**
   * Owners of the `wanted` inodes (null: unknown). `alive` is every socket inode the caller still
   * sees: cache entries of other inodes are dropped.
   */
  async resolve(
    wanted: Iterable<number>,
    alive: ReadonlySet<number>,
  ): Promise<Map<number, SocketOwner | null>> {
    for (const inode of this.cache.keys()) {
      if (alive.has(inode)) continue;
      this.cache.delete(inode);
      this.hidden.delete(inode);
    }

    const owners = new Map<number, SocketOwner | null>();
    const missing = new Set<number>();
    for (const inode of wanted) {
      if (owners.has(inode) || missing.has(inode)) continue;
      if (inode === 0) {
        owners.set(inode, null); // a kernel socket (nfsd, ...): no file, no process
        continue;
      }
      const cached = this.cache.get(inode);
      if (cached === null) {
        owners.set(inode, null);
        continue;
      }
      if (cached !== undefined) {
        const current = this.readOwner(cached.pid);
        if (current !== null && current.starttime === cached.starttime) {
          owners.set(inode, { pid: cached.pid, process: current.comm });
          continue;
        }
        this.cache.delete(inode); // the process exited (or its pid was reused): look again
      }
      missing.add(inode);
    }
    this.deniedInLastScan = 0;
    this.scannedInLastScan = 0;
    if (missing.size === 0) return owners;

    const found = await this.scan(missing);
    for (const inode of missing) {
      const pid = found.get(inode);
      const current = pid === undefined ? null : this.readOwner(pid);
      if (pid === undefined || current === null) {
        this.cache.set(inode, null);
        if (this.deniedInLastScan > 0) this.hidden.add(inode);
        owners.set(inode, null);
      } else {
        this.cache.set(inode, { pid, starttime: current.starttime });
        owners.set(inode, { pid, process: current.comm });
      }
    }
    return owners;
  }

  /** The socket inodes held by one process (empty when it is not there or not readable). */
  socketInodesOf(pid: number): Set<number> {
    const inodes = new Set<number>();
    const dir = `${this.proc}/${pid}/fd`;
    let fds: string[];
    try {
      fds = this.readdir(dir);
    } catch {
      return inodes;
    }
    for (const fd of fds) {
      const inode = this.socketInodeOf(`${dir}/${fd}`);
      if (inode !== null) inodes.add(inode);
    }
    return inodes;
  }

  /** Whether an inode without a known owner may belong to a process whose fd table we could not read. */
  isHidden(inode: number): boolean {
    return this.hidden.has(inode);
  }

  /** Number of inodes remembered (tests). */
  get cacheSize(): number {
    return this.cache.size;
  }

  private async scan(missing: ReadonlySet<number>): Promise<Map<number, number>> {
    const found = new Map<number, number>();
    let entries: string[];
    try {
      entries = this.readdir(this.proc);
    } catch {
      return found;
    }
    let scanned = 0;
    outer: for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      if (++scanned % PIDS_PER_YIELD === 0) await yieldToEventLoop();
      const dir = `${this.proc}/${entry}/fd`;
      let fds: string[];
      try {
        fds = this.readdir(dir);
      } catch (err) {
        if (!isMissingFileError(err)) this.deniedInLastScan++;
        continue;
      }
      const pid = Number(entry);
      for (const fd of fds) {
        const inode = this.socketInodeOf(`${dir}/${fd}`);
        if (inode === null || !missing.has(inode) || found.has(inode)) continue;
        found.set(inode, pid);
        if (found.size === missing.size) break outer;
      }
    }
    this.scannedInLastScan = scanned;
    return found;
  }

  private socketInodeOf(link: string): number | null {
    try {
      return socketInode(this.readlink(link));
    } catch {
      return null; // closed meanwhile, or not readable
    }
  }

  private readOwner(pid: number): { comm: string; starttime: number } | null {
    try {
      const stat = parsePidStat(readProcRecord(`${this.proc}/${pid}/stat`));
      return stat === null ? null : { comm: stat.comm, starttime: stat.starttime };
    } catch {
      return null;
    }
  }
}
