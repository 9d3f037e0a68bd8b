import { afterEach, describe, expect, it } from "vitest";
import { startHangingServer } from "../../test/tcp-proxy.js";
import type { AgentEndpoint } from "../config/load-config.js";
import { AgentPoller } from "./agent-poller.js";
import type { PollOutcome } from "./agent-poller.js";
import { AgentState } from "./agent-state.js";
import { AgentClient } from "./client/agent-client.js";
import { Scheduler } from "./scheduler.js";

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real poller (AgentClient over HTTP) of an agent that accepts connections and never answers. */
async function hungAgent(timeoutMs: number): Promise<AgentPoller> {
  const server = await startHangingServer();
  cleanups.push(() => server.close());
  const endpoint = { name: "hung", url: `http://127.0.0.1:${server.port}/RPC2` } as AgentEndpoint;
  const client = new AgentClient({ url: endpoint.url, timeoutMs, maxResponseBytes: 1024 * 1024 });
  const poller = new AgentPoller(endpoint, client, new AgentState("hung", 3));
  cleanups.push(() => poller.close());
  return poller;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("scheduler against a hanging agent over TCP", () => {
  it("with timeout equal to poll_interval, polls on every tick over five intervals", async () => {
    const interval = 300;
    const poller = await hungAgent(interval);
    const outcomes: PollOutcome[] = [];
    const scheduler = new Scheduler([poller], interval, 4, (o) => outcomes.push(o));
    cleanups.push(() => scheduler.stop(0));
    scheduler.start();
    const giveUp = Date.now() + 15 * interval;
    while (outcomes.length < 5 && Date.now() < giveUp) await sleep(20);
    expect(outcomes).toHaveLength(5);
    expect(scheduler.stats.overruns).toBe(0);
    // each poll ran to its bounded deadline, 5 % before the next slot, and was recorded as failed
    expect(outcomes.map((o) => o.error?.message)).toEqual(Array(5).fill("timeout after 285 ms"));
    expect(poller.state.health.consecutiveFailures).toBe(5);
  });

  it("stop() aborts a poll still running after the grace, and records nothing for it", async () => {
    const poller = await hungAgent(10_000);
    const outcomes: PollOutcome[] = [];
    const scheduler = new Scheduler([poller], 10_000, 4, (o) => outcomes.push(o));
    const once = scheduler.runOnce();
    await sleep(50);
    const started = performance.now();
    await scheduler.stop(200);
    expect(performance.now() - started).toBeLessThan(200 + 300);
    await once;
    expect(outcomes).toEqual([]);
    expect(scheduler.stats).toMatchObject({ polls: 0, failures: 0 });
    expect(poller.state.health).toMatchObject({ state: "unknown", consecutiveFailures: 0, lastError: null });
  });
});
