import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmdirSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LogFollower } from "./log-follower.js";

let dir: string;
let path: string;
const followers: LogFollower[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "log-follower-"));
  path = join(dir, "auth.log");
});

afterEach(() => {
  for (const f of followers.splice(0)) f.close();
  rmSync(dir, { recursive: true, force: true });
});

function follow(options: ConstructorParameters<typeof LogFollower>[1] = {}): LogFollower {
  const follower = new LogFollower(path, options);
  followers.push(follower);
  return follower;
}

const lines = (from: number, to: number): string => {
  let text = "";
  for (let i = from; i < to; i++) text += `line ${i}\n`;
  return text;
};

describe("LogFollower", () => {
  it("reads the existing content, then only what is appended", () => {
    writeFileSync(path, "a\nb\n");
    const f = follow();
    expect(f.readNew()).toEqual(["a", "b"]);
    expect(f.readNew()).toEqual([]);
    appendFileSync(path, "c\n");
    expect(f.readNew()).toEqual(["c"]);
  });

  it("starts at the end with startAtEnd", () => {
    writeFileSync(path, "old\n");
    const f = follow({ startAtEnd: true });
    expect(f.readNew()).toEqual([]);
    appendFileSync(path, "new\n");
    expect(f.readNew()).toEqual(["new"]);
  });

  it("keeps a partial last line until its newline arrives", () => {
    writeFileSync(path, "one\ntw");
    const f = follow();
    expect(f.readNew()).toEqual(["one"]);
    appendFileSync(path, "o");
    expect(f.readNew()).toEqual([]);
    appendFileSync(path, "\nthree\n");
    expect(f.readNew()).toEqual(["two", "three"]);
  });

  it("keeps a multi-byte character split across reads intact; invalid UTF-8 becomes U+FFFD", () => {
    writeFileSync(path, Buffer.from([0x61, 0xc3]));
    const f = follow({ maxBytesPerRead: 1 });
    expect(f.readNew()).toEqual([]);
    expect(f.readNew()).toEqual([]);
    appendFileSync(path, Buffer.from([0xa9, 0x0a, 0xff, 0x62, 0x0a]));
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push(...f.readNew());
    expect(got).toEqual(["aé", "\ufffdb"]);
  });

  it("rotation by rename + new file: lines appended to the old file after the rename are kept", () => {
    writeFileSync(path, lines(0, 3));
    const f = follow();
    expect(f.readNew()).toEqual(["line 0", "line 1", "line 2"]);
    appendFileSync(path, lines(3, 5));
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, "line 5\nline 6 partial");
    writeFileSync(path, lines(7, 9));
    expect(f.readNew()).toEqual(["line 3", "line 4", "line 5", "line 6 partial", "line 7", "line 8"]);
    appendFileSync(`${path}.1`, "ignored: old file is closed\n");
    appendFileSync(path, lines(9, 10));
    expect(f.readNew()).toEqual(["line 9"]);
  });

  it("renamed away and not yet recreated: keeps reading the old file, then switches", () => {
    writeFileSync(path, lines(0, 1));
    const f = follow();
    expect(f.readNew()).toEqual(["line 0"]);
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, lines(1, 2));
    expect(f.readNew()).toEqual(["line 1"]);
    appendFileSync(`${path}.1`, lines(2, 3));
    writeFileSync(path, lines(3, 4));
    expect(f.readNew()).toEqual(["line 2", "line 3"]);
  });

  it("reports a new file it may not open, after returning the old file's last lines", () => {
    writeFileSync(path, lines(0, 1));
    const f = follow();
    expect(f.readNew()).toEqual(["line 0"]);
    appendFileSync(path, lines(1, 2));
    renameSync(path, `${path}.1`);
    mkdirSync(path); // opening a directory for reading fails (EISDIR), also as root
    expect(f.readNew()).toEqual(["line 1"]);
    expect(() => f.readNew()).toThrow(/EISDIR/);
    rmdirSync(path);
    writeFileSync(path, lines(2, 3));
    expect(f.readNew()).toEqual(["line 2"]);
  });

  it("copytruncate with a .1 copy: reads the rest from the copy, then the file from 0", () => {
    writeFileSync(path, lines(0, 2));
    const f = follow();
    expect(f.readNew()).toEqual(["line 0", "line 1"]);
    appendFileSync(path, "line 2\nline 3 ha");
    expect(f.readNew()).toEqual(["line 2"]);
    appendFileSync(path, "lf\nline 4\n");
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    appendFileSync(path, lines(5, 6));
    expect(f.readNew()).toEqual(["line 3 half", "line 4", "line 5"]);
    appendFileSync(path, lines(6, 7));
    expect(f.readNew()).toEqual(["line 6"]);
  });

  it("copytruncate without a .1 copy: continues the truncated file from 0", () => {
    writeFileSync(path, lines(0, 4));
    const f = follow();
    expect(f.readNew()).toHaveLength(4);
    truncateSync(path, 0);
    appendFileSync(path, lines(4, 5));
    expect(f.readNew()).toEqual(["line 4"]);
  });

  it("copytruncate where .1 is shorter than the offset (not our copy): ignores it", () => {
    writeFileSync(path, lines(0, 4));
    writeFileSync(`${path}.1`, "x\n");
    const f = follow();
    expect(f.readNew()).toHaveLength(4);
    truncateSync(path, 0);
    appendFileSync(path, lines(4, 5));
    expect(f.readNew()).toEqual(["line 4"]);
  });

  it("file deleted and recreated", () => {
    writeFileSync(path, lines(0, 1));
    const f = follow();
    expect(f.readNew()).toEqual(["line 0"]);
    unlinkSync(path);
    expect(f.readNew()).toEqual([]);
    expect(f.readNew()).toEqual([]);
    writeFileSync(path, lines(1, 3));
    expect(f.readNew()).toEqual(["line 1", "line 2"]);
  });

  it("throws ENOENT until a missing file appears, then reads it from the start", () => {
    const f = follow();
    expect(() => f.readNew()).toThrow(/ENOENT/);
    writeFileSync(path, lines(0, 2));
    expect(f.readNew()).toEqual(["line 0", "line 1"]);
  });

  it("on a huge file, starts at most initialTailBytes before the end, at a line start", () => {
    const text = lines(0, 100_000);
    writeFileSync(path, text);
    const f = follow({ initialTailBytes: 1000 });
    const got = f.readNew();
    expect(got.at(-1)).toBe("line 99999");
    expect(got.length).toBeGreaterThan(50);
    expect(got.length).toBeLessThan(120);
    expect(got.every((l) => /^line \d+$/.test(l))).toBe(true);
    const first = Number(got[0]?.slice(5));
    expect(got).toEqual(Array.from({ length: 100_000 - first }, (_, i) => `line ${first + i}`));
  });

  it("a tail starting exactly at a line start keeps that line", () => {
    writeFileSync(path, "0123456789\nabc\n");
    expect(follow({ initialTailBytes: 4 }).readNew()).toEqual(["abc"]);
  });

  it("caps the bytes per call and continues on the next calls", () => {
    writeFileSync(path, "");
    const f = follow({ maxBytesPerRead: 1000 });
    expect(f.readNew()).toEqual([]);
    appendFileSync(path, lines(0, 1000)); // ~8.9 kB
    const calls: number[] = [];
    const got: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = f.readNew();
      calls.push(batch.length);
      got.push(...batch);
    }
    expect(got).toEqual(lines(0, 1000).trimEnd().split("\n"));
    expect(calls.filter((n) => n > 0).length).toBeGreaterThanOrEqual(9);
    expect(Math.max(...calls)).toBeLessThanOrEqual(1000 / 6 + 1);
  });

  it("drops an overlong line without a newline and resumes at the next line", () => {
    writeFileSync(path, "x".repeat(40_000));
    const f = follow();
    expect(f.readNew()).toEqual([]);
    appendFileSync(path, "x".repeat(40_000));
    expect(f.readNew()).toEqual([]);
    appendFileSync(path, "xxx\nok\n");
    expect(f.readNew()).toEqual(["ok"]);
  });
});
