import { promises as fsp } from "node:fs";

/** The fields of fs.StatFs used here. */
export interface StatfsResult {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

export type StatfsFunction = (path: string) => Promise<StatfsResult>;

/**
 * statfs with a time limit. A mount whose call timed out (a hung NFS server) is left out and not
 * asked again until that call has settled, so hung calls never pile up.
 */
export class GuardedStatfs {
  private readonly pending = new Set<string>();

  constructor(
    private readonly timeoutMs: number,
    private readonly statfs: StatfsFunction = (path) => fsp.statfs(path),
  ) {}

  /** null when the mount is still busy from an earlier call, timed out, or failed (EACCES, ENOENT...). */
  async query(mount: string): Promise<StatfsResult | null> {
    if (this.pending.has(mount)) return null;
    this.pending.add(mount);
    const release = (): void => {
      this.pending.delete(mount);
    };
    let call: Promise<StatfsResult>;
    try {
      call = this.statfs(mount);
    } catch {
      release();
      return null;
    }
    call.then(release, release);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(resolve, this.timeoutMs, null);
      timer.unref();
    });
    try {
      return await Promise.race([call, timeout]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
