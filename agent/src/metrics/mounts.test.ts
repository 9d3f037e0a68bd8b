import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/fixtures/hosts.js";
import { isDataMount, parseMounts, selectDataMounts, unescapeMountField } from "./mounts.js";

const mountsOf = (host: string): string => readFileSync(fixturePath(host, "proc/self/mounts"), "latin1");

describe("unescapeMountField", () => {
  it("decodes the kernel's octal escapes", () => {
    expect(unescapeMountField("/srv/backup\\040data")).toBe("/srv/backup data");
    expect(unescapeMountField("/a\\011b\\012c\\134d")).toBe("/a\tb\nc\\d");
    expect(unescapeMountField("/plain")).toBe("/plain");
  });
});

describe("parseMounts", () => {
  it("reads device, mount point and type of each line", () => {
    const entries = parseMounts(mountsOf("host-8core-sensors"));
    expect(entries[0]).toEqual({ device: "sysfs", mount: "/sys", fstype: "sysfs" });
    expect(entries).toContainEqual({ device: "/dev/sda1", mount: "/srv/backup data", fstype: "xfs" });
  });
});

describe("isDataMount", () => {
  it("keeps / whatever its type (containers have an overlay root)", () => {
    expect(isDataMount({ device: "overlay", mount: "/", fstype: "overlay" })).toBe(true);
    expect(isDataMount({ device: "overlay", mount: "/var/lib/docker/x/merged", fstype: "overlay" })).toBe(
      false,
    );
  });

  it("skips pseudo filesystems and the /proc, /sys, /dev, /run/credentials trees", () => {
    expect(isDataMount({ device: "tmpfs", mount: "/run", fstype: "tmpfs" })).toBe(false);
    expect(isDataMount({ device: "/dev/loop0", mount: "/snap/core22/1380", fstype: "squashfs" })).toBe(false);
    expect(isDataMount({ device: "/dev/sdb1", mount: "/dev/odd", fstype: "ext4" })).toBe(false);
    expect(isDataMount({ device: "/dev/sdb1", mount: "/device-data", fstype: "ext4" })).toBe(true);
    expect(isDataMount({ device: "x", mount: "/run/credentials/a.service", fstype: "ext4" })).toBe(false);
    expect(isDataMount({ device: "lxcfs", mount: "/proc/cpuinfo", fstype: "fuse.lxcfs" })).toBe(false);
  });
});

describe("selectDataMounts", () => {
  it("keeps one entry per device, the shortest path, sorted by mount", () => {
    expect(selectDataMounts(parseMounts(mountsOf("host-8core-sensors")))).toEqual([
      // /var/lib/docker is a bind mount of the root device.
      { device: "/dev/mapper/vg0-root", mount: "/", fstype: "ext4" },
      { device: "/dev/nvme0n1p1", mount: "/boot/efi", fstype: "vfat" },
      { device: "gvfsd-fuse", mount: "/run/user/1000/gvfs", fstype: "fuse.gvfsd-fuse" },
      // Also bind-mounted at /var/lib/docker/volumes/backup/_data.
      { device: "/dev/sda1", mount: "/srv/backup data", fstype: "xfs" },
    ]);
  });

  it("keeps only the root on this machine", () => {
    expect(selectDataMounts(parseMounts(mountsOf("host-2core")))).toEqual([
      { device: "/dev/vda", mount: "/", fstype: "ext4" },
    ]);
  });

  it("uses the last mount of a path that was mounted over", () => {
    const text = "/dev/sdb1 /data ext4 rw 0 0\n/dev/sdc1 /data xfs rw 0 0\n";
    expect(selectDataMounts(parseMounts(text))).toEqual([
      { device: "/dev/sdc1", mount: "/data", fstype: "xfs" },
    ]);
  });
});
