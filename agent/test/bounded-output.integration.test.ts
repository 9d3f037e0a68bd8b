import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../common/src/contract/protocol.js";
import { decodeMethodResponse, encodeCall } from "../../common/src/xmlrpc/index.js";
import { postRaw } from "./raw-http.js";
import { startAgentProcess, type AgentProcess } from "./run-agent.js";

const LISTENERS = 300;
const LIMIT = 50;
/**
 * The bounded answer's ceiling. Measured on a small host with 311 unexpected listeners: 34 KB
 * of XML (7.6 KB as JSON) with the limit of 50, against 134 KB (28.6 KB as JSON) without it,
 * which grows by ~400 bytes of XML with every further socket.
 */
const MAX_RESPONSE_BYTES = 48 * 1024;

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function getMetrics(agent: AgentProcess): Promise<{ bytes: number; snapshot: MetricsSnapshot }> {
  const response = await postRaw(agent.port, encodeCall("get_metrics", []));
  const decoded = decodeMethodResponse(response.body);
  if (decoded.kind === "fault") throw new Error(`fault ${decoded.code}: ${decoded.message}`);
  return { bytes: Buffer.byteLength(response.body), snapshot: decoded.value as unknown as MetricsSnapshot };
}

describe("agent output stays bounded on a host with many listening sockets", () => {
  const servers: Server[] = [];
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    for (let i = 0; i < LISTENERS; i++) servers.push(await listen());
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it(`lists ${LIMIT} of ${LISTENERS}+ unexpected listeners, counts them all, and stays small`, async () => {
    // expected_ports: [] makes every listening socket unexpected (the agent's own excepted).
    const agent = await startAgentProcess({
      check_interval: 1,
      security: { expected_ports: [] },
      limits: { max_list_items: LIMIT },
    });
    agents.push(agent);
    const { bytes, snapshot } = await getMetrics(agent);
    const security = snapshot.security;
    expect(security?.unexpected_listeners).toHaveLength(LIMIT);
    expect(security?.unexpected_listener_count).toBeGreaterThanOrEqual(LISTENERS);
    expect(security?.issue_count).toBeGreaterThanOrEqual(LISTENERS);
    expect(bytes).toBeLessThan(MAX_RESPONSE_BYTES);

    // The same host without a real limit: what the cut saves.
    const unbounded = await startAgentProcess({
      check_interval: 1,
      security: { expected_ports: [] },
      limits: { max_list_items: 100_000 },
    });
    agents.push(unbounded);
    const full = await getMetrics(unbounded);
    expect(full.snapshot.security?.unexpected_listeners.length).toBeGreaterThanOrEqual(LISTENERS);
    expect(full.bytes).toBeGreaterThan(bytes + (LISTENERS - LIMIT) * 200);
  });
});
