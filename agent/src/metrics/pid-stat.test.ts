import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/fixtures/hosts.js";
import { parsePidStat } from "./pid-stat.js";

const stat = (pid: number): string =>
  readFileSync(fixturePath("host-procs/proc", String(pid), "stat"), "latin1");

describe("parsePidStat", () => {
  it("reads state, utime+stime, starttime and rss", () => {
    expect(parsePidStat(stat(512))).toEqual({
      comm: "postgres",
      state: "S",
      ticks: 52000,
      starttime: 3100,
      rssPages: 52000,
    });
  });

  it("reads comm with spaces and parentheses", () => {
    expect(parsePidStat(stat(31337))?.comm).toBe("Web Content");
    expect(parsePidStat(stat(42))?.comm).toBe("(sd-pam)");
    expect(parsePidStat(stat(9001))).toMatchObject({ comm: "kworker/3:1-events", state: "I", ticks: 8600 });
  });

  it("ends comm at the last ')', so a name mimicking fields cannot shift them", () => {
    expect(parsePidStat(stat(4242))).toEqual({
      comm: "evil) S 1 (x",
      state: "S",
      ticks: 150,
      starttime: 8000000,
      rssPages: 2048,
    });
  });

  it("reads this machine's own process", () => {
    const self = parsePidStat(readFileSync("/proc/self/stat", "latin1"));
    expect(self?.state).toBe("R");
    expect(self?.rssPages).toBeGreaterThan(0);
  });

  it("returns null for truncated text", () => {
    expect(parsePidStat("123 (bash")).toBeNull();
    expect(parsePidStat("123 (bash) S 1 2")).toBeNull();
  });
});
