import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./write-atomic.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hostwatch-write-atomic-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("writeFileAtomic", () => {
  it("creates the folder, writes and replaces the file, and leaves no temp file", async () => {
    const file = path.join(dir, "a", "b", "chart.png");
    await writeFileAtomic(file, bytes("first"));
    await writeFileAtomic(file, bytes("second"));
    expect(await readFile(file, "utf8")).toBe("second");
    expect(await readdir(path.dirname(file))).toEqual(["chart.png"]);
  });

  it("gives concurrent writes of one file their own temp files", async () => {
    const file = path.join(dir, "chart.png");
    const contents = Array.from({ length: 20 }, (_, i) => `content ${i} `.repeat(10_000));
    await Promise.all(contents.map((text) => writeFileAtomic(file, bytes(text))));
    expect(contents).toContain(await readFile(file, "utf8"));
    expect(await readdir(dir)).toEqual(["chart.png"]);
  });

  it("removes its temp file when the rename fails", async () => {
    const target = path.join(dir, "taken");
    await writeFileAtomic(path.join(target, "inner.png"), bytes("x"));
    // A non-empty folder in the way: the rename fails.
    await expect(writeFileAtomic(target, bytes("y"))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["taken"]);
  });
});
