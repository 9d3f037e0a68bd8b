import { existsSync, readdirSync } from "node:fs";
import type { DiskIoMetrics } from "../../../common/src/contract/protocol.js";
import type { HostPaths } from "./family.js";
import { counterDelta, round } from "./numbers.js";
import { readText } from "./read.js";
import { readUptime } from "./uptime.js";

/** /proc/diskstats counts sectors of 512 bytes whatever the device's sector size. */
const SECTOR_BYTES = 512;

export interface DiskCounters {
  reads: number;
  sectorsRead: number;
  writes: number;
  sectorsWritten: number;
}

/** /proc/diskstats: "major minor name reads merged sectors ms writes merged sectors ms ..." per device. */
export function parseDiskstats(text: string): Map<string, DiskCounters> {
  const devices = new Map<string, DiskCounters>();
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14 || f[2] === undefined) continue;
    devices.set(f[2], {
      reads: Number(f[3]),
      sectorsRead: Number(f[5]),
      writes: Number(f[7]),
      sectorsWritten: Number(f[9]),
    });
  }
  return devices;
}

/**
 * Whole physical disks: /sys/block entries backed by a device (partitions are not in /sys/block;
 * dm-*, md*, loop*, zram* have no "device" link), so no IO is counted twice.
 */
export function listPhysicalDisks(sysPath: string): Set<string> {
  let names: string[];
  try {
    names = readdirSync(`${sysPath}/block`);
  } catch {
    return new Set();
  }
  // A "/" in a kernel device name (cciss/c0d0) becomes "!" in sysfs.
  return new Set(
    names
      .filter((name) => existsSync(`${sysPath}/block/${name}/device`))
      .map((name) => name.replaceAll("!", "/")),
  );
}

/** Rates between two readings; without a previous one, `elapsedS` is the uptime and the rates are since boot. */
export function diskIoRates(
  previous: Map<string, DiskCounters> | undefined,
  current: Map<string, DiskCounters>,
  elapsedS: number,
): DiskIoMetrics {
  const total: DiskCounters = { reads: 0, sectorsRead: 0, writes: 0, sectorsWritten: 0 };
  for (const [name, now] of current) {
    const before =
      previous === undefined
        ? { reads: 0, sectorsRead: 0, writes: 0, sectorsWritten: 0 }
        : previous.get(name);
    // A disk that appeared since the previous reading has no baseline yet.
    if (before === undefined) continue;
    total.reads += counterDelta(now.reads, before.reads);
    total.sectorsRead += counterDelta(now.sectorsRead, before.sectorsRead);
    total.writes += counterDelta(now.writes, before.writes);
    total.sectorsWritten += counterDelta(now.sectorsWritten, before.sectorsWritten);
  }
  const rate = (value: number): number => (elapsedS > 0 ? round(value / elapsedS, 2) : 0);
  return {
    read_bytes_per_s: rate(total.sectorsRead * SECTOR_BYTES),
    write_bytes_per_s: rate(total.sectorsWritten * SECTOR_BYTES),
    read_ops_per_s: rate(total.reads),
    write_ops_per_s: rate(total.writes),
  };
}

export interface DiskIoOptions {
  /** Milliseconds clock; tests inject one. Default performance.now. */
  now?: () => number;
  /** How often the set of physical disks is re-read from /sys/block. Default 60 s. */
  diskListRefreshMs?: number;
}

/** Keeps the previous /proc/diskstats reading to turn counters into rates. */
export class DiskIoSampler {
  private readonly now: () => number;
  private readonly refreshMs: number;
  private disks: Set<string> | undefined;
  private disksReadAt = 0;
  private previous: { counters: Map<string, DiskCounters>; at: number } | undefined;

  constructor(
    private readonly paths: HostPaths,
    options: DiskIoOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.refreshMs = options.diskListRefreshMs ?? 60_000;
  }

  sample(): DiskIoMetrics {
    const text = readText(`${this.paths.proc}/diskstats`);
    const at = this.now();
    if (this.disks === undefined || at - this.disksReadAt >= this.refreshMs) {
      this.disks = listPhysicalDisks(this.paths.sys);
      this.disksReadAt = at;
    }
    const disks = this.disks;
    const counters = new Map([...parseDiskstats(text)].filter(([name]) => disks.has(name)));
    const elapsedS = this.previous === undefined ? readUptime(this.paths) : (at - this.previous.at) / 1000;
    const rates = diskIoRates(this.previous?.counters, counters, elapsedS);
    this.previous = { counters, at };
    return rates;
  }
}
