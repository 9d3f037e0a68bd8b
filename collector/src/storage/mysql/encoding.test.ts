import { describe, expect, it } from "vitest";
import {
  cut,
  dbl,
  field,
  insertStatements,
  quote,
  runs,
  sqlLiteral,
  sqlTuple,
  str,
  ubig,
  uint,
} from "./encoding.js";
import { isLoadDataRefused } from "./statements.js";

describe("field encoding", () => {
  it("escapes what LOAD DATA's default format needs escaped", () => {
    expect(field("plain 'quoted' \"json\" ?")).toBe("plain 'quoted' \"json\" ?");
    expect(field("a\\b\tc\nd\re\0f")).toBe("a\\\\b\\tc\\nd\\re\\0f");
    expect(field("\\N")).toBe("\\\\N");
    // The same string twice: the global regex keeps no state between calls.
    expect(field("x\ty")).toBe(field("x\ty"));
  });

  it("turns a field into an SQL literal with the same meaning", () => {
    expect(sqlLiteral("\\N")).toBe("NULL");
    expect(sqlLiteral("12.5")).toBe("'12.5'");
    expect(sqlLiteral(field("it's a \\ back\nslash"))).toBe("'it\\'s a \\\\ back\\nslash'");
    expect(quote("o'neil")).toBe("'o\\'neil'");
    expect(sqlTuple(["1", "\\N", field("a\tb")].join("\t"))).toBe("('1',NULL,'a\\tb')");
  });

  it("cuts strings to the column width without splitting a surrogate pair", () => {
    expect(cut("abcdef", 3)).toBe("abc");
    expect(cut("ab😀", 3)).toBe("ab");
    expect(str("x".repeat(10), 4)).toBe("xxxx");
    expect(str(42, 4)).toBe("\\N");
    expect(str(null, 4)).toBe("\\N");
  });

  it("keeps finite doubles and turns anything else into NULL", () => {
    expect(dbl(1.5)).toBe("1.5");
    expect(dbl(-0.25)).toBe("-0.25");
    expect(dbl(1e-7)).toBe("1e-7");
    expect(dbl(Number.NaN)).toBe("\\N");
    expect(dbl(Number.POSITIVE_INFINITY)).toBe("\\N");
    expect(dbl("1")).toBe("\\N");
    expect(dbl(undefined)).toBe("\\N");
  });

  it("rounds unsigned integers and turns negative or out-of-range values into NULL", () => {
    expect(ubig(33_376_579_584)).toBe("33376579584");
    expect(ubig(1.6)).toBe("2");
    expect(ubig(-1)).toBe("\\N");
    expect(ubig(1e20)).toBe("\\N");
    expect(uint(4_294_967_295)).toBe("4294967295");
    expect(uint(4_294_967_296)).toBe("\\N");
    expect(uint(null)).toBe("\\N");
  });

  it("groups rows into runs and statements by count and size", () => {
    expect([...runs(["a", "b", "c", "d", "e"], 2, 1000)]).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect([...runs(["aaa", "bbb", "ccc"], 100, 8)]).toEqual([["aaa", "bbb"], ["ccc"]]);
    expect([...runs(["a-row-longer-than-the-limit"], 100, 4)]).toEqual([["a-row-longer-than-the-limit"]]);
    expect([...runs([], 10, 10)]).toEqual([]);
    expect(
      insertStatements(
        "INSERT INTO t (a, b)",
        ["1\tx", "2\t\\N", "3\ty"],
        2,
        1000,
        " ON DUPLICATE KEY UPDATE a = a",
      ),
    ).toEqual([
      "INSERT INTO t (a, b) VALUES ('1','x'),('2',NULL) ON DUPLICATE KEY UPDATE a = a",
      "INSERT INTO t (a, b) VALUES ('3','y') ON DUPLICATE KEY UPDATE a = a",
    ]);
  });

  it("recognises a refused LOAD DATA LOCAL INFILE", () => {
    expect(
      isLoadDataRefused(
        Object.assign(new Error("The used command is not allowed with this MariaDB version"), {
          errno: 1148,
        }),
      ),
    ).toBe(true);
    expect(
      isLoadDataRefused(
        Object.assign(
          new Error(
            "Loading local data is disabled; this must be enabled on both the client and server sides",
          ),
          { errno: 3948 },
        ),
      ),
    ).toBe(true);
    expect(
      isLoadDataRefused(Object.assign(new Error("Deadlock found when trying to get lock"), { errno: 1213 })),
    ).toBe(false);
    expect(isLoadDataRefused(null)).toBe(false);
  });
});
