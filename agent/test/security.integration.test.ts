import { spawn, type ChildProcess } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsSnapshot, SecurityMetrics } from "../../common/src/contract/protocol.js";
import { callAgent, waitFor } from "./xmlrpc-call.js";
import { REPO_ROOT, startAgentProcess, type AgentProcess } from "./run-agent.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** An auth.log line as rsyslog writes it (local time, no year). */
function failedLogin(ip: string, user: string, pid: number): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${stamp} web-01 sshd[${pid}]: Failed password for ${user} from ${ip} port ${40000 + pid} ssh2\n`;
}

function failures(count: number, ip: string, firstPid: number): string {
  return Array.from({ length: count }, (_, i) =>
    failedLogin(ip, i % 2 === 0 ? "root" : "admin", firstPid + i),
  ).join("");
}

async function security(agent: AgentProcess): Promise<SecurityMetrics> {
  const snapshot = await callAgent<MetricsSnapshot>(agent.port, "get_metrics");
  if (snapshot.security === undefined) throw new Error("no security block");
  return snapshot.security;
}

function startCopyOfSleep(dir: string, name: string): ChildProcess {
  mkdirSync(dir, { recursive: true });
  const binary = path.join(dir, name);
  copyFileSync("/bin/sleep", binary);
  writeFileSync(binary, "", { flag: "a", mode: 0o755 });
  return spawn(binary, ["300"], { stdio: "ignore" });
}

describe("agent security findings on this machine", () => {
  const work = mkdtempSync(path.join(tmpdir(), "hostwatch-security-"));
  const authLog = path.join(work, "auth.log");
  const children: ChildProcess[] = [];
  let agent: AgentProcess;

  beforeAll(async () => {
    writeFileSync(authLog, "");
    agent = await startAgentProcess({
      check_interval: 1,
      state_dir: path.join(work, "state"),
      security: { auth_log_paths: [authLog] },
    });
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await agent.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("lists every check as available", async () => {
    const { checks } = await security(agent);
    expect(checks.map((c) => [c.name, c.available])).toEqual([
      ["suspicious_processes", true],
      ["ssh_brute_force", true],
      ["unexpected_listeners", true],
    ]);
  });

  it("reports a process running from /tmp and one whose binary was deleted, until they exit", async () => {
    const fromTmp = startCopyOfSleep(path.join(work, "bin"), "cryptominer");
    mkdirSync(path.join(REPO_ROOT, "var"), { recursive: true });
    const deletedDir = mkdtempSync(path.join(REPO_ROOT, "var", "test-bin-"));
    const deleted = startCopyOfSleep(deletedDir, "updater");
    children.push(fromTmp, deleted);
    // delete the binary only once the process runs it
    await waitFor(
      async () => (readlinkSync(`/proc/${deleted.pid}/exe`).endsWith("/updater") ? true : undefined),
      5_000,
      20,
    );
    rmSync(deletedDir, { recursive: true, force: true });

    const found = await waitFor(async () => {
      const s = await security(agent);
      const tmp = s.suspicious_processes.find((p) => p.pid === fromTmp.pid);
      const gone = s.suspicious_processes.find((p) => p.pid === deleted.pid && p.reason === "deleted_exe");
      return tmp !== undefined && gone !== undefined ? { s, tmp, gone } : undefined;
    });
    expect(found.tmp).toMatchObject({
      reason: "suspicious_dir",
      severity: "critical",
      name: "cryptominer",
      user: "root",
    });
    expect(found.tmp.exe).toBe(path.join(work, "bin", "cryptominer"));
    expect(found.gone.exe).toContain("updater (deleted)");
    expect(found.s.status).toBe("critical");

    fromTmp.kill("SIGKILL");
    deleted.kill("SIGKILL");
    await waitFor(async () => {
      const pids = (await security(agent)).suspicious_processes.map((p) => p.pid);
      return pids.includes(fromTmp.pid ?? -1) || pids.includes(deleted.pid ?? -1) ? undefined : true;
    });
  });

  it("reports a listener on a port outside the baseline, with its pid", async () => {
    const server = spawn(
      process.execPath,
      ["-e", 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>console.log(s.address().port))'],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    children.push(server);
    const port = await new Promise<number>((resolve) =>
      server.stdout?.once("data", (d: Buffer) => resolve(Number(d))),
    );
    const listener = await waitFor(async () =>
      (await security(agent)).unexpected_listeners.find((l) => l.port === port),
    );
    expect(listener).toMatchObject({ address: "127.0.0.1", pid: server.pid, process: "node" });
    expect(listener.proto).toMatch(/^tcp/);
    server.kill("SIGKILL");
    await waitFor(async () =>
      (await security(agent)).unexpected_listeners.some((l) => l.port === port) ? undefined : true,
    );
  });

  it("counts SSH failures appended to the auth log, across a rotation, each exactly once", async () => {
    appendFileSync(authLog, failures(12, "203.0.113.77", 1000));
    const first = await waitFor(async () => {
      const s = await security(agent);
      return s.ssh_failed_logins.total >= 12 ? s : undefined;
    }, 5_000);
    expect(first.ssh_failed_logins.sources[0]).toEqual({
      ip: "203.0.113.77",
      count: 12,
      users: ["admin", "root"],
      user_count: 2,
    });
    expect(["warning", "critical"]).toContain(first.status);

    // logrotate: rename, a late write to the old file, then a new file
    renameSync(authLog, `${authLog}.1`);
    appendFileSync(`${authLog}.1`, failures(3, "203.0.113.77", 2000));
    writeFileSync(authLog, failures(5, "2001:db8::66", 3000));
    const after = await waitFor(async () => {
      const s = await security(agent);
      return s.ssh_failed_logins.total >= 20 ? s : undefined;
    }, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // two more samples: nothing counted twice
    const settled = await security(agent);
    expect(settled.ssh_failed_logins).toEqual(after.ssh_failed_logins);
    expect(settled.ssh_failed_logins.total).toBe(20);
    expect(settled.ssh_failed_logins.sources).toEqual([
      { ip: "203.0.113.77", count: 15, users: ["admin", "root"], user_count: 2 },
      { ip: "2001:db8::66", count: 5, users: ["admin", "root"], user_count: 2 },
    ]);
    expect(settled.ssh_failed_logins.source_count).toBe(2);
  });
});
