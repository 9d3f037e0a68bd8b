import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { closedObject, suggestion } from "./closed-object.js";
import { describeIssues } from "./config-error.js";

describe("closedObject", () => {
  const schema = closedObject({
    port: v.optional(v.number()),
    nested: v.optional(closedObject({ warning: v.optional(v.number()), critical: v.optional(v.number()) })),
    host: v.string(),
  });
  const problems = (input: unknown) => {
    const result = v.safeParse(schema, input, { abortPipeEarly: false });
    return result.success ? [] : describeIssues(result.issues);
  };

  it("reports every unknown key of every object, next to the other problems", () => {
    expect(problems({ prot: 1, hots: "h", port: "x", nested: { critcal: 1, warning: "y" } })).toEqual([
      'port: expected number, got "x"',
      'nested.warning: expected number, got "y"',
      'nested.critcal: unknown key (did you mean "critical"?)',
      "host: required",
      'prot: unknown key (did you mean "port"?)',
      'hots: unknown key (did you mean "host"?)',
    ]);
  });

  it("outputs the known keys of a good object", () => {
    expect(v.parse(schema, { host: "h", port: 1 })).toEqual({ host: "h", port: 1 });
  });
});

describe("did you mean", () => {
  it("suggests near misses only", () => {
    expect(suggestion("check_intervall", ["check_interval", "port"])).toBe(
      ' (did you mean "check_interval"?)',
    );
    expect(suggestion("prot", ["port", "host"])).toBe(' (did you mean "port"?)');
    expect(suggestion("colour", ["name", "host", "port"])).toBe("");
    expect(suggestion("to", ["tls"])).toBe("");
  });
});
