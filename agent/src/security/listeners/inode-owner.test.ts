import { readdirSync, readlinkSync, renameSync, symlinkSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { SECURITY_PROC, copySecurityProc, errnoError } from "../../../test/fixtures/security-proc/fixture.js";
import type { SecurityProcCopy } from "../../../test/fixtures/security-proc/fixture.js";
import { InodeOwners, socketInode } from "./inode-owner.js";

/** Counts fd-table reads; lists folders sorted, as the kernel lists /proc. */
function counting(): {
  readdir: (path: string) => string[];
  fdTables: string[];
  readlinks: number;
  readlink: (path: string) => string;
} {
  const probe = {
    fdTables: [] as string[],
    readlinks: 0,
    readdir: (path: string): string[] => {
      if (path.endsWith("/fd")) probe.fdTables.push(path);
      return readdirSync(path).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    },
    readlink: (path: string): string => {
      probe.readlinks++;
      return readlinkSync(path);
    },
  };
  return probe;
}

describe("socketInode", () => {
  it("reads socket links only", () => {
    expect(socketInode("socket:[12345]")).toBe(12345);
    expect(socketInode("anon_inode:[eventpoll]")).toBeNull();
    expect(socketInode("/dev/null")).toBeNull();
    expect(socketInode("socket:[]")).toBeNull();
    expect(socketInode("socket:[12x]")).toBeNull();
  });
});

describe("InodeOwners", () => {
  let copy: SecurityProcCopy | undefined;
  afterEach(() => {
    copy?.cleanup();
    copy = undefined;
  });

  it("finds the owners of the inodes asked for, with the process name", async () => {
    const owners = new InodeOwners(SECURITY_PROC.proc);
    const found = await owners.resolve([56789, 12345, 34568], new Set([56789, 12345, 34568]));
    expect(found).toEqual(
      new Map([
        [56789, { pid: 1500, process: "kdevtmpfsi" }],
        [12345, { pid: 800, process: "sshd" }],
        [34568, { pid: 700, process: "dhclient" }],
      ]),
    );
  });

  it("stops scanning as soon as every inode is found", async () => {
    const probe = counting();
    const owners = new InodeOwners(SECURITY_PROC.proc, probe);
    // systemd (pid 1) is the first folder: its fd table is the only one read.
    expect(await owners.resolve([1526], new Set([1526]))).toEqual(
      new Map([[1526, { pid: 1, process: "systemd" }]]),
    );
    expect(probe.fdTables).toEqual([`${SECURITY_PROC.proc}/1/fd`]);
    expect(owners.scannedInLastScan).toBe(1);
  });

  it("answers from its cache on later runs and forgets inodes that disappeared", async () => {
    const probe = counting();
    const owners = new InodeOwners(SECURITY_PROC.proc, probe);
    const alive = new Set([56789, 12345, 99999]);
    await owners.resolve([56789, 12345, 99999], alive);
    expect(owners.scannedInLastScan).toBeGreaterThan(0);
    expect(owners.cacheSize).toBe(3);
    const tablesRead = probe.fdTables.length;

    // 99999 has no owner in the tree: that answer is kept too, so no scan at all this time.
    const again = await owners.resolve([56789, 12345, 99999], alive);
    expect(probe.fdTables.length).toBe(tablesRead);
    expect(owners.scannedInLastScan).toBe(0);
    expect(again).toEqual(
      new Map([
        [56789, { pid: 1500, process: "kdevtmpfsi" }],
        [12345, { pid: 800, process: "sshd" }],
        [99999, null],
      ]),
    );

    await owners.resolve([], new Set([12345]));
    expect(owners.cacheSize).toBe(1);
  });

  it("looks again when the cached owner has exited", async () => {
    copy = copySecurityProc();
    const { proc } = copy.paths;
    const owners = new InodeOwners(proc);
    expect(await owners.resolve([56789], new Set([56789]))).toEqual(
      new Map([[56789, { pid: 1500, process: "kdevtmpfsi" }]]),
    );
    // The miner exits; the socket lives on in a child it handed it to.
    renameSync(`${proc}/1500`, `${copy.root}/gone-1500`);
    symlinkSync("socket:[56789]", `${proc}/801/fd/9`);
    expect(await owners.resolve([56789], new Set([56789]))).toEqual(
      new Map([[56789, { pid: 801, process: "sshd" }]]),
    );
  });

  it("leaves owners behind unreadable fd tables unknown and says so", async () => {
    const owners = new InodeOwners(SECURITY_PROC.proc, {
      readdir: (path) => {
        if (path.endsWith("/5100/fd")) throw errnoError("EACCES", path);
        return readdirSync(path);
      },
    });
    const found = await owners.resolve([67890, 12345], new Set([67890, 12345]));
    expect(found).toEqual(
      new Map([
        [67890, null],
        [12345, { pid: 800, process: "sshd" }],
      ]),
    );
    expect(owners.deniedInLastScan).toBe(1);
    expect(owners.isHidden(67890)).toBe(true);
    expect(owners.isHidden(12345)).toBe(false);
  });

  it("does not scan for kernel sockets (inode 0)", async () => {
    const probe = counting();
    const owners = new InodeOwners(SECURITY_PROC.proc, probe);
    expect(await owners.resolve([0], new Set([0]))).toEqual(new Map([[0, null]]));
    expect(probe.fdTables).toEqual([]);
  });

  it("lists the socket inodes of one process", () => {
    const owners = new InodeOwners(SECURITY_PROC.proc);
    expect(owners.socketInodesOf(800)).toEqual(new Set([12345, 12346]));
    expect(owners.socketInodesOf(1)).toEqual(new Set([1526]));
    expect(owners.socketInodesOf(-1)).toEqual(new Set());
  });
});
