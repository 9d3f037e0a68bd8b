import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pythonCall } from "./python-client.js";
import { PING_CALL, postRaw } from "./raw-http.js";
import { AGENT_MAIN, startAgentProcess, writeTempConfig, type AgentProcess } from "./run-agent.js";

const run = promisify(execFile);

function memTotalBytes(): number {
  const match = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"));
  return Number(match?.[1]) * 1024;
}

describe("agent over XML-RPC, called by Python's xmlrpc.client", () => {
  let agent: AgentProcess;
  beforeAll(async () => {
    agent = await startAgentProcess({ check_interval: 1 });
  });
  afterAll(async () => {
    expect(await agent.stop()).toBe(0);
  });

  it("answers ping with pong", async () => {
    expect((await pythonCall(agent.url, "ping")).result).toBe("pong");
  });

  it("serves the get_metrics contract with the documented XML-RPC types", async () => {
    const { result, types = {} } = await pythonCall(agent.url, "get_metrics");
    const snapshot = result as Record<string, Record<string, unknown>>;
    expect(snapshot.memory?.total_bytes).toBe(memTotalBytes());
    expect(types["memory.total_bytes"]).toBe("float");
    expect(types["memory.usage_percent"]).toBe("float");
    expect(types["cpu.count"]).toBe("int");
    expect(types["cpu.per_core_percent[0]"]).toBe("float");
    expect(types["load.load_1"]).toBe("float");
    expect(types["agent.uptime_s"]).toBe("float");
    expect(types["processes.count"]).toBe("int");
    expect(types["network.tcp_connections"]).toBe("int");
    expect(types["disk_io.read_bytes_per_s"]).toBe("float");
    expect(types.timestamp).toBe("str");
    // This machine has no temperature sensor: the contract says nil, which Python reads as None.
    expect(types["temperature.cpu_celsius"]).toBe("NoneType");
    expect((snapshot.disks as unknown as Array<{ mount: string }>).map((d) => d.mount)).toContain("/");
    expect(["ok", "warning", "critical"]).toContain(snapshot.security?.status);
    expect(types["security.issue_count"]).toBe("int");
    const statuses = snapshot.collector_status as unknown as Array<{ name: string; ok: boolean }>;
    expect(statuses.filter((s) => !s.ok).map((s) => s.name)).toEqual([]);
  });

  it("lists its methods and answers a multicall, faults included", async () => {
    const listed = await pythonCall(agent.url, "system.listMethods");
    expect(listed.result).toEqual(
      expect.arrayContaining([
        "ping",
        "get_metrics",
        "system.listMethods",
        "system.methodHelp",
        "system.multicall",
      ]),
    );
    const multi = await pythonCall(agent.url, "multicall", ["--multicall"]);
    const results = multi.result as unknown[];
    expect(results[0]).toEqual(["pong"]);
    expect((results[1] as Array<{ timestamp: string }>)[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(results[2]).toEqual({ faultCode: 1, faultString: "method not found: no.such.method" });
  });

  it("answers an unknown method with fault 1", async () => {
    expect((await pythonCall(agent.url, "reboot")).fault).toEqual({
      code: 1,
      message: "method not found: reboot",
    });
  });

  it("closes connections from a source address outside the allowlist, and keeps serving", async () => {
    await expect(postRaw(agent.port, PING_CALL, { localAddress: "127.0.0.2" })).rejects.toThrow(
      /socket hang up|ECONNRESET|EPIPE/,
    );
    expect((await postRaw(agent.port, PING_CALL)).body).toContain("<string>pong</string>");
    expect(agent.output()).toContain("refused connection from 127.0.0.2");
  });

  it("refuses a 10 MB body with 413 (or a closed connection) and keeps serving", async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, "a");
    const outcome = await postRaw(agent.port, huge).then(
      (res) => res.status,
      (error: Error) => error.message,
    );
    expect(String(outcome)).toMatch(/^413$|ECONNRESET|EPIPE|socket hang up/);
    expect((await postRaw(agent.port, PING_CALL)).body).toContain("pong");
  });

  it("answers malformed XML and a billion-laughs payload with parse faults", async () => {
    const malformed = await postRaw(agent.port, "<methodCall><methodName>ping</methodName>");
    expect(malformed.status).toBe(200);
    expect(malformed.body).toMatch(/<name>faultCode<\/name>\s*<value><int>-32700<\/int>/);
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      "<methodCall><methodName>&lol3;</methodName></methodCall>";
    const response = await postRaw(agent.port, laughs);
    expect(response.body).toMatch(/<int>-32700<\/int>/);
    expect(response.body).not.toContain("lollol");
    expect((await postRaw(agent.port, PING_CALL)).body).toContain("pong");
  });

  it("answers GET with 405 and an unknown path with 404", async () => {
    expect((await postRaw(agent.port, "", { method: "GET" })).status).toBe(405);
    expect((await postRaw(agent.port, PING_CALL, { path: "/admin" })).status).toBe(404);
  });
});

describe("agent with a token", () => {
  const token = "s3cret-token-for-tests-0123456789";
  let agent: AgentProcess;
  beforeAll(async () => {
    agent = await startAgentProcess({ security: { require_auth: true, token } });
  });
  afterAll(async () => {
    await agent.stop();
  });

  it("refuses a call without the token and accepts Basic and Bearer with it", async () => {
    expect((await pythonCall(agent.url, "ping")).protocol_error?.status).toBe(401);
    const wrong = agent.url.replace("http://", "http://hostwatch:wrong-token@");
    expect((await pythonCall(wrong, "ping")).protocol_error?.status).toBe(401);
    const withToken = agent.url.replace("http://", `http://hostwatch:${token}@`);
    expect((await pythonCall(withToken, "ping")).result).toBe("pong");
    const bearer = await postRaw(agent.port, PING_CALL, { headers: { Authorization: `Bearer ${token}` } });
    expect(bearer.body).toContain("pong");
  });
});

describe("agent over HTTPS", () => {
  let agent: AgentProcess;
  let certFile: string;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-tls-"));
    certFile = path.join(dir, "cert.pem");
    const keyFile = path.join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ],
      { stdio: "ignore" },
    );
    agent = await startAgentProcess({ tls: { cert_file: certFile, key_file: keyFile } });
  });
  afterAll(async () => {
    await agent.stop();
    rmSync(path.dirname(certFile), { recursive: true, force: true });
  });

  it("serves XML-RPC over TLS to a client that trusts the certificate", async () => {
    expect(agent.url).toMatch(/^https:/);
    expect((await pythonCall(agent.url, "ping", ["--cafile", certFile])).result).toBe("pong");
  });
});

describe("agent command line", () => {
  async function runAgent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [AGENT_MAIN, ...args], { timeout: 15_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it("prints help and exits 0", async () => {
    const { code, stdout } = await runAgent(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--config");
    expect(stdout).toContain("--check-config");
  });

  it("exits 2 naming the key for a bad CIDR, an unknown key and a wrong type", async () => {
    const file = writeTempConfig({ security: { allowed_ips: ["10.0.0.0/33"] }, colour: "blue", port: "80" });
    const { code, stderr } = await runAgent(["--config", file, "--check-config"]);
    rmSync(path.dirname(file), { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stderr).toContain("security.allowed_ips[0]: not an IP address or CIDR");
    expect(stderr).toContain("colour: unknown key");
    expect(stderr).toMatch(/port: .*expected number/);
  });

  it("exits 2 when the config file is not JSON", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-bad-"));
    const file = path.join(dir, "agent.json");
    writeFileSync(file, "{ host: nope");
    const { code, stderr } = await runAgent(["--config", file]);
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stderr).toContain("agent.json:1:3: not valid JSON");
  });

  it("accepts the example config", async () => {
    const { code, stdout } = await runAgent(["--config", "config/agent.example.json", "--check-config"]);
    expect(code).toBe(0);
    expect(stdout).toContain("config OK");
  });
});
