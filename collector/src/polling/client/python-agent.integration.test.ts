import { afterEach, describe, expect, it } from "vitest";
import { startPythonAgent } from "../../../test/python-agent.js";
import type { PythonAgent } from "../../../test/python-agent.js";
import { normaliseSnapshot } from "../normalise/normalise-snapshot.js";
import { AgentClient } from "./agent-client.js";
import { PollError } from "./poll-error.js";

const TOKEN = "python-token-0123456789";
const agents: PythonAgent[] = [];
const clients: AgentClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const agent of agents.splice(0)) agent.stop();
});

async function start(...flags: string[]): Promise<PythonAgent> {
  const agent = await startPythonAgent(...flags);
  agents.push(agent);
  return agent;
}

function client(agent: PythonAgent, token?: string): AgentClient {
  const created = new AgentClient({ url: agent.url, token, timeoutMs: 5_000, maxResponseBytes: 1 << 20 });
  clients.push(created);
  return created;
}

describe("AgentClient against a home-made Python agent", () => {
  it("polls it, and the normaliser turns its answer into the contract's shape", async () => {
    const agent = client(await start());
    expect(await agent.call("ping")).toBe("pong");
    const snapshot = normaliseSnapshot(await agent.call("get_metrics"), {
      agent: "seed",
      receivedAt: new Date(),
    });
    expect(snapshot.timestamp).toBe("2026-01-15T10:30:00.000Z");
    expect(snapshot.agent).toMatchObject({ name: "seed-host", version: "seed-0.3", os: "" });
    expect(snapshot.agent).not.toHaveProperty("python");
    expect(snapshot.memory?.total_bytes).toBe(17179869184);
    expect(snapshot.processes?.count).toBe(151);
    expect(snapshot.temperature).toEqual({
      cpu_celsius: null,
      max_celsius: null,
      sensors: [],
      sensor_count: 0,
    });
    expect(snapshot.disks?.map((d) => d.mount)).toEqual(["/"]);
    expect(snapshot.processes?.top_cpu).toEqual([
      { pid: 1, name: "systemd", user: "root", cpu_percent: 0.5, cmdline: "/sbin/init" },
    ]);
    expect(snapshot).not.toHaveProperty("disk_io");
    expect(snapshot).not.toHaveProperty("security");
    expect(snapshot.collector_status).toEqual([]);
  });

  it("fills in a minimal answer from the poll's context", async () => {
    const agent = client(await start("--minimal"));
    const receivedAt = new Date("2026-03-01T00:00:00Z");
    expect(normaliseSnapshot(await agent.call("get_metrics"), { agent: "tiny", receivedAt })).toEqual({
      timestamp: "2026-03-01T00:00:00.000Z",
      agent: {
        name: "tiny",
        hostname: "",
        version: "",
        platform: "",
        os: "",
        kernel: "",
        arch: "",
        boot_time: "",
      },
      cpu: { usage_percent: 3 },
      memory: { usage_percent: 50.5, total_bytes: 1024 },
      collector_status: [],
    });
  });

  it("reads Python's fault for an unknown method", async () => {
    const agent = client(await start());
    const error = await agent.call("get_metric").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollError);
    expect(error).toMatchObject({
      kind: "fault",
      message: expect.stringMatching(/^fault 1: .*get_metric/) as string,
    });
  });

  it("sends the token the way the agent expects it", async () => {
    const python = await start("--token", TOKEN);
    expect(await client(python, TOKEN).call("ping")).toBe("pong");
    expect(typeof (await client(python, TOKEN).call("time"))).toBe("number");
    const error = await client(python)
      .call("ping")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "http", message: "HTTP 401" });
  });
});
