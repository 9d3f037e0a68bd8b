import { describe, expect, it } from "vitest";
import { boundList, byDescending } from "./bound-list.js";

const numbers = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("boundList", () => {
  it("keeps a list under the limit as it is, with its length as the total", () => {
    const items = [3, 1, 2];
    const bounded = boundList(
      items,
      50,
      byDescending((x) => x),
    );
    expect(bounded).toEqual({ items: [3, 1, 2], total: 3 });
    expect(bounded.items).not.toBe(items);
  });

  it("cuts 2,000 entries to the limit, keeping the best ranked in their input order", () => {
    // Every 40th entry is "important": exactly 50 of them, spread over the list.
    const items = numbers(2000).map((i) => ({ i, important: i % 40 === 7 }));
    const bounded = boundList(
      items,
      50,
      byDescending((x) => (x.important ? 1 : 0)),
    );
    expect(bounded.total).toBe(2000);
    expect(bounded.items).toHaveLength(50);
    expect(bounded.items.every((x) => x.important)).toBe(true);
    expect(bounded.items.map((x) => x.i)).toEqual(numbers(50).map((k) => k * 40 + 7));
  });

  it("breaks ties by input order, so the earlier entries win", () => {
    const bounded = boundList(numbers(2000), 50, () => 0);
    expect(bounded.items).toEqual(numbers(50));
  });

  it("keeps the first entries without a rank (positional lists)", () => {
    expect(boundList(numbers(2000), 1024)).toEqual({ items: numbers(1024), total: 2000 });
  });

  it("treats a fractional or negative maximum as whole and non-negative", () => {
    expect(boundList([1, 2, 3], 1.9)).toEqual({ items: [1], total: 3 });
    expect(boundList([1, 2, 3], -1)).toEqual({ items: [], total: 3 });
  });
});

describe("byDescending", () => {
  it("puts larger keys first and missing or non-finite keys last", () => {
    const items: { v?: number | null }[] = [{ v: 1 }, {}, { v: Number.NaN }, { v: 9 }, { v: null }, { v: 5 }];
    const sorted = [...items].sort(byDescending((x) => x.v));
    expect(sorted.slice(0, 3)).toEqual([{ v: 9 }, { v: 5 }, { v: 1 }]);
  });
});
