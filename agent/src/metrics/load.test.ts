import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureHost, fixturePath } from "../../test/fixtures/hosts.js";
import { parseLoadavg, readLoad } from "./load.js";

describe("parseLoadavg", () => {
  it("reads the three averages", () => {
    expect(parseLoadavg(readFileSync(fixturePath("host-8core-sensors/proc/loadavg"), "latin1"))).toEqual({
      load_1: 1.37,
      load_5: 0.98,
      load_15: 0.71,
    });
  });

  it("rejects malformed content", () => {
    expect(() => parseLoadavg("")).toThrow(/loadavg/);
    expect(() => parseLoadavg("0.1 abc")).toThrow(/loadavg/);
  });

  it("reads this machine's copy", () => {
    expect(readLoad(fixtureHost("host-2core"))).toEqual({ load_1: 0.11, load_5: 0.21, load_15: 0.11 });
  });
});
