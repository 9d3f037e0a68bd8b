import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import si from "systeminformation";
import type { AgentInfo } from "./protocol.js";

export interface StaticFacts {
  name: string;
  hostname: string;
  version: string;
  platform: string;
  os: string;
  kernel: string;
  arch: string;
  bootTime: string;
}

/**
 * Facts that do not change while the agent runs, read once at start. systeminformation is
 * used here only (it spawns child processes, so it never runs on the sampling path).
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
    bootTime: new Date(Math.round((Date.now() - uptimeMs) / 1000) * 1000).toISOString(),
  };
}

export function agentInfo(facts: StaticFacts): AgentInfo {
  return {
    name: facts.name,
    hostname: facts.hostname,
    version: facts.version,
    platform: facts.platform,
    os: facts.os,
    kernel: facts.kernel,
    arch: facts.arch,
    uptime_s: os.uptime(),
    boot_time: facts.bootTime,
  };
}

async function distribution(timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    const info = await Promise.race([si.osInfo(), timeout]);
    if (info !== undefined && info.distro !== "")
      return [info.distro, info.release].filter(Boolean).join(" ");
  } catch {
    // fall through to the generic name
  } finally {
    clearTimeout(timer);
  }
  return `${os.type()} ${os.release()}`;
}

let cachedVersion: string | undefined;

/** The version in our package.json, found upwards from this file (src/ in tests, dist/ when built). */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "hostwatch" && pkg.version !== undefined) return (cachedVersion = pkg.version);
    }
    dir = path.dirname(dir);
  }
  return (cachedVersion = "0.0.0");
}
