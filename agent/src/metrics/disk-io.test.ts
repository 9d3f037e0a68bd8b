import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureHost, fixturePath, tempHost } from "../../test/fixtures/hosts.js";
import type { TempHost } from "../../test/fixtures/hosts.js";
import { DiskIoSampler, diskIoRates, listPhysicalDisks, parseDiskstats } from "./disk-io.js";
import type { DiskCounters } from "./disk-io.js";

const diskstats = (host: string): Map<string, DiskCounters> =>
  parseDiskstats(readFileSync(fixturePath(host, "proc/diskstats"), "latin1"));

describe("parseDiskstats", () => {
  it("reads reads, sectors read, writes and sectors written per device", () => {
    const devices = diskstats("host-8core-sensors");
    expect([...devices.keys()]).toEqual([
      "loop0",
      "nvme0n1",
      "nvme0n1p1",
      "nvme0n1p2",
      "sda",
      "sda1",
      "dm-0",
    ]);
    expect(devices.get("nvme0n1")).toEqual({
      reads: 1843522,
      sectorsRead: 98273514,
      writes: 4120988,
      sectorsWritten: 201736088,
    });
  });

  it("reads this machine's copy", () => {
    expect(diskstats("host-2core").get("vda")).toEqual({
      reads: 72030,
      sectorsRead: 2052434,
      writes: 26861,
      sectorsWritten: 1986360,
    });
  });
});

describe("listPhysicalDisks", () => {
  it("keeps /sys/block entries with a device: no partitions, dm, loop or zram", () => {
    expect(listPhysicalDisks(fixtureHost("host-8core-sensors").sys)).toEqual(new Set(["nvme0n1", "sda"]));
    expect(listPhysicalDisks(fixtureHost("host-2core").sys)).toEqual(new Set(["vda"]));
  });

  it("is empty without /sys/block", () => {
    expect(listPhysicalDisks("/nonexistent")).toEqual(new Set());
  });
});

describe("diskIoRates", () => {
  const before = new Map([["sda", { reads: 10, sectorsRead: 100, writes: 20, sectorsWritten: 200 }]]);

  it("divides counter deltas by the elapsed time, sectors as 512 bytes", () => {
    const after = new Map([["sda", { reads: 30, sectorsRead: 300, writes: 25, sectorsWritten: 210 }]]);
    expect(diskIoRates(before, after, 2)).toEqual({
      read_bytes_per_s: 51200,
      write_bytes_per_s: 2560,
      read_ops_per_s: 10,
      write_ops_per_s: 2.5,
    });
  });

  it("counts a counter that went backwards as 0 and a new disk from its next reading", () => {
    const after = new Map([
      ["sda", { reads: 5, sectorsRead: 50, writes: 21, sectorsWritten: 208 }],
      ["sdb", { reads: 1000, sectorsRead: 100000, writes: 0, sectorsWritten: 0 }],
    ]);
    expect(diskIoRates(before, after, 1)).toEqual({
      read_bytes_per_s: 0,
      write_bytes_per_s: 4096,
      read_ops_per_s: 0,
      write_ops_per_s: 1,
    });
  });
});

describe("DiskIoSampler", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  it("reports since-boot averages first, then rates of whole disks only", () => {
    host = tempHost("host-8core-sensors");
    let now = 1_000;
    const sampler = new DiskIoSampler(host.paths, { now: () => now });
    // nvme0n1 + sda over the 52437.12 s of /proc/uptime; partitions and dm-0 not added again.
    expect(sampler.sample()).toEqual({
      read_bytes_per_s: 1020898.71,
      write_bytes_per_s: 1991261.74,
      read_ops_per_s: 36.11,
      write_ops_per_s: 78.82,
    });
    host.overlay("host-8core-sensors-later", "proc/diskstats");
    now += 10_000;
    // In 10 s: nvme0n1 read 20 MiB in 200 ops and wrote 10 MiB in 500; sda wrote 1 MiB in 100.
    expect(sampler.sample()).toEqual({
      read_bytes_per_s: 2097152,
      write_bytes_per_s: 1153433.6,
      read_ops_per_s: 20,
      write_ops_per_s: 60,
    });
  });

  it("re-reads the list of disks only after the refresh interval", () => {
    host = tempHost("host-8core-sensors");
    let now = 0;
    const sampler = new DiskIoSampler(host.paths, { now: () => now, diskListRefreshMs: 60_000 });
    sampler.sample();
    host.remove("sys/block/sda/device");
    host.overlay("host-8core-sensors-later", "proc/diskstats");
    now = 10_000;
    expect(sampler.sample().write_ops_per_s).toBe(60); // sda still counted from the cached list
    now = 70_000;
    expect(sampler.sample().write_ops_per_s).toBe(0); // list refreshed: sda gone, nothing moved
  });
});
