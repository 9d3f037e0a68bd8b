import { describe, expect, it } from "vitest";
import { errorText } from "./error-text.js";

describe("errorText", () => {
  it("names an error's code when its message does not", () => {
    const denied = Object.assign(new Error("Access denied for user 'x'"), { code: "ER_ACCESS_DENIED_ERROR" });
    expect(errorText(denied)).toBe("ER_ACCESS_DENIED_ERROR: Access denied for user 'x'");
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(errorText(refused)).toBe("connect ECONNREFUSED 127.0.0.1:1");
  });

  it("gives the first error of an AggregateError (every address of a host failed)", () => {
    expect(errorText(new AggregateError([new Error("first"), new Error("second")]))).toBe("first");
  });

  it("shows a thrown object as JSON, not [object Object], and survives a cycle", () => {
    expect(errorText({ code: 7, why: "busy" })).toBe('{"code":7,"why":"busy"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorText(cyclic)).toBe("[object Object]");
    expect(errorText("plain")).toBe("plain");
    expect(errorText(undefined)).toBe("undefined");
  });
});
