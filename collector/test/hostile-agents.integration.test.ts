import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { dropDatabase, testDatabaseName, TEST_SERVER, withServer } from "./support/mysql-server.js";
import { HOSTILE_ANSWERS } from "./hostile-answers.js";
import { REPO_ROOT, startCollector, writeCollectorConfig } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";
import { count, duplicates, fileSampleTimes, mysqlSampleTimes, type SampleTimes } from "./stored-samples.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const HOSTILE = Object.keys(HOSTILE_ANSWERS);
const NAMES = ["good-1", "good-2", ...HOSTILE];
/** A stored sample of the "huge" agent must stay this small: the lists arrive bounded (50 items). */
const MAX_STORED_SAMPLE_BYTES = 64 * 1024;

// Agents that break the contract, side by side with healthy ones, through the built collector:
// every answer of every agent is stored, none holds up a batch, nothing is spooled.
describe.each(["file", "mysql"] as const)(
  "collector (%s store) polling agents that break the contract",
  (type) => {
    const agents = NAMES.map(() => new ScriptedAgent());
    const database = testDatabaseName();
    const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-hostile-"));
    const dataDir = path.join(dir, "data");

    beforeAll(async () => {
      agents.forEach((agent, i) => (agent.answer = HOSTILE_ANSWERS[NAMES[i] ?? ""]));
      for (const agent of agents) await agent.start();
    });
    afterAll(async () => {
      for (const agent of agents) await agent.stop();
      if (type === "mysql") await dropDatabase(database);
    });

    const stored = (): Promise<SampleTimes> =>
      type === "file" ? Promise.resolve(fileSampleTimes(dataDir)) : mysqlSampleTimes(database);

    it("stores every answer of every agent, the broken ones with what they got right, and spools nothing", async () => {
      const { file } = writeCollectorConfig(
        {
          agents: agents.map((agent, i) => ({ name: NAMES[i], host: "127.0.0.1", port: agent.port })),
          poll_interval: 1,
          timeout: 1,
          health_interval: 1,
          storage:
            type === "file"
              ? { type, dir: dataDir }
              : {
                  type,
                  mysql_host: TEST_SERVER.host,
                  mysql_port: TEST_SERVER.port,
                  mysql_user: TEST_SERVER.user,
                  mysql_password: TEST_SERVER.password,
                  mysql_database: database,
                },
        },
        dir,
      );
      const collector = startCollector(file);
      await waitFor(async () => {
        const times = await stored();
        return NAMES.every((name) => count(times, name) >= 4) ? true : undefined;
      }, 30_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; collector said:\n${collector.output().slice(0, 3000)}`);
      });
      expect(await collector.stop()).toBe(0);

      const output = collector.output();
      expect(output).not.toMatch(/store failed|not answering|spooling|dead letter|set aside/);
      expect(output).toMatch(/health: .*, 6 up, 0 down, .*0 spooled/);
      const times = await stored();
      expect(duplicates(times)).toBe(0);
      NAMES.forEach((name, i) => expect(count(times, name), name).toBe(agents[i]?.served));
      expect(existsSync(path.join(dir, "state/dead-letter.jsonl"))).toBe(false);

      if (type === "file") {
        // the other files of the store hold the same samples, once each
        const figures = fileSampleTimes(dataDir, "metrics_figures.jsonl");
        const log = readFileSync(path.join(dataDir, "metrics_data.log"), "utf8").split("\n");
        NAMES.forEach((name, i) => {
          expect(count(figures, name), name).toBe(agents[i]?.served);
          expect(log.filter((line) => line.split(" ")[1] === name).length, name).toBe(agents[i]?.served);
        });
        const hugeLines = readFileSync(path.join(dataDir, "metrics_data.jsonl"), "utf8")
          .split("\n")
          .filter((line) => line.startsWith('{"agent":"huge"'));
        const largest = Math.max(...hugeLines.map((line) => Buffer.byteLength(line)));
        console.log(`file store: largest stored sample of the "huge" agent ${largest} bytes`);
        expect(largest).toBeLessThan(MAX_STORED_SAMPLE_BYTES);
        // what a broken agent got right is kept: the "shapes" agent's timestamp and agent info
        const shapes = readFileSync(path.join(dataDir, "metrics_data.jsonl"), "utf8")
          .split("\n")
          .find((line) => line.startsWith('{"agent":"shapes"'));
        expect(JSON.parse(shapes ?? "{}")).toMatchObject({
          agent_info: { name: "vm", os: "Debian GNU/Linux 12 (bookworm)" },
        });
      } else {
        // the snapshot is kept in columns and child rows: the lists are the rows per sample
        const largest = async (table: string): Promise<number> => {
          const [rows] = (await withServer((db) =>
            db.raw(
              `SELECT COUNT(*) AS n FROM \`${database}\`.${table} t JOIN \`${database}\`.agents a ` +
                `ON a.id = t.agent_id WHERE a.name = 'huge' GROUP BY t.ts ORDER BY n DESC LIMIT 1`,
            ),
          )) as unknown as [Array<{ n: number }>];
          return Number(rows[0]?.n ?? 0);
        };
        const disks = await largest("disk_samples");
        const findings = await largest("security_findings");
        console.log(
          `MySQL store: the "huge" agent's largest sample has ${disks} disk rows, ${findings} finding rows`,
        );
        expect(disks).toBe(50);
        expect(findings).toBeGreaterThan(0);
        expect(findings).toBeLessThanOrEqual(3 * 50);
      }

      // and the history of it all draws: the dashboard is written, every agent has its page
      const out = path.join(dir, "site");
      const visualize = await run(
        process.execPath,
        [
          path.join(REPO_ROOT, "dist/visualize/src/main.js"),
          "--config",
          file,
          "--output-dir",
          out,
          "--hours",
          "1",
          "--quiet",
        ],
        { timeout: 60_000 },
      );
      expect(visualize.stderr).toMatch(/wrote .*index\.html: 6 agents \(6 drawn\)/);
      const index = readFileSync(path.join(out, "index.html"), "utf8");
      for (const name of NAMES) expect(index, name).toContain(name);
    }, 90_000);
  },
);
