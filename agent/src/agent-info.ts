import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentInfo } from "../../common/src/contract/protocol.js";

/** Facts that do not change while the agent runs. */
export type StaticFacts = Omit<AgentInfo, "uptime_s">;

/**
 * Reads the static facts once at start. On Linux the distribution comes from os-release;
 * elsewhere from systeminformation, loaded only there (it spawns child processes and adds
 * ~5 MB of code to the agent's memory).
 */
export async function readStaticFacts(name: string, timeoutMs = 5_000): Promise<StaticFacts> {
  const uptimeMs = os.uptime() * 1000;
  return {
    name,
    hostname: os.hostname(),
    version: packageVersion(),
    platform: process.platform,
    os: await distribution(timeoutMs),
    kernel: os.release(),
    arch: os.arch(),
    boot_time: new Date(Math.round((Date.now() - uptimeMs) / 1000) * 1000).toISOString(),
  };
}

export function agentInfo(facts: StaticFacts): AgentInfo {
  return { ...facts, uptime_s: os.uptime() };
}

async function distribution(timeoutMs: number): Promise<string> {
  if (process.platform === "linux") {
    const name = osReleaseName(readTextOrEmpty("/etc/os-release") || readTextOrEmpty("/usr/lib/os-release"));
    if (name !== undefined) return name;
  } else {
    const name = await withTimeout(
      import("systeminformation").then(({ default: si }) => si.osInfo()),
      timeoutMs,
    ).catch(() => undefined);
    if (name !== undefined && name.distro !== "")
      return [name.distro, name.release].filter(Boolean).join(" ");
  }
  return `${os.type()} ${os.release()}`;
}

/** PRETTY_NAME (or NAME VERSION) from an os-release file. */
export function osReleaseName(text: string): string | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([A-Z_]+)=("?)(.*)\2\s*$/.exec(line.trim());
    if (match?.[1] !== undefined && match[3] !== undefined) fields.set(match[1], match[3]);
  }
  const pretty = fields.get("PRETTY_NAME");
  if (pretty !== undefined && pretty !== "") return pretty;
  const name = fields.get("NAME");
  return name === undefined ? undefined : [name, fields.get("VERSION")].filter(Boolean).join(" ");
}

function readTextOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The version in our package.json, found upwards from this file (src/ in tests, dist/ when built).
 * Not cached: readStaticFacts, its one caller, runs once at start.
 */
export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "hostwatch" && pkg.version !== undefined) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return "0.0.0";
}
