import { describe, expect, it } from "vitest";
import {
  PF_KTHREAD,
  classifyExe,
  isKernelThread,
  isUnder,
  normaliseDirs,
  parseStatFlags,
} from "./exe-classifier.js";

const DIRS = normaliseDirs(["/tmp", "/var/tmp/", "/dev/shm//"]);

describe("normaliseDirs", () => {
  it("drops trailing slashes, blanks and duplicates and keeps the root", () => {
    expect(normaliseDirs(["/tmp/", "/tmp", " /var/tmp// ", "", "/", "//"])).toEqual([
      "/tmp",
      "/var/tmp",
      "/",
    ]);
  });
});

describe("isUnder", () => {
  it("matches on a path boundary", () => {
    expect(isUnder("/tmp/x", "/tmp")).toBe(true);
    expect(isUnder("/tmp/.x/miner", "/tmp")).toBe(true);
    expect(isUnder("/tmpfoo/x", "/tmp")).toBe(false);
    expect(isUnder("/tmp", "/tmp")).toBe(false); // the folder itself is no executable in it
    expect(isUnder("/usr/bin/x", "/")).toBe(true);
  });
});

describe("classifyExe", () => {
  it("reports memfd executables as warnings", () => {
    expect(classifyExe("/memfd:wine-preloader (deleted)", DIRS)).toEqual({
      reason: "memfd_exec",
      severity: "warning",
    });
    expect(classifyExe("/memfd: (deleted)", DIRS)?.reason).toBe("memfd_exec");
  });

  it("reports deleted executables, before the folder test", () => {
    expect(classifyExe("/usr/bin/python3.11 (deleted)", DIRS)).toEqual({
      reason: "deleted_exe",
      severity: "critical",
    });
    expect(classifyExe("/tmp/payload (deleted)", DIRS)?.reason).toBe("deleted_exe");
    // memfd wins over deleted: both end in " (deleted)".
    expect(classifyExe("/memfd:x (deleted)", [])?.reason).toBe("memfd_exec");
  });

  it("reports executables under a suspicious folder", () => {
    expect(classifyExe("/tmp/.x/miner", DIRS)).toEqual({ reason: "suspicious_dir", severity: "critical" });
    expect(classifyExe("/var/tmp/cryptod", DIRS)?.reason).toBe("suspicious_dir");
    expect(classifyExe("/dev/shm/x", DIRS)?.reason).toBe("suspicious_dir");
  });

  it("lets ordinary executables and look-alike folders pass", () => {
    expect(classifyExe("/usr/sbin/sshd", DIRS)).toBeNull();
    expect(classifyExe("/tmpfoo/bin/tool", DIRS)).toBeNull();
    expect(classifyExe("/var/tmpx/tool", DIRS)).toBeNull();
    expect(classifyExe("/usr/bin/deleted", DIRS)).toBeNull();
    expect(classifyExe("/tmp/x", [])).toBeNull();
  });
});

describe("parseStatFlags and isKernelThread", () => {
  const kworker = "15 (kworker/0:1-events) I 2 0 0 0 -1 69238880 0 0 0 0 0 12 0 0 20 0 1 0 27 0 0";
  const bash = "4164 (bash) S 4163 4164 4164 34816 4164 4194560 2031 0 0 0 3 1 0 0 20 0 1 0 5563 0";

  it("reads ppid and flags after the last ')'", () => {
    expect(parseStatFlags(kworker)).toEqual({ ppid: 2, flags: 69238880 });
    expect(parseStatFlags("42 (a) S 1 (b) S 7 1 1 0 -1 4194304 0 0")).toEqual({ ppid: 7, flags: 4194304 });
    expect(parseStatFlags("garbage")).toBeNull();
    expect(parseStatFlags("1 (x) S 1")).toBeNull();
  });

  it("recognises kernel threads by PF_KTHREAD, by kthreadd's pid and by kthreadd as parent", () => {
    expect(isKernelThread(15, parseStatFlags(kworker) ?? { ppid: 0, flags: 0 })).toBe(true);
    expect(isKernelThread(9, { ppid: 0, flags: PF_KTHREAD })).toBe(true);
    expect(isKernelThread(2, { ppid: 0, flags: 0 })).toBe(true);
    expect(isKernelThread(30, { ppid: 2, flags: 0 })).toBe(true);
    expect(isKernelThread(4164, parseStatFlags(bash) ?? { ppid: 2, flags: PF_KTHREAD })).toBe(false);
  });
});
