import type { z } from "zod";

/** A config problem a user can fix: the message names the key and what is wrong with it. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

function keyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** One line per problem, e.g. `security.allowed_ips[1]: not an IP address or CIDR ("10.0.0.300")`. */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, input: unknown): string[] {
  return issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const where = issue.path.length === 0 ? "" : `${keyPath(issue.path)}.`;
      return issue.keys.map((key) => `${where}${key}: unknown key`).join("; ");
    }
    const received = valueAt(input, issue.path);
    const shown = received === undefined ? "" : ` (got ${JSON.stringify(received)})`;
    return `${keyPath(issue.path)}: ${issue.message}${shown}`;
  });
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return typeof current === "object" ? undefined : current;
}
