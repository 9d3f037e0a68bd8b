import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./run-agent.js";

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, "agent/test/interop/xmlrpc_call.py");

export interface PythonCallResult {
  result?: unknown;
  types?: Record<string, string>;
  fault?: { code: number; message: string };
  protocol_error?: { status: number; message: string };
}

/** Calls the agent through Python's stdlib xmlrpc.client (the interop reference). */
export async function pythonCall(
  url: string,
  method: string,
  extraArgs: string[] = [],
): Promise<PythonCallResult> {
  const { stdout } = await run("python3", [SCRIPT, url, method, ...extraArgs], { timeout: 15_000 });
  return JSON.parse(stdout) as PythonCallResult;
}
