import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../agent/test/run-agent.js";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { dropDatabase, testDatabaseName, TEST_SERVER } from "./support/mysql-server.js";
import { startCollector, writeCollectorConfig } from "./run-collector.js";
import { mysqlSampleTimes as sampleTimes } from "./stored-samples.js";
import { TcpProxy } from "./tcp-proxy.js";

describe("collector with MySQL going away and coming back", () => {
  const database = testDatabaseName();
  const proxy = new TcpProxy(TEST_SERVER.host, TEST_SERVER.port);
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    await proxy.start();
    agents.push(await startAgentProcess({}), await startAgentProcess({}));
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await proxy.stop();
    await dropDatabase(database);
  });

  it("spools during the outage, replays in order, and stores every poll exactly once", async () => {
    const { file } = writeCollectorConfig({
      agents: agents.map((agent, i) => ({ name: `web-${i}`, host: "127.0.0.1", port: agent.port })),
      poll_interval: 1,
      timeout: 1,
      storage: {
        type: "mysql",
        mysql_host: "127.0.0.1",
        mysql_port: proxy.port,
        mysql_user: TEST_SERVER.user,
        mysql_password: TEST_SERVER.password,
        mysql_database: database,
      },
    });
    const collector = startCollector(file);
    await waitFor(async () => {
      const times = await sampleTimes(database);
      return [...times.values()].every((t) => t.length >= 3) && times.size === 2 ? true : undefined;
    }, 20_000);

    await proxy.stop();
    await waitFor(async () => (/spooling to disk/.test(collector.output()) ? true : undefined), 10_000);
    const during = await sampleTimes(database);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await proxy.start();
    await waitFor(async () => (/store is back/.test(collector.output()) ? true : undefined), 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await collector.stop()).toBe(0);

    const after = await sampleTimes(database);
    for (const [agent, times] of after) {
      const before = during.get(agent) ?? [];
      expect(times.length, agent).toBeGreaterThan(before.length + 3);
      // one poll per second on a fixed grid: no gap across the outage, no duplicate
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
      expect(Math.max(...gaps), `${agent} gaps ${gaps.join(",")}`).toBeLessThan(1_600);
      expect(Math.min(...gaps), agent).toBeGreaterThan(400);
    }
  }, 150_000);
});
