import { readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { ConfigError, describeIssues } from "../../../common/src/config/config-error.js";
import { readJsonFile } from "../../../common/src/config/json-file.js";
import * as v from "valibot";
import { agentConfigSchema, type ParsedAgentConfig } from "./schema.js";

export interface AgentConfig extends Omit<ParsedAgentConfig, "state_dir" | "name"> {
  name: string;
  state_dir: string;
  /** The shared token from security.token or security.token_file; undefined when auth is off. */
  token: string | undefined;
  /** What is accepted but worth a line in the log (e.g. require_auth without a token). */
  warnings: readonly string[];
}

export interface ConfigOverrides {
  host?: string | undefined;
  port?: number | undefined;
}

/** Validates once, lists every problem, and returns a frozen config with defaults filled in. */
export function parseAgentConfig(input: unknown, overrides: ConfigOverrides = {}): AgentConfig {
  const result = v.safeParse(agentConfigSchema, input ?? {}, { abortPipeEarly: false });
  if (!result.success) {
    const problems = describeIssues(result.issues);
    throw new ConfigError(`invalid agent config:\n  ${problems.join("\n  ")}`, problems);
  }
  const parsed = result.output;
  const security = parsed.security;
  const warnings: string[] = [];
  // the Python agent's require_auth meant "enforce allowed_ips": without a token it keeps that meaning
  const hasToken = security.token !== undefined || security.token_file !== undefined;
  const token =
    security.require_auth && hasToken ? loadToken(security.token, security.token_file) : undefined;
  if (security.require_auth && !hasToken)
    warnings.push(
      "security.require_auth is true but no token is set: only security.allowed_ips is enforced " +
        "(what require_auth meant in the Python agent). To also require a token, set security.token " +
        '(at least 16 characters) or security.token_file, and give the collector the same token (its agent\'s "token")',
    );
  const config: AgentConfig = {
    ...parsed,
    host: overrides.host ?? parsed.host,
    port: overrides.port ?? parsed.port,
    name: parsed.name ?? hostname(),
    state_dir: parsed.state_dir ?? process.env.STATE_DIRECTORY ?? path.resolve("var/agent"),
    token,
    warnings,
  };
  return deepFreeze(config);
}

export function loadAgentConfig(file: string | undefined, overrides: ConfigOverrides = {}): AgentConfig {
  return parseAgentConfig(file === undefined ? {} : readJsonFile(file), overrides);
}

function loadToken(inline: string | undefined, file: string | undefined): string {
  if (inline !== undefined) return inline;
  if (file === undefined) throw new ConfigError("security.token: required when require_auth is true");
  let token: string;
  try {
    if ((statSync(file).mode & 0o004) !== 0) {
      throw new ConfigError(`security.token_file: ${file} is world-readable; chmod 600 it`);
    }
    token = readFileSync(file, "utf8").trim();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`security.token_file: cannot read ${file}: ${(error as Error).message}`);
  }
  if (token.length < 16)
    throw new ConfigError(`security.token_file: the token in ${file} is shorter than 16 characters`);
  return token;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
