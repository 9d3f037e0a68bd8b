import { describe, expect, it } from "vitest";
import { parseDuration, parseSize } from "./units.js";

describe("units", () => {
  it.each([
    ["10MB", 10 * 1024 * 1024],
    ["500KB", 500 * 1024],
    ["1g", 1024 ** 3],
    ["20k", 20 * 1024],
    [4096, 4096],
  ])("size %s → %d bytes", (input, bytes) => expect(parseSize(input)).toBe(bytes));

  it.each(["", "10 XB", "-5MB", 0, 1.5])("size %s is refused", (input) =>
    expect(parseSize(input)).toBeUndefined(),
  );

  it.each([
    ["30s", 30],
    ["5m", 300],
    ["4h", 14_400],
    ["1d", 86_400],
    ["14d", 14 * 86_400],
    ["2w", 14 * 86_400],
    ["1y", 365 * 86_400],
    ["5Y", 5 * 365 * 86_400],
    ["90", 90],
    [0, 0],
  ])("duration %s → %d s", (input, seconds) => expect(parseDuration(input)).toBe(seconds));

  it.each(["4 hours", "h", -1, "1mo", "2 years"])("duration %s is refused", (input) =>
    expect(parseDuration(input)).toBeUndefined(),
  );
});
