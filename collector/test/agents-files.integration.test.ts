import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { logTime, sleep } from "./log-lines.js";
import { startCollector, writeCollectorConfig } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";
import { count, fileSampleTimes } from "./stored-samples.js";

// A configuration management tool that makes the agents folder after the collector started:
// the first SIGHUP reads it and watches it from then on; files dropped or deleted later are
// picked up without a signal.
describe("collector whose agents_files folder comes later", () => {
  const root = mkdtempSync(path.join(tmpdir(), "hostwatch-agents-files-"));
  const agentsDir = path.join(root, "agents.d");
  const agents = { a: new ScriptedAgent(), b: new ScriptedAgent() };

  beforeAll(async () => {
    for (const agent of Object.values(agents)) await agent.start();
  });
  afterAll(async () => {
    for (const agent of Object.values(agents)) await agent.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("starts with no agent, reads the folder at SIGHUP, then follows its files", async () => {
    const { file } = writeCollectorConfig(
      {
        agents_files: [path.join(agentsDir, "*.json")],
        poll_interval: 1,
        timeout: 1,
        log_file: null,
        storage: { dir: path.join(root, "data") },
      },
      root,
    );
    const collector = startCollector(file);
    const output = collector.output;
    const line = (pattern: RegExp, after: number) =>
      waitFor(async () => logTime(output(), pattern, after - 1000), 5_000);
    const drop = (name: keyof typeof agents) =>
      writeFileSync(
        path.join(agentsDir, `${name}.json`),
        JSON.stringify({ name, host: "127.0.0.1", port: agents[name].port }),
      );
    try {
      await line(/polling 0 agents every 1 s/, 0);
      // with nothing to poll it keeps running, waiting for agents
      await sleep(1_500);
      expect(collector.child.exitCode).toBeNull();
      expect(output()).toMatch(/no agent to poll yet/);
      expect(output()).toMatch(/agents_files: cannot watch .*agents\.d.*read at SIGHUP/);

      mkdirSync(agentsDir);
      drop("a");
      const hupAt = Date.now();
      collector.child.kill("SIGHUP");
      await line(/config reloaded: 1 agent added \(a\)/, hupAt);

      const dropAt = Date.now();
      drop("b");
      await line(/config reloaded \(agents_files changed\): 1 agent added \(b\)/, dropAt);
      await line(/agent b answered/, dropAt);

      const removeAt = Date.now();
      rmSync(path.join(agentsDir, "a.json"));
      await line(/config reloaded \(agents_files changed\): 1 agent removed \(a\)/, removeAt);
      expect(await collector.stop()).toBe(0);
      const times = fileSampleTimes(path.join(root, "data"));
      expect(count(times, "a")).toBeGreaterThanOrEqual(1);
      expect(count(times, "b")).toBeGreaterThanOrEqual(1);
    } catch (error) {
      console.log(output());
      throw error;
    } finally {
      await collector.stop();
    }
  }, 30_000);
});
