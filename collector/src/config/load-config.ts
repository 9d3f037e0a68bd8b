import { readFileSync } from "node:fs";
import path from "node:path";
import * as v from "valibot";
import { ConfigError, describeIssues } from "../../../common/src/config/config-error.js";
import { readJsonFile } from "../../../common/src/config/json-file.js";
import { pollBudgetMs } from "../polling/poll-budget.js";
import { readAgentsFiles } from "./agents-files.js";
import { collectorConfigSchema, type AgentTarget, type ParsedCollectorConfig } from "./schema.js";

export interface AgentEndpoint extends AgentTarget {
  /** http(s)://host:port/RPC2 */
  url: string;
  /** From token or token_file. */
  secret: string | undefined;
  ca: Buffer | undefined;
}

export interface StoragePaths {
  dir: string;
  logFile: string;
  metricsFile: string;
  jsonFile: string;
  figuresFile: string;
  eventsFile: string;
  alertsFile: string;
  spoolDir: string;
  deadLetterFile: string;
}

export interface CollectorConfig extends Omit<ParsedCollectorConfig, "agents" | "state_dir"> {
  agents: AgentEndpoint[];
  state_dir: string;
  paths: StoragePaths;
  /** What is accepted but worth a line in the log (e.g. a timeout clamped to the poll interval). */
  warnings: readonly string[];
}

/** Validates once, lists every problem with its key, resolves paths and secrets, and freezes. */
export function parseCollectorConfig(input: unknown, baseDir = process.cwd()): CollectorConfig {
  const result = v.safeParse(collectorConfigSchema, input ?? {}, { abortPipeEarly: false });
  if (!result.success) {
    const problems = describeIssues(result.issues);
    throw new ConfigError(`invalid collector config:\n  ${problems.join("\n  ")}`, problems);
  }
  const parsed = result.output;
  const resolve = (p: string, from: string) => path.resolve(from, p);
  const stateDir = resolve(parsed.state_dir ?? process.env.STATE_DIRECTORY ?? "var/collector", baseDir);
  const dir = resolve(parsed.storage.dir ?? "var/data", baseDir);
  const files = readAgentsFiles(
    parsed.agents_files,
    baseDir,
    parsed.agents.map((agent) => agent.name),
  );
  const problems: string[] = [...files.problems];
  const agents = [
    ...parsed.agents.map((agent, index) => endpoint(agent, `agents[${index}]`, baseDir, problems)),
    ...files.agents.map(({ agent, where }) => endpoint(agent, where, baseDir, problems)),
  ];
  if (problems.length > 0)
    throw new ConfigError(`invalid collector config:\n  ${problems.join("\n  ")}`, problems);
  const warnings: string[] = [];
  return Object.freeze({
    ...parsed,
    timeout: clampTimeout(parsed.timeout, parsed.poll_interval, warnings),
    warnings,
    agents,
    // absolute, so that the folders watched for changes are the ones read
    agents_files: parsed.agents_files.map((pattern) => resolve(pattern, baseDir)),
    state_dir: stateDir,
    paths: {
      dir,
      logFile: resolve(parsed.storage.log_file, dir),
      metricsFile: resolve(parsed.storage.metrics_file, dir),
      jsonFile: resolve(parsed.storage.json_file, dir),
      figuresFile: resolve(parsed.storage.figures_file, dir),
      eventsFile: resolve(parsed.storage.events_file, dir),
      alertsFile: resolve(parsed.storage.alerts_file, dir),
      // shards that share a state_dir must not share a spool
      spoolDir: resolve(
        parsed.storage.spool_dir ?? (parsed.shard.count > 1 ? `spool-shard${parsed.shard.index}` : "spool"),
        stateDir,
      ),
      deadLetterFile: resolve(
        parsed.storage.dead_letter_file ??
          (parsed.shard.count > 1 ? `dead-letter-shard${parsed.shard.index}.jsonl` : "dead-letter.jsonl"),
        stateDir,
      ),
    },
  });
}

/**
 * A timeout above poll_interval (the Python collector's `timeout: 10` with a shorter interval) is
 * taken down to what the poll's deadline allows anyway (see pollBudgetMs), with a warning: a
 * poll must end before the agent's next one.
 */
function clampTimeout(timeout: number, pollInterval: number, warnings: string[]): number {
  if (timeout <= pollInterval) return timeout;
  const clamped = pollBudgetMs(pollInterval * 1000) / 1000;
  warnings.push(
    `timeout: ${timeout} s is longer than poll_interval (${pollInterval} s); polls time out after ${clamped} s, so that each ends before the agent's next poll`,
  );
  return clamped;
}

export function loadCollectorConfig(file: string): CollectorConfig {
  return parseCollectorConfig(readJsonFile(file));
}

function endpoint(agent: AgentTarget, where: string, baseDir: string, problems: string[]): AgentEndpoint {
  const read = (key: string, file: string | undefined): Buffer | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(path.resolve(baseDir, file));
    } catch (error) {
      problems.push(`${where}.${key}: cannot read ${file}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const host = agent.host.includes(":") && !agent.host.startsWith("[") ? `[${agent.host}]` : agent.host;
  const tls = agent.tls || agent.ca_file !== undefined;
  return {
    ...agent,
    url: `${tls ? "https" : "http"}://${host}:${agent.port}/RPC2`,
    secret: agent.token ?? read("token_file", agent.token_file)?.toString("utf8").trim(),
    ca: read("ca_file", agent.ca_file),
  };
}
