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

/** `agents[0].host`; `prefix` is the path of the union an option's issue comes from. */
function keyPath(issue: Issue, prefix: string): string {
  let out = prefix;
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** An object's key that is not optional, left out: valibot's "Invalid key: expected "host", got undefined". */
function isMissingKey(issue: Issue): boolean {
  const last = issue.path?.at(-1);
  return (
    issue.kind === "schema" && last?.type === "object" && last.origin === "key" && issue.input === undefined
  );
}

/**
 * The issues of a union's object form when the input is an object and that form has problems
 * of its own keys (`thresholds.cpu_usage.warning: expected number`): more use than the union's
 * "a number, null or {...}". Issue paths inside a union are relative to it.
 */
function objectOptionIssues(issue: Issue): Issue[] {
  const input = issue.input;
  if (issue.type !== "union" || input === null || typeof input !== "object" || Array.isArray(input))
    return [];
  return (issue.issues ?? []).filter((sub) => (sub.path?.length ?? 0) > 0);
}

/** One line per problem, e.g. `security.allowed_ips[1]: not an IP address or CIDR (got "10.0.0.300")`. */
export function describeIssues(issues: ReadonlyArray<Issue>, prefix = ""): string[] {
  return issues.flatMap((issue) => {
    const key = keyPath(issue, prefix);
    const inner = objectOptionIssues(issue);
    if (inner.length > 0) return describeIssues(inner, key);
    if (issue.type === "strict_object" && issue.expected === "never") return [`${key}: unknown key`];
    if (isMissingKey(issue)) return [`${key}: required`];
    // our own checks (closedObject's unknown keys, duplicate names) say all there is to say
    if (issue.type === "raw_check") return [`${key}: ${issue.message}`];
    // valibot's own messages start with "Invalid"; ours say what a user should write instead
    if (issue.message.startsWith("Invalid")) {
      return [`${key}: expected ${issue.expected ?? "another value"}, got ${issue.received}`];
    }
    const shown =
      typeof issue.input === "object" || issue.input === undefined
        ? ""
        : ` (got ${JSON.stringify(issue.input)})`;
    return [`${key}: ${issue.message}${shown}`];
  });
}
