import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface PythonAgent {
  port: number;
  url: string;
  stop(): void;
}

/** Starts test/python-agent.py (a home-made seed-style agent) on a free port. */
export async function startPythonAgent(...flags: string[]): Promise<PythonAgent> {
  const script = fileURLToPath(new URL("python-agent.py", import.meta.url));
  const child = spawn("python3", [script, "0", ...flags], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = "";
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`python agent exited with ${code}: ${output}`)));
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening (\d+)/.exec(output);
        if (match !== null) resolve(Number(match[1]));
      });
    });
    return { port, url: `http://127.0.0.1:${port}/RPC2`, stop: () => child.kill() };
  } catch (error) {
    child.kill();
    throw error;
  }
}
