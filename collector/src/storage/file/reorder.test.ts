import { describe, expect, it } from "vitest";
import { RecentKeys, ReorderWindow } from "./reorder.js";

describe("reorder window", () => {
  const run = (size: number, times: number[]) => {
    const window = new ReorderWindow<number>(size);
    const out: number[] = [];
    times.forEach((time, i) => {
      const released = window.push(time, i);
      if (released !== undefined) out.push(times[released] ?? NaN);
    });
    return [...out, ...[...window.drain()].map((i) => times[i] ?? NaN)];
  };

  it("sorts values displaced by less than its size, keeping equal times in arrival order", () => {
    const times = Array.from({ length: 500 }, (_, i) => i + ((i * 7919) % 10));
    expect(run(10, times)).toEqual([...times].sort((a, b) => a - b));
    const window = new ReorderWindow<string>(2);
    expect([window.push(1, "a"), window.push(1, "b"), window.push(1, "c"), ...window.drain()]).toEqual([
      undefined,
      undefined,
      "a",
      "b",
      "c",
    ]);
  });

  it("releases the earliest waiting value whatever the disorder (the earliest to arrive among equal times)", () => {
    const times = Array.from({ length: 2000 }, (_, i) => (i * 7919) % 97);
    const expected: number[] = [];
    const waiting: number[] = [];
    for (const [i] of times.entries()) {
      waiting.push(i);
      if (waiting.length > 16) {
        const earliest = waiting.reduce((a, b) => ((times[b] as number) < (times[a] as number) ? b : a));
        expected.push(times[earliest] as number);
        waiting.splice(waiting.indexOf(earliest), 1);
      }
    }
    expected.push(...waiting.map((i) => times[i] as number).sort((a, b) => a - b));
    expect(run(16, times)).toEqual(expected);
  });

  it("passes values through with size 0", () => {
    expect(run(0, [3, 1, 2])).toEqual([3, 1, 2]);
  });
});

describe("recent keys", () => {
  it("remembers the last `size` keys", () => {
    const keys = new RecentKeys(2);
    expect(["a", "b", "a", "c", "a", "b"].map((k) => keys.add(k))).toEqual([
      true,
      true,
      false,
      true,
      true,
      true,
    ]);
  });
});
