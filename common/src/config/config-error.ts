import type { BaseIssue } from "valibot";

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

type Issue = BaseIssue<unknown>;

function keyPath(issue: Issue): string {
  let out = "";
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** One line per problem, e.g. `security.allowed_ips[1]: not an IP address or CIDR (got "10.0.0.300")`. */
export function describeIssues(issues: ReadonlyArray<Issue>): string[] {
  return issues.map((issue) => {
    if (issue.type === "strict_object" && issue.expected === "never") return `${keyPath(issue)}: unknown key`;
    // valibot's own messages start with "Invalid"; ours say what a user should write instead
    if (issue.message.startsWith("Invalid")) {
      return `${keyPath(issue)}: expected ${issue.expected ?? "another value"}, got ${issue.received}`;
    }
    const shown =
      typeof issue.input === "object" || issue.input === undefined
        ? ""
        : ` (got ${JSON.stringify(issue.input)})`;
    return `${keyPath(issue)}: ${issue.message}${shown}`;
  });
}
