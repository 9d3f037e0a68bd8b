import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { programMain, REPO_ROOT, runProgram, type ProgramRun } from "../../common/test/run-program.js";

export { REPO_ROOT };
export const COLLECTOR_MAIN = programMain("collector");

export type CollectorRun = ProgramRun;

export function writeCollectorConfig(
  config: object,
  dir = mkdtempSync(path.join(tmpdir(), "hostwatch-collector-")),
): { file: string; dir: string } {
  const file = path.join(dir, "collector.json");
  writeFileSync(file, JSON.stringify({ state_dir: path.join(dir, "state"), ...config }));
  return { file, dir };
}

/** Runs the built collector to completion (e.g. --once or --check-config). */
export function runCollector(args: string[], timeoutMs = 30_000): Promise<CollectorRun> {
  return runProgram("collector", args, { timeoutMs });
}

export interface BackgroundCollector {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the built collector in the background. */
export function startCollector(configFile: string): BackgroundCollector {
  const child = spawn(process.execPath, [COLLECTOR_MAIN, "--config", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
