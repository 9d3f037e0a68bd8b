import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { REAL_HOST } from "../../metrics/family.js";
import type { UnexpectedListener } from "../../../../common/src/contract/protocol.js";
import { ListenerCheck } from "./listener-check.js";

/** A child listening on 127.0.0.1 (TCP and UDP, ephemeral ports) that prints the ports. */
const LISTENER_SCRIPT = `
const net = require("node:net");
const dgram = require("node:dgram");
const server = net.createServer().listen(0, "127.0.0.1", () => {
  const udp = dgram.createSocket("udp4");
  udp.bind(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ tcp: server.address().port, udp: udp.address().port }) + "\\n");
  });
});
setTimeout(() => process.exit(0), 60000);
`;

interface Listening {
  child: ChildProcessWithoutNullStreams;
  tcp: number;
  udp: number;
}

async function startListener(): Promise<Listening> {
  const child = spawn(process.execPath, ["-e", LISTENER_SCRIPT]);
  const ports = await new Promise<{ tcp: number; udp: number }>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the listener child did not start in 10 s")), 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes("\n")) return;
      clearTimeout(timer);
      resolve(JSON.parse(out) as { tcp: number; udp: number });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the listener child exited (${code})`));
    });
  });
  return { child, ...ports };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await Promise.race([exited, sleep(5000)]);
}

function on(findings: UnexpectedListener[], proto: string, port: number): UnexpectedListener | undefined {
  return findings.find(
    (finding) => finding.proto === proto && finding.port === port && finding.address === "127.0.0.1",
  );
}

describe("ListenerCheck on this machine's /proc", () => {
  let listening: Listening | undefined;
  let stateDir: string | undefined;
  afterEach(async () => {
    if (listening !== undefined) await stop(listening.child);
    listening = undefined;
    if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
    stateDir = undefined;
  });

  it("reports a port opened after the baseline with the process that holds it", async () => {
    stateDir = mkdtempSync(join(tmpdir(), "hostwatch-listeners-"));
    const check = new ListenerCheck(REAL_HOST, { baselineFile: join(stateDir, "listeners-baseline.json") });
    const baseline = await check.run();
    expect(baseline.check.available).toBe(true);
    expect(baseline.check.detail).toMatch(/^baseline of \d+ listening ports? taken .* \(saved to /);

    listening = await startListener();
    const { child, tcp, udp } = listening;
    // Other tests may open listeners meanwhile: look at the child's ports only.
    const { findings } = await check.run();
    expect(on(findings, "tcp", tcp)).toEqual({
      proto: "tcp",
      address: "127.0.0.1",
      port: tcp,
      pid: child.pid,
      process: "node",
    });
    expect(on(findings, "udp", udp)).toEqual({
      proto: "udp",
      address: "127.0.0.1",
      port: udp,
      pid: child.pid,
      process: "node",
    });

    await stop(child);
    const after = await check.run();
    expect(on(after.findings, "tcp", tcp)).toBeUndefined();
    expect(on(after.findings, "udp", udp)).toBeUndefined();
  });

  it("never reports the sockets of its own process", async () => {
    listening = await startListener();
    const { child, tcp } = listening;
    stateDir = mkdtempSync(join(tmpdir(), "hostwatch-listeners-"));
    const check = new ListenerCheck(REAL_HOST, {
      expectedPorts: [],
      baselineFile: join(stateDir, "listeners-baseline.json"),
      selfPid: child.pid ?? -1,
    });
    expect(on((await check.run()).findings, "tcp", tcp)).toBeUndefined();
    const other = new ListenerCheck(REAL_HOST, {
      expectedPorts: [],
      baselineFile: join(stateDir, "listeners-baseline.json"),
      selfPid: -1,
    });
    expect(on((await other.run()).findings, "tcp", tcp)?.pid).toBe(child.pid);
  });
});
