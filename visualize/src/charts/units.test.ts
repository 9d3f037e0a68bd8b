import { describe, expect, it } from "vitest";
import { safeFileName } from "./safe-file-name.js";
import { bytesPerSecondStep, formatBytesPerSecond } from "./units.js";

describe("formatBytesPerSecond", () => {
  it.each([
    [0, "0 B/s"],
    [512, "512 B/s"],
    [1536, "1.5 KiB/s"],
    [200 * 1024 * 1024, "200 MiB/s"],
    [3 * 1024 ** 3, "3 GiB/s"],
  ])("%d → %s", (value, text) => expect(formatBytesPerSecond(value)).toBe(text));
});

describe("bytesPerSecondStep", () => {
  it("steps in round amounts of the unit the labels use", () => {
    expect(bytesPerSecondStep(900 * 1024)).toBe(200 * 1024);
    expect(bytesPerSecondStep(8 * 1024 * 1024)).toBe(2 * 1024 * 1024);
    expect(bytesPerSecondStep(0)).toBe(1);
  });
});

describe("safeFileName", () => {
  it("keeps ordinary host names", () => {
    expect(safeFileName("web-01.example.com")).toBe("web-01.example.com");
  });

  it.each(["..", ".", "../etc", "a/b", "a\\b", ".hidden", "", "web 01", "ä"])("makes %j safe", (name) => {
    const safe = safeFileName(name);
    expect(safe).toMatch(/^[A-Za-z0-9_~-][A-Za-z0-9_.~-]*$/);
    expect(safe).not.toContain("/");
  });

  it("keeps distinct names distinct", () => {
    const names = ["a/b", "a_b", "a~2Fb", "a%2Fb", "A/b", ".x", "~2Ex"];
    expect(new Set(names.map(safeFileName)).size).toBe(names.length);
  });

  it("shortens very long names", () => {
    const long = safeFileName("x".repeat(300));
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).not.toBe(safeFileName(`${"x".repeat(299)}y`));
  });
});
