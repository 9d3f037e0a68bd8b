import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentProcess, type AgentProcess } from "../../agent/test/run-agent.js";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { createKnex } from "../src/storage/mysql/connection.js";
import { dropDatabase, testDatabaseName, TEST_SERVER } from "./support/mysql-server.js";
import { createReleasedDatabase } from "./support/released-schema.js";
import { startCollector, writeCollectorConfig } from "./run-collector.js";
import { mysqlSampleTimes } from "./stored-samples.js";

const DAY_MS = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const dbTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 23);
const dayName = (ms: number) => `p${new Date(ms).toISOString().slice(0, 10).replaceAll("-", "")}`;

describe("collector on a MySQL database of the release before day partitions", () => {
  const database = testDatabaseName();
  let agent: AgentProcess;
  /** A host's history: 40, 35 and 2 days ago (noon), as the release before stored it. */
  const days = [40, 35, 2];

  beforeAll(async () => {
    await createReleasedDatabase(database);
    const db = createKnex({ ...TEST_SERVER, database, poolMax: 1 });
    try {
      const first = dbTime(TODAY - 40 * DAY_MS);
      await db.raw("INSERT INTO agents (id, name, first_seen, last_seen) VALUES (1, 'old-host', ?, ?)", [
        first,
        first,
      ]);
      for (const daysAgo of days) {
        const ts = dbTime(TODAY - daysAgo * DAY_MS + 12 * 3_600_000);
        await db.raw("INSERT INTO samples (agent_id, ts, duration_ms) VALUES (1, ?, 10)", [ts]);
        await db.raw("INSERT INTO disk_samples (agent_id, ts, mount, usage_percent) VALUES (1, ?, '/', 50)", [
          ts,
        ]);
      }
    } finally {
      await db.destroy();
    }
    agent = await startAgentProcess({});
  });
  afterAll(async () => {
    await agent.stop();
    await dropDatabase(database);
  });

  it("migrates it, makes the days ahead, drops the days past retention_days, and keeps storing", async () => {
    const { file } = writeCollectorConfig({
      agents: [{ name: "web-0", host: "127.0.0.1", port: agent.port }],
      poll_interval: 1,
      timeout: 1,
      storage: {
        type: "mysql",
        mysql_host: TEST_SERVER.host,
        mysql_port: TEST_SERVER.port,
        mysql_user: TEST_SERVER.user,
        mysql_password: TEST_SERVER.password,
        mysql_database: database,
        retention_days: 30,
      },
    });
    const collector = startCollector(file);
    await waitFor(
      async () => ((await mysqlSampleTimes(database)).get("web-0")?.length ?? 0) >= 3 || undefined,
      30_000,
    );
    expect(await collector.stop()).toBe(0);

    const log = collector.output();
    for (const table of ["samples", "disk_samples", "security_findings", "poll_events"])
      expect(log).toMatch(
        new RegExp(`created partitions p\\d{8}\\.\\.p\\d{8} of ${table} \\(7 days ahead\\)`),
      );
    // the 40- and 35-day-old days went, each as its partition, logged once
    for (const daysAgo of [40, 35]) {
      const line = `dropped partition ${dayName(TODAY - daysAgo * DAY_MS)} of samples (retention 30 d)`;
      expect(log.split(line).length - 1, line).toBe(1);
    }
    const times = await mysqlSampleTimes(database);
    expect(times.get("old-host")).toEqual([TODAY - 2 * DAY_MS + 12 * 3_600_000]);
    const db = createKnex({ ...TEST_SERVER, database, poolMax: 1 });
    try {
      const [disks] = (await db.raw(
        "SELECT COUNT(*) AS n FROM disk_samples WHERE agent_id = 1",
      )) as unknown as [Array<{ n: number }>];
      expect(Number(disks[0]?.n)).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});
