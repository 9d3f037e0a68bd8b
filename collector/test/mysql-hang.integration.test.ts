import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { dropDatabase, testDatabaseName, TEST_SERVER } from "./support/mysql-server.js";
import { logTime, sleep } from "./log-lines.js";
import { startCollector, writeCollectorConfig, type BackgroundCollector } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";
import { count, largestGap, mysqlSampleTimes } from "./stored-samples.js";
import { TcpProxy } from "./tcp-proxy.js";

// A database that stops answering without refusing anything (packets dropped, connections left
// hanging), through the built collector. The bounds come from the config below:
// write_timeout 2 s, probe_interval 1 s, one flush a second, one poll a second.
const WRITE_TIMEOUT_S = 2;
const PROBE_INTERVAL_S = 1;
const AGENTS = ["web-a", "web-b"];

describe("collector with a MySQL server that hangs", () => {
  const proxy = new TcpProxy(TEST_SERVER.host, TEST_SERVER.port);
  const agents = AGENTS.map(() => new ScriptedAgent());
  const databases: string[] = [];
  const running: BackgroundCollector[] = [];

  beforeAll(async () => {
    await proxy.start();
    for (const agent of agents) await agent.start();
  });
  afterEach(async () => {
    proxy.restore();
    for (const collector of running.splice(0)) await collector.stop();
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await proxy.stop();
    for (const database of databases) await dropDatabase(database);
  });

  function config(): { file: string; database: string } {
    const database = testDatabaseName();
    databases.push(database);
    const { file } = writeCollectorConfig({
      agents: agents.map((agent, i) => ({ name: AGENTS[i], host: "127.0.0.1", port: agent.port })),
      poll_interval: 1,
      timeout: 1,
      health_interval: 1,
      storage: {
        type: "mysql",
        mysql_host: "127.0.0.1",
        mysql_port: proxy.port,
        mysql_user: TEST_SERVER.user,
        mysql_password: TEST_SERVER.password,
        mysql_database: database,
        write_timeout: WRITE_TIMEOUT_S,
        probe_interval: PROBE_INTERVAL_S,
      },
    });
    return { file, database };
  }

  function start(file: string): BackgroundCollector {
    const collector = startCollector(file);
    running.push(collector);
    return collector;
  }

  async function storing(database: string, atLeast: number): Promise<void> {
    await waitFor(async () => {
      const times = await mysqlSampleTimes(database);
      return AGENTS.every((name) => count(times, name) >= atLeast) ? true : undefined;
    }, 20_000);
  }

  const served = (): number[] => agents.map((agent) => agent.served);

  it("says so within the write deadline, spools, replays within a probe interval, and stores every poll once", async () => {
    const { file, database } = config();
    const collector = start(file);
    await storing(database, 2);

    const hungAt = Date.now();
    proxy.blackhole();
    const noticed = await waitFor(
      async () => logTime(collector.output(), /mysql store not answering for 2 s, spooling/),
      15_000,
    );
    // the first write to hang is at most one flush interval away, then it has its deadline
    const noticedAfter = noticed - hungAt;
    expect(noticedAfter, "ms from hang to the log line").toBeLessThanOrEqual(
      (WRITE_TIMEOUT_S + 1 + 0.5) * 1000,
    );
    await waitFor(
      async () =>
        logTime(collector.output(), /health: .*spooled in \d+ batch.*\(store away for \d+ s\)/, noticed),
      10_000,
    );
    await sleep(3_000);

    const restoredAt = Date.now();
    proxy.restore();
    const back = await waitFor(
      async () =>
        logTime(collector.output(), /mysql store is back after .*: replayed \d+ spooled records in order/),
      15_000,
    );
    const backAfter = back - restoredAt;
    // a probe every second: the replay starts within one interval (plus a probe still hanging
    // into the black hole, which restore() resets), and ten-odd batches take well under a second
    expect(backAfter, "ms from restore to replayed").toBeLessThanOrEqual((PROBE_INTERVAL_S + 1.5) * 1000);
    await sleep(1_500);
    expect(await collector.stop()).toBe(0);

    // what the log said is about the database, not the connection pool's own plumbing
    expect(collector.output()).not.toMatch(/pool is probably full|Timeout acquiring a connection/i);
    const times = await mysqlSampleTimes(database);
    const polled = served();
    console.log(
      `hung MySQL: noticed after ${noticedAfter} ms, replayed ${backAfter} ms after restore; ` +
        AGENTS.map(
          (name, i) =>
            `${name} polled ${polled[i]}, stored ${count(times, name)}, largest gap ${largestGap(times, name)} ms`,
        ).join("; "),
    );
    AGENTS.forEach((name, i) => {
      expect(count(times, name), name).toBe(polled[i]);
      expect(largestGap(times, name), name).toBeLessThan(1_600);
    });
  }, 90_000);

  it("stops on SIGTERM in the middle of a hang within the unit's bound, and the next start stores what it spooled", async () => {
    for (const agent of agents) agent.served = 0;
    const { file, database } = config();
    const first = start(file);
    await storing(database, 2);

    proxy.blackhole();
    await sleep(1_500); // a write is hanging, its deadline not reached yet
    const termAt = Date.now();
    first.child.kill("SIGTERM");
    const code = await first.exited;
    const stopMs = Date.now() - termAt;
    const polledBefore = served();
    const stoppedAt = Date.now();
    expect(code, first.output()).toBe(0);
    // the unit's TimeoutStopSec is 30 s; the collector's own bound is 10 s
    expect(stopMs).toBeLessThan(10_000);

    proxy.restore();
    const second = start(file);
    await waitFor(async () => logTime(second.output(), /replayed \d+ spooled records in order/), 20_000);
    await storing(database, 1);
    expect(await second.stop()).toBe(0);

    const times = await mysqlSampleTimes(database);
    console.log(
      `SIGTERM mid-hang: exit ${code} after ${stopMs} ms; ` +
        AGENTS.map(
          (name, i) => `${name} polled ${polledBefore[i]} before, stored ${count(times, name, stoppedAt)}`,
        ).join("; "),
    );
    AGENTS.forEach((name, i) => expect(count(times, name, stoppedAt), name).toBe(polledBefore[i]));
  }, 90_000);

  // kill -9 can lose what waits in memory: the batch being gathered and, while the store hangs,
  // the one being written until it is spooled after one flush interval — 2 s of polls at most.
  for (const point of [
    { name: "with the store healthy", hangMs: undefined },
    { name: "1.5 s into a hang (write in flight)", hangMs: 1_500 },
    { name: "5 s into a hang (outage, spooling)", hangMs: 5_000 },
  ]) {
    it(`kill -9 ${point.name} loses at most 2 s of polls, and the next start stores the rest`, async () => {
      for (const agent of agents) agent.served = 0;
      const { file, database } = config();
      const first = start(file);
      await storing(database, 2);
      if (point.hangMs !== undefined) {
        proxy.blackhole();
        await sleep(point.hangMs);
      } else await sleep(2_500);
      first.child.kill("SIGKILL");
      await first.exited;
      const polledBefore = served();
      const killedAt = Date.now();

      proxy.restore();
      const second = start(file);
      await storing(database, count(await mysqlSampleTimes(database), AGENTS[0] ?? "") + 2);
      expect(await second.stop()).toBe(0);

      const times = await mysqlSampleTimes(database);
      const lost = AGENTS.map((name, i) => (polledBefore[i] ?? 0) - count(times, name, killedAt));
      console.log(
        `kill -9 ${point.name}: ` +
          AGENTS.map(
            (name, i) => `${name} polled ${polledBefore[i]}, stored ${count(times, name, killedAt)}`,
          ).join("; "),
      );
      // 2 s of 1 s polls, plus the one answered as the kill landed; (ts, agent) keys rule out duplicates
      for (const n of lost) expect(n).toBeLessThanOrEqual(3);
    }, 90_000);
  }
});
