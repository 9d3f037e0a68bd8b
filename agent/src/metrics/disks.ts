import type { DiskMetrics, MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import { DiskIoSampler } from "./disk-io.js";
import type { DiskIoOptions } from "./disk-io.js";
import type { FamilyCollector, HostPaths } from "./family.js";
import { parseMounts, selectDataMounts } from "./mounts.js";
import type { MountEntry } from "./mounts.js";
import { clampPercent, round } from "./numbers.js";
import { readText, readTextOrNull } from "./read.js";
import { GuardedStatfs } from "./statfs.js";
import type { StatfsFunction, StatfsResult } from "./statfs.js";

/** Space and inode use of one mount, computed as df does. */
export function diskUsage(entry: MountEntry, fs: StatfsResult): DiskMetrics {
  const used = (fs.blocks - fs.bfree) * fs.bsize;
  const available = fs.bavail * fs.bsize;
  return {
    mount: entry.mount,
    device: entry.device,
    fstype: entry.fstype,
    total_bytes: fs.blocks * fs.bsize,
    used_bytes: used,
    // Against used + available, not total: blocks reserved for root do not count as free.
    usage_percent: used + available > 0 ? round(clampPercent((used / (used + available)) * 100), 2) : 0,
    inodes_percent: fs.files > 0 ? round(clampPercent(((fs.files - fs.ffree) / fs.files) * 100), 2) : null,
  };
}

export interface DiskOptions extends DiskIoOptions {
  /** Time limit of one statfs call. Default 2000 ms. */
  statfsTimeoutMs?: number;
  /** Replaces fs.promises.statfs (tests). */
  statfs?: StatfsFunction;
}

/** Family "disk": space per data mount (statfs) and IO rates of the physical disks. */
export class DiskCollector implements FamilyCollector {
  readonly family = "disk" as const;
  private readonly statfs: GuardedStatfs;
  private readonly io: DiskIoSampler;

  constructor(
    private readonly paths: HostPaths,
    options: DiskOptions = {},
  ) {
    this.statfs = new GuardedStatfs(options.statfsTimeoutMs ?? 2000, options.statfs);
    this.io = new DiskIoSampler(paths, options);
  }

  async collect(): Promise<Partial<MetricsSnapshot>> {
    const mountsText =
      readTextOrNull(`${this.paths.proc}/self/mounts`) ?? readText(`${this.paths.proc}/mounts`);
    const disk_io = this.io.sample();
    const mounts = selectDataMounts(parseMounts(mountsText));
    const results = await Promise.all(mounts.map((entry) => this.statfs.query(entry.mount)));
    const disks: DiskMetrics[] = [];
    mounts.forEach((entry, i) => {
      const fs = results[i];
      // Zero blocks: a virtual filesystem (gvfs, some FUSE), which df hides too.
      if (fs != null && fs.blocks > 0) disks.push(diskUsage(entry, fs));
    });
    return { disks, disk_io };
  }
}
