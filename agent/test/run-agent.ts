import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const AGENT_MAIN = path.join(REPO_ROOT, "dist/agent/src/main.js");

export interface AgentProcess {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  /** The config file it was started with (a test may rewrite it and send SIGHUP). */
  configFile: string;
  stop(): Promise<number | null>;
}

export function writeTempConfig(config: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-agent-test-"));
  const file = path.join(dir, "agent.json");
  writeFileSync(file, JSON.stringify({ state_dir: path.join(dir, "state"), ...config }));
  return file;
}

/** Starts the built agent (dist/) on 127.0.0.1 with a free port and waits for its "listening on" line. */
export function startAgentProcess(config: object, timeoutMs = 15_000): Promise<AgentProcess> {
  const file = writeTempConfig(config);
  const child = spawn(
    process.execPath,
    [AGENT_MAIN, "--config", file, "--host", "127.0.0.1", "--port", "0"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);

  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    const code = await exited;
    clearTimeout(timer);
    rmSync(path.dirname(file), { recursive: true, force: true });
    return code;
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`agent did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = /listening on (https?:\/\/[^\s]+:(\d+)\/)/.exec(output);
      if (match?.[1] === undefined || match[2] === undefined) return;
      clearTimeout(timer);
      child.stderr.off("data", onData);
      resolve({ child, url: match[1], port: Number(match[2]), output: () => output, configFile: file, stop });
    };
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code} before listening:\n${output}`));
    });
  });
}
