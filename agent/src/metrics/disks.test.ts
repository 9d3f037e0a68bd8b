import { afterEach, describe, expect, it } from "vitest";
import { fixtureHost, tempHost } from "../../test/fixtures/hosts.js";
import type { TempHost } from "../../test/fixtures/hosts.js";
import { DiskCollector, diskUsage } from "./disks.js";
import { REAL_HOST } from "./family.js";
import type { StatfsResult } from "./statfs.js";

const ENTRY = { device: "/dev/sda1", mount: "/data", fstype: "ext4" };

describe("diskUsage", () => {
  it("computes sizes and percentages like df", () => {
    // 1000 blocks, 400 free of which 350 usable by non-root users.
    const fs: StatfsResult = { bsize: 4096, blocks: 1000, bfree: 400, bavail: 350, files: 200, ffree: 150 };
    expect(diskUsage(ENTRY, fs)).toEqual({
      ...ENTRY,
      total_bytes: 4096000,
      used_bytes: 2457600,
      usage_percent: 63.16, // 600 / (600 + 350)
      inodes_percent: 25,
    });
  });

  it("reports inodes_percent null on filesystems without inode counts", () => {
    const fs: StatfsResult = { bsize: 4096, blocks: 10, bfree: 0, bavail: 0, files: 0, ffree: 0 };
    expect(diskUsage(ENTRY, fs)).toMatchObject({ usage_percent: 100, inodes_percent: null });
  });
});

describe("DiskCollector", () => {
  let host: TempHost | undefined;
  afterEach(() => host?.cleanup());

  const fakeStatfs = async (path: string): Promise<StatfsResult> => {
    if (path === "/run/user/1000/gvfs") throw Object.assign(new Error("EACCES"), { code: "EACCES" });
    const blocks = path === "/" ? 244190646 : 131072;
    return { bsize: 4096, blocks, bfree: blocks / 2, bavail: blocks / 4, files: 1000, ffree: 900 };
  };

  it("lists data mounts once each, skipping failed statfs calls, with disk IO", async () => {
    const collector = new DiskCollector(fixtureHost("host-8core-sensors"), { statfs: fakeStatfs });
    const { disks, disk_io } = await collector.collect();
    expect(disks?.map((d) => [d.mount, d.device, d.fstype])).toEqual([
      ["/", "/dev/mapper/vg0-root", "ext4"],
      ["/boot/efi", "/dev/nvme0n1p1", "vfat"],
      ["/srv/backup data", "/dev/sda1", "xfs"],
    ]);
    expect(disks?.[0]).toMatchObject({
      total_bytes: 244190646 * 4096,
      usage_percent: 66.67,
      inodes_percent: 10,
    });
    expect(disk_io?.read_ops_per_s).toBe(36.11);
  });

  it("leaves out a mount whose statfs hangs, without waiting longer than the timeout", async () => {
    const collector = new DiskCollector(fixtureHost("host-8core-sensors"), {
      statfsTimeoutMs: 20,
      statfs: (path) => (path === "/srv/backup data" ? new Promise(() => {}) : fakeStatfs(path)),
    });
    const started = performance.now();
    const { disks } = await collector.collect();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(disks?.map((d) => d.mount)).toEqual(["/", "/boot/efi"]);
  });

  it("leaves out filesystems with zero blocks", async () => {
    const collector = new DiskCollector(fixtureHost("host-8core-sensors"), {
      statfs: async () => ({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 }),
    });
    expect((await collector.collect()).disks).toEqual([]);
  });

  it("falls back to /proc/mounts without /proc/self/mounts", async () => {
    host = tempHost("host-2core");
    host.write("proc/mounts", "/dev/vdb /data ext4 rw 0 0\n");
    host.remove("proc/self");
    const collector = new DiskCollector(host.paths, { statfs: fakeStatfs });
    expect((await collector.collect()).disks?.map((d) => d.mount)).toEqual(["/data"]);
  });

  it("reads this machine", async () => {
    const collector = new DiskCollector(REAL_HOST);
    const { disks, disk_io } = await collector.collect();
    const root = disks?.find((d) => d.mount === "/");
    expect(root?.total_bytes).toBeGreaterThan(0);
    expect(root?.usage_percent).toBeGreaterThanOrEqual(0);
    expect(disk_io?.read_bytes_per_s).toBeGreaterThanOrEqual(0);
  });
});
