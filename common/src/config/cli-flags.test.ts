import { describe, expect, it } from "vitest";
import { unknownFlags } from "./cli-flags.js";

const known = ["config", "c", "host", "port", "check-config", "help", "version", "once"];

describe("unknown command-line options", () => {
  it("names every unknown option, with a near miss suggested", () => {
    expect(
      unknownFlags(["--prot", "1", "--check-confg", "--config=x", "-x", "--colour", "red"], known),
    ).toEqual([
      "--prot: unknown option (did you mean --port?)",
      "--check-confg: unknown option (did you mean --check-config?)",
      "-x: unknown option",
      "--colour: unknown option",
    ]);
  });

  it("knows aliases, --no-flag, values and what follows --", () => {
    expect(
      unknownFlags(["-c", "x.json", "--no-once", "--checkConfig", "--port", "-1", "--", "--anything"], known),
    ).toEqual([]);
  });
});
