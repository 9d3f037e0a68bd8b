import { describe, expect, it } from "vitest";
import { ConfigError } from "./config-error.js";
import { parseJsonText } from "./json-file.js";

function errorOf(text: string): ConfigError {
  try {
    parseJsonText(text, "c.json");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("parsed");
}

describe("a config file that is not JSON", () => {
  it("names the line and column and shows the line with a caret", () => {
    const error = errorOf('{\n  "agents": [\n    {"name": "a", host: "b"}\n  ]\n}\n');
    expect(error.problems).toEqual(["c.json:3:19: not valid JSON: Expected double-quoted property name"]);
    expect(error.message.split("\n").slice(1)).toEqual([
      '        {"name": "a", host: "b"}',
      `    ${" ".repeat(18)}^`,
    ]);
  });

  it("points at the end of a file cut short", () => {
    expect(errorOf('{\n  "agents": [\n').problems).toEqual([
      "c.json:3:1: not valid JSON: Unexpected end of the file",
    ]);
  });

  it("parses good JSON", () => {
    expect(parseJsonText('{"a": [1]}', "c.json")).toEqual({ a: [1] });
  });
});
