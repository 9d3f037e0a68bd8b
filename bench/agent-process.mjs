// Starts the built agent as a child process (its own core) and reads its CPU time and RSS from /proc.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLK_TCK = 100;

export async function startAgent(config) {
  const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-bench-"));
  const file = path.join(dir, "agent.json");
  writeFileSync(file, JSON.stringify({ state_dir: path.join(dir, "state"), ...config }));
  // Run the bin itself, so its shebang's V8 flags apply as they do for users.
  const bin = path.join(ROOT, "dist/agent/src/main.js");
  const child = spawn(bin, ["--config", file, "--host", "127.0.0.1", "--port", "0"], {
    stdio: ["ignore", "inherit", "pipe"],
  });
  let output = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start:\n${output}`)), 20_000);
    child.stderr.on("data", (chunk) => {
      output += chunk;
      const match = /listening on http:\/\/[^\s]+:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`agent exited ${code}:\n${output}`)));
  });
  return {
    pid: child.pid,
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

/** CPU seconds (user + system) used so far by a process. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** RSS split into what only this process holds and what it shares (node's own binary pages). */
export function memoryMiB(pid) {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(rollup)?.[1] ?? 0) / 1024;
  return {
    rss: field("Rss"),
    private: field("Private_Clean") + field("Private_Dirty"),
    shared: field("Shared_Clean") + field("Shared_Dirty"),
  };
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The V8 flags in the agent bin's shebang, so in-process measurements run as the agent does. */
export function agentNodeFlags() {
  const shebang = readFileSync(path.join(ROOT, "dist/agent/src/main.js"), "utf8").split("\n", 1)[0];
  return shebang.split(/\s+/).filter((word) => word.startsWith("--"));
}
