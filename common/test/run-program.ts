import { execFile, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export type Program = "agent" | "collector" | "visualize";
export const programMain = (program: Program) => path.join(REPO_ROOT, `dist/${program}/src/main.js`);

export interface RunOptions {
  cwd?: string;
  /** Added to this process's environment, less the variables that choose a config. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

const run = promisify(execFile);

/** The environment a test gives a program: none of the caller's config choices leak in. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.HOSTWATCH_CONFIG;
  delete env.HOSTWATCH_CONFIG_ROOT;
  return { ...env, ...extra };
}

/** Runs a built program to completion (--check-config, the visualizer). */
export async function runProgram(
  program: Program,
  args: string[],
  options: RunOptions = {},
): Promise<ProgramRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [programMain(program), ...args], {
      cwd: options.cwd,
      env: environment(options.env),
      timeout: options.timeoutMs ?? 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

export interface RunningProgram {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the output once `pattern` is in it; rejects after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a built program in the background; `command` replaces `node MAIN` (e.g. the script itself). */
export function startProgram(
  program: Program,
  args: string[],
  options: RunOptions & { command?: string[] } = {},
): RunningProgram {
  const [file, ...rest] = options.command ?? [process.execPath, programMain(program)];
  const child = spawn(file!, [...rest, ...args], {
    cwd: options.cwd,
    env: environment(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match === null) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${program}: no ${String(pattern)} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`${program} exited (${code}) before ${String(pattern)}:\n${output}`));
        };
        const done = () => {
          clearTimeout(timer);
          child.stdout.off("data", check);
          child.stderr.off("data", check);
          child.off("exit", onExit);
        };
        child.stdout.on("data", check);
        child.stderr.on("data", check);
        child.once("exit", onExit);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
