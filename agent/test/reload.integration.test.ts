import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeMethodResponse, encodeCall } from "../../common/src/xmlrpc/index.js";
import type { MetricsSnapshot } from "../../common/src/contract/protocol.js";
import { postRaw, PING_CALL } from "./raw-http.js";
import { startAgentProcess, type AgentProcess } from "./run-agent.js";
import { waitFor } from "./xmlrpc-call.js";

const TOKEN = "reloaded-token-0123456789";
const GET_METRICS = encodeCall("get_metrics", []);

async function snapshot(agent: AgentProcess, headers: Record<string, string> = {}): Promise<MetricsSnapshot> {
  const response = await postRaw(agent.port, GET_METRICS, { headers });
  expect(response.status).toBe(200);
  const decoded = decodeMethodResponse(response.body);
  if (decoded.kind === "fault") throw new Error(decoded.message);
  return decoded.value as unknown as MetricsSnapshot;
}

/** Rewrites the agent's config file (keeping its state_dir), sends SIGHUP, waits for the answer in the log. */
async function reloadWith(agent: AgentProcess, change: object, expected: RegExp): Promise<string> {
  const before = agent.output().length;
  const { state_dir } = JSON.parse(readFileSync(agent.configFile, "utf8")) as { state_dir: string };
  writeFileSync(agent.configFile, JSON.stringify({ state_dir, check_interval: 1, ...change }));
  agent.child.kill("SIGHUP");
  return waitFor(async () => {
    const added = agent.output().slice(before);
    return expected.test(added) ? added : undefined;
  }, 5_000);
}

// The built agent, one process throughout: SIGHUP swaps its token, allowlist and families, and
// refuses a bad config while the old one keeps serving.
describe("agent reloading its config", () => {
  let agent: AgentProcess;
  let pid: number | undefined;

  beforeAll(async () => {
    agent = await startAgentProcess({ check_interval: 1, security: { allowed_ips: ["127.0.0.1"] } });
    pid = agent.child.pid;
  });
  afterAll(async () => {
    await agent.stop();
  });

  it("turns token auth on, disables a family and changes the SSH check's window, on the same listener", async () => {
    const before = await snapshot(agent);
    expect(before.processes).toBeDefined();
    expect(before.security?.ssh_failed_logins.window_s).toBe(900);
    const log = await reloadWith(
      agent,
      {
        security: { allowed_ips: ["127.0.0.1"], require_auth: true, token: TOKEN, ssh_window_s: 600 },
        metrics: { enable_processes: false },
        max_connections: 10,
      },
      /config reloaded: .*\n(.*\n)*.*need/,
    );
    expect(log).toContain(
      "config reloaded: token changed, families disabled (processes), security check settings changed",
    );
    expect(log).toMatch(/config reload: max_connections needs a restart/);
    expect((await postRaw(agent.port, PING_CALL)).status).toBe(401);
    const bearer = { Authorization: `Bearer ${TOKEN}` };
    const after = await waitFor(async () => {
      const s = await snapshot(agent, bearer);
      return s.processes === undefined && s.security?.ssh_failed_logins.window_s === 600 ? s : undefined;
    }, 5_000);
    expect(after.collector_status.find((family) => family.name === "processes")?.error).toBe("disabled");
    expect(agent.child.pid).toBe(pid);
  });

  it("refuses a bad config with its problems and keeps serving with the running one", async () => {
    const log = await reloadWith(
      agent,
      { security: { allowed_ips: ["10.0.0.300"], require_auth: true, token: TOKEN } },
      /config reload refused/,
    );
    expect(log).toMatch(/config reload refused.*security\.allowed_ips\[0\]: not an IP address or CIDR/);
    expect(
      (await postRaw(agent.port, PING_CALL, { headers: { Authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect(await postRaw(agent.port, PING_CALL, { localAddress: "127.0.0.2" }).catch(() => "refused")).toBe(
      "refused",
    );
  });

  it("widens the allowlist and turns auth off again", async () => {
    const log = await reloadWith(agent, { security: { allowed_ips: ["127.0.0.0/8"] } }, /config reloaded/);
    expect(log).toContain(
      "config reloaded: allowlist changed (127.0.0.0/8), token auth turned off, families enabled (processes), security check settings changed",
    );
    expect((await postRaw(agent.port, PING_CALL, { localAddress: "127.0.0.2" })).status).toBe(200);
    expect(agent.child.pid).toBe(pid);
    expect(agent.child.exitCode).toBeNull();
  });
});
