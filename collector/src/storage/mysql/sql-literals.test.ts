import { describe, expect, it } from "vitest";
import { chunkStatements, cut, dbl, quote, str, ubig, uint } from "./sql-literals.js";

describe("SQL literals", () => {
  it("quotes strings with backslash escapes for the characters MySQL needs escaped", () => {
    expect(quote("plain")).toBe("'plain'");
    expect(quote("it's")).toBe("'it\\'s'");
    expect(quote("a\\b")).toBe("'a\\\\b'");
    expect(quote("nul\0 nl\n cr\r ctrlz\x1a")).toBe("'nul\\0 nl\\n cr\\r ctrlz\\Z'");
    expect(quote('"json" ?')).toBe("'\"json\" ?'");
    // The same string twice: the global regex keeps no state between calls.
    expect(quote("x'y")).toBe(quote("x'y"));
  });

  it("cuts strings to the column width without splitting a surrogate pair", () => {
    expect(cut("abcdef", 3)).toBe("abc");
    expect(cut("ab😀", 3)).toBe("ab");
    expect(str("x".repeat(10), 4)).toBe("'xxxx'");
    expect(str(42, 4)).toBe("NULL");
    expect(str(null, 4)).toBe("NULL");
  });

  it("keeps finite doubles and turns anything else into NULL", () => {
    expect(dbl(1.5)).toBe("1.5");
    expect(dbl(-0.25)).toBe("-0.25");
    expect(dbl(1e-7)).toBe("1e-7");
    expect(dbl(Number.NaN)).toBe("NULL");
    expect(dbl(Number.POSITIVE_INFINITY)).toBe("NULL");
    expect(dbl("1")).toBe("NULL");
    expect(dbl(undefined)).toBe("NULL");
  });

  it("rounds unsigned integers and turns negative or out-of-range values into NULL", () => {
    expect(ubig(33_376_579_584)).toBe("33376579584");
    expect(ubig(1.6)).toBe("2");
    expect(ubig(-1)).toBe("NULL");
    expect(ubig(1e20)).toBe("NULL");
    expect(uint(4_294_967_295)).toBe("4294967295");
    expect(uint(4_294_967_296)).toBe("NULL");
    expect(uint(null)).toBe("NULL");
  });

  it("groups rows into statements by row count and size", () => {
    const rows = ["(1)", "(2)", "(3)", "(4)", "(5)"];
    expect(chunkStatements("INSERT INTO t (a)", rows, 2, 1000)).toEqual([
      "INSERT INTO t (a) VALUES (1),(2)",
      "INSERT INTO t (a) VALUES (3),(4)",
      "INSERT INTO t (a) VALUES (5)",
    ]);
    expect(chunkStatements("I", rows, 100, 8)).toEqual([
      "I VALUES (1),(2)",
      "I VALUES (3),(4)",
      "I VALUES (5)",
    ]);
    expect(chunkStatements("I", ["(a-row-longer-than-the-limit)"], 100, 4)).toEqual([
      "I VALUES (a-row-longer-than-the-limit)",
    ]);
    expect(chunkStatements("I", [], 10, 10)).toEqual([]);
    expect(chunkStatements("I", ["(1)"], 10, 100, " ON DUPLICATE KEY UPDATE a = a")).toEqual([
      "I VALUES (1) ON DUPLICATE KEY UPDATE a = a",
    ]);
  });
});
