import { describe, expect, it } from "vitest";
import { GuardedStatfs } from "./statfs.js";
import type { StatfsResult } from "./statfs.js";

const RESULT: StatfsResult = { bsize: 4096, blocks: 100, bfree: 40, bavail: 30, files: 10, ffree: 5 };

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe("GuardedStatfs", () => {
  it("returns the statfs result", async () => {
    const guard = new GuardedStatfs(1000, async () => RESULT);
    await expect(guard.query("/")).resolves.toEqual(RESULT);
  });

  it("returns null on EACCES and ENOENT", async () => {
    const guard = new GuardedStatfs(1000, async (path) => {
      throw errno(path === "/a" ? "EACCES" : "ENOENT");
    });
    await expect(guard.query("/a")).resolves.toBeNull();
    await expect(guard.query("/b")).resolves.toBeNull();
  });

  it("gives up after the timeout and does not ask a hung mount again until its call settles", async () => {
    let calls = 0;
    let settle: (value: StatfsResult) => void = () => {};
    const guard = new GuardedStatfs(20, (path) => {
      if (path === "/") return Promise.resolve(RESULT);
      calls++;
      return new Promise((resolve) => (settle = resolve));
    });
    const started = performance.now();
    await expect(guard.query("/mnt/nfs")).resolves.toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(guard.query("/mnt/nfs")).resolves.toBeNull();
    expect(calls).toBe(1);
    await expect(guard.query("/")).resolves.toEqual(RESULT);
    settle(RESULT);
    await Promise.resolve();
    await expect(guard.query("/mnt/nfs")).resolves.toBeNull(); // the new call hangs again
    expect(calls).toBe(2);
  });

  it("survives a hung call that rejects after its timeout", async () => {
    let calls = 0;
    let fail: (err: Error) => void = () => {};
    const guard = new GuardedStatfs(10, () => {
      calls++;
      return calls === 1 ? new Promise((_, reject) => (fail = reject)) : Promise.resolve(RESULT);
    });
    await expect(guard.query("/mnt/nfs")).resolves.toBeNull();
    fail(errno("EIO")); // vitest fails the run on an unhandled rejection
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(guard.query("/mnt/nfs")).resolves.toEqual(RESULT);
  });
});
