import { format } from "date-fns";
import { describe, expect, it } from "vitest";
import { timeAxis, timeTicks } from "./time-axis.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const to = new Date(2025, 2, 12, 14, 37, 12).getTime();

describe("timeTicks", () => {
  it.each([
    [HOUR, "HH:mm", "minute", 10],
    [6 * HOUR, "HH:mm", "hour", 1],
    [DAY, "HH:mm", "hour", 3],
    [2 * DAY, "EEE HH:mm", "hour", 8],
    [4 * DAY, "EEE HH:mm", "day", 1],
    [7 * DAY, "MMM d", "day", 1],
    [30 * DAY, "MMM d", "day", 5],
  ])("a range of %d ms is labelled %s every %s×%d", (span, fmt, unit, step) => {
    const ticks = timeTicks(to - span, to);
    expect(ticks).toMatchObject({ format: fmt, unit, step });
    expect(ticks.ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.ticks.length).toBeLessThanOrEqual(9);
    for (const tick of ticks.ticks) {
      expect(tick).toBeGreaterThanOrEqual(to - span);
      expect(tick).toBeLessThanOrEqual(to);
      const date = new Date(tick);
      expect(date.getSeconds()).toBe(0);
      if (unit === "minute") expect(date.getMinutes() % step).toBe(0);
      if (unit === "hour") expect([date.getMinutes(), date.getHours() % step]).toEqual([0, 0]);
      if (unit === "day") expect([date.getHours(), date.getMinutes()]).toEqual([0, 0]);
    }
  });

  it("labels a day with local clock times", () => {
    const { ticks, format: fmt } = timeTicks(to - DAY, to);
    expect(ticks.map((t) => format(t, fmt))).toEqual([
      "15:00",
      "18:00",
      "21:00",
      "00:00",
      "03:00",
      "06:00",
      "09:00",
      "12:00",
    ]);
  });
});

describe("timeAxis", () => {
  it("spans exactly the range, so charts of a page line up", () => {
    const axis = timeAxis(to - DAY, to);
    expect(axis).toMatchObject({ type: "time", min: to - DAY, max: to });
  });
});
