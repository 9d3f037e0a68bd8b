import { describe, expect, it } from "vitest";
import { ownerOf, pollOffsetMs, shareOf } from "./shard.js";

const agents = Array.from({ length: 300 }, (_, i) => ({ name: `host-${i}` }));

describe("sharding", () => {
  it("gives every agent to exactly one of three collectors, in fair shares", () => {
    const shares = [0, 1, 2].map((index) => shareOf(agents, { index, count: 3 }));
    const all = shares.flat().map((a) => a.name);
    expect(all).toHaveLength(agents.length);
    expect(new Set(all).size).toBe(agents.length);
    for (const share of shares) expect(share.length).toBeGreaterThan(70);
  });

  it("moves only the new collector's share when one is added", () => {
    const moved = agents.filter((a) => ownerOf(a.name, 3) !== ownerOf(a.name, 4));
    expect(moved.every((a) => ownerOf(a.name, 4) === 3)).toBe(true);
    expect(moved.length).toBeGreaterThan(40);
    expect(moved.length).toBeLessThan(110);
  });

  it("keeps everything with a single collector", () => {
    expect(shareOf(agents, { index: 0, count: 1 })).toHaveLength(300);
  });
});

describe("poll offsets", () => {
  it("are stable per agent and spread over the interval", () => {
    const offsets = agents.map((a) => pollOffsetMs(a.name, 10_000));
    expect(offsets.every((o) => o >= 0 && o < 10_000)).toBe(true);
    expect(pollOffsetMs("host-1", 10_000)).toBe(offsets[1]);
    const buckets = new Set(offsets.map((o) => Math.floor(o / 1000)));
    expect(buckets.size).toBe(10);
  });
});
