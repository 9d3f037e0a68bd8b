import { readFileSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import { globSync, isDynamicPattern } from "tinyglobby";
import * as v from "valibot";
import { ConfigError, describeIssues } from "../../../common/src/config/config-error.js";
import { parseJsonText } from "../../../common/src/config/json-file.js";
import { agentSchema, type AgentTarget } from "./schema.js";

/** An agent read from one of the `agents_files`, with where it was: `/etc/hostwatch/agents.d/web.json[0]`. */
export interface FileAgent {
  agent: AgentTarget;
  where: string;
}

export interface AgentsFromFiles {
  agents: FileAgent[];
  /** Every problem, each naming its file and index; any problem refuses the whole config. */
  problems: string[];
}

/**
 * The agents of the files the `agents_files` glob patterns match (relative patterns from
 * `baseDir`), in file name order. Each file holds one agent object or a list of them, checked
 * with the schema of an `agents` entry. A name given twice, across files or with `agents`
 * (`inlineNames`), is a problem naming both places. A file half-written by a configuration
 * management tool is a JSON error like any other: the caller keeps the agents it had.
 */
export function readAgentsFiles(
  patterns: ReadonlyArray<string>,
  baseDir: string,
  inlineNames: ReadonlyArray<string>,
): AgentsFromFiles {
  const agents: FileAgent[] = [];
  const problems: string[] = [];
  if (patterns.length === 0) return { agents, problems };
  const seen = new Map(inlineNames.map((name, index) => [name, `agents[${index}]`]));
  const files = globSync([...patterns], { cwd: baseDir, absolute: true, onlyFiles: true }).sort();
  for (const file of files) {
    for (const item of agentItems(file, problems)) {
      const where = `${file}[${item.index}]`;
      const result = v.safeParse(agentSchema, item.value, { abortPipeEarly: false });
      if (!result.success) {
        problems.push(...describeIssues(result.issues).map((line) => prefixed(where, line)));
        continue;
      }
      const earlier = seen.get(result.output.name);
      if (earlier !== undefined) {
        problems.push(`${where}.name: "${result.output.name}" is already used by ${earlier}`);
        continue;
      }
      seen.set(result.output.name, where);
      agents.push({ agent: result.output, where });
    }
  }
  return { agents, problems };
}

function agentItems(file: string, problems: string[]): Array<{ index: number; value: unknown }> {
  let parsed: unknown;
  try {
    // an editor's byte order mark is no reason to refuse a file
    parsed = parseJsonText(readFileSync(file, "utf8").replace(/^\uFEFF/, ""), file);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else problems.push(`${file}: cannot be read: ${(error as Error).message}`);
    return [];
  }
  const list = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  if (list.some((value) => value === null || typeof value !== "object" || Array.isArray(value))) {
    problems.push(`${file}: expected one agent object or a list of them`);
    return [];
  }
  return list.map((value, index) => ({ index, value }));
}

/** `name: required` under `/x/a.json[0]` is `/x/a.json[0].name: required`. */
function prefixed(where: string, line: string): string {
  return line.startsWith("(top level)") ? `${where}${line.slice("(top level)".length)}` : `${where}.${line}`;
}

export interface AgentsFilesWatch {
  /** False when a folder could not be watched (it does not exist yet): watch again at the next reload. */
  readonly complete: boolean;
  close(): void;
}

/** How long the files must be quiet before a change is read: a tool writing many files at once gives one reload. */
export const AGENTS_FILES_DEBOUNCE_MS = 500;

/**
 * Calls `onChange` (debounced) when anything changes in the folders the patterns (absolute, as
 * the parsed config holds them) can match in
 * (the part of each pattern before its first wildcard; recursive when the wildcards span
 * folders). A folder that cannot be watched (it does not exist yet) is reported through
 * `onProblem`; its files are still read at every reload.
 */
export function watchAgentsFiles(
  patterns: ReadonlyArray<string>,
  onChange: () => void,
  onProblem: (message: string) => void,
  debounceMs = AGENTS_FILES_DEBOUNCE_MS,
): AgentsFilesWatch {
  const watchers: FSWatcher[] = [];
  let complete = true;
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  for (const [dir, recursive] of watchedFolders(patterns)) {
    try {
      const watcher = watch(dir, { recursive, persistent: false }, changed);
      watcher.on("error", (error) => {
        complete = false;
        onProblem(
          `agents_files: stopped watching ${dir}: ${error.message}; changes there are read at SIGHUP`,
        );
        watcher.close();
      });
      watchers.push(watcher);
    } catch (error) {
      complete = false;
      onProblem(
        `agents_files: cannot watch ${dir}: ${(error as Error).message}; changes there are read at SIGHUP`,
      );
    }
  }
  return {
    get complete() {
      return complete;
    },
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** folder → recursive, for every pattern. */
function watchedFolders(patterns: ReadonlyArray<string>): Map<string, boolean> {
  const folders = new Map<string, boolean>();
  for (const pattern of patterns) {
    const segments = path.resolve(pattern).split(path.sep);
    const firstWild = segments.findIndex((segment) => isDynamicPattern(segment));
    // a plain file name: its folder; a pattern: the folder before the first wildcard
    const fixed = firstWild === -1 ? segments.length - 1 : firstWild;
    const dir = segments.slice(0, fixed).join(path.sep) || path.sep;
    const recursive = firstWild !== -1 && firstWild < segments.length - 1;
    folders.set(dir, (folders.get(dir) ?? false) || recursive);
  }
  return folders;
}
