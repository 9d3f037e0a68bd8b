import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error.js";

/** A config file's JSON; a missing or broken file is a ConfigError naming it (and the line and column). */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    // an editor's byte order mark is no reason to refuse a file
    text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  return parseJsonText(text, file);
}

/** JSON.parse, with a syntax error told as `FILE:LINE:COLUMN: what`, then the line and a caret. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    // V8 says "... in JSON at position N" (Node 20) or adds "(line L column C)" (Node 22), or
    // "Unexpected end of JSON input" with no position: the end of the text
    const position = /at position (\d+)/.exec(message);
    const offset = position?.[1] === undefined ? text.length : Number(position[1]);
    const what = message
      .replace(/\s*in JSON at position \d+(\s*\(line \d+ column \d+\))?/, "")
      .replace(/ of JSON input$/, " of the file");
    const { line, column, source } = locate(text, offset);
    const problem = `${file}:${line}:${column}: not valid JSON: ${what}`;
    throw new ConfigError(`${problem}\n    ${source}\n    ${" ".repeat(column - 1)}^`, [problem]);
  }
}

function locate(text: string, offset: number): { line: number; column: number; source: string } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const lineEnd = text.indexOf("\n", lineStart);
  const source = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, "");
  return { line, column: offset - lineStart + 1, source: source.replace(/\t/g, " ") };
}
