import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { logTime, sleep } from "./log-lines.js";
import { startCollector, writeCollectorConfig } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";
import { count, duplicates, fileSampleTimes, largestGap } from "./stored-samples.js";

const INTERVAL_MS = 1_000;
/** A poll's slot is fixed; timers and a 1 s poll budget allow this much between two polls. */
const LARGEST_GAP_MS = 1_600;

interface Host {
  name: string;
  agent: ScriptedAgent;
}

const entry = (host: Host) => ({ name: host.name, host: "127.0.0.1", port: host.agent.port });

// The built collector polls 20 agents every second (15 from its config file, 5 from an
// agents_files folder) into a file store on a tmpfs that fills up, so that samples wait in the
// spool while the config is reloaded: SIGHUP adds 5 agents, removes 5 and moves one to another
// port; a bad config is refused; a new file in the folder adds an agent without a signal and a
// half-written one changes nothing; then the disk is freed.
describe("collector reloading its config while it polls and spools", () => {
  const root = mkdtempSync(path.join(tmpdir(), "hostwatch-reload-"));
  const dataDir = path.join(root, "data");
  const agentsDir = path.join(root, "agents.d");
  const filler = path.join(dataDir, "filler");
  const host = (name: string): Host => ({ name, agent: new ScriptedAgent() });
  const inline = Array.from({ length: 15 }, (_, i) => host(`inline-${i}`));
  const fromFiles = Array.from({ length: 5 }, (_, i) => host(`file-${i}`));
  const added = Array.from({ length: 5 }, (_, i) => host(`added-${i}`));
  const dropped = inline.slice(0, 5);
  const moved = inline[5] as Host;
  const movedTo = new ScriptedAgent();
  const kept = [...inline.slice(6), ...fromFiles];
  const dropIn = host("drop-in");
  const everyAgent = [...inline, ...fromFiles, ...added, dropIn].map((h) => h.agent).concat(movedTo);

  beforeAll(async () => {
    mkdirSync(dataDir);
    mkdirSync(agentsDir);
    // root may mount here; a refusal must fail the test loudly, not skip it
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dataDir]);
    for (const agent of everyAgent) await agent.start();
  });
  afterAll(async () => {
    for (const agent of everyAgent) await agent.stop();
    execFileSync("umount", [dataDir]);
    rmSync(root, { recursive: true, force: true });
  });

  it("adds, removes and changes agents without a missed poll of the others, and loses no spooled sample", async () => {
    const base = {
      agents_files: [path.join(agentsDir, "*.json")],
      poll_interval: 1,
      timeout: 1,
      health_interval: 1,
      // off the data disk that fills up
      log_file: path.join(root, "collector.log"),
      storage: { type: "file", dir: dataDir, probe_interval: 1 },
    };
    writeFileSync(path.join(agentsDir, "hosts.json"), JSON.stringify(fromFiles.map(entry)));
    const { file } = writeCollectorConfig({ ...base, agents: inline.map(entry) }, root);
    const collector = startCollector(file);
    const output = collector.output;
    try {
      await waitFor(async () => {
        const times = fileSampleTimes(dataDir);
        return [...inline, ...fromFiles].every((h) => count(times, h.name) >= 2) ? true : undefined;
      }, 15_000);
      expect(output()).toMatch(/polling 20 agents every 1 s/);
      expect(output()).toMatch(/agent file-3 answered: hostname web-01, .*\d+ ms/);

      // the disk fills: from now on every batch waits in the spool
      const { bavail, bsize } = statfsSync(dataDir);
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 8 * 1024)));
      const fullAt = Date.now();
      await waitFor(async () => logTime(output(), /spooling to disk: .*ENOSPC/, fullAt - 1000), 15_000);
      await sleep(1_500);

      // SIGHUP: 5 added, 5 removed, one moved to another port (its state goes on)
      const next = [
        ...inline.slice(6).map(entry),
        { ...entry(moved), port: movedTo.port },
        ...added.map(entry),
      ];
      writeCollectorConfig({ ...base, agents: next }, root);
      const hupAt = Date.now();
      collector.child.kill("SIGHUP");
      const reloadedAt = await waitFor(
        async () =>
          logTime(output(), /config reloaded: 5 agents added .*5 removed .*1 changed/, hupAt - 1000),
        5_000,
      );
      expect(output()).toContain(
        "config reloaded: 5 agents added (added-0, added-1, added-2, added-3, added-4), " +
          "5 removed (inline-0, inline-1, inline-2, inline-3, inline-4), 1 changed (inline-5)",
      );
      await sleep(1_500);
      const servedByDropped = dropped.map((h) => h.agent.served);

      // a bad config is refused with its problems; the running one goes on polling
      writeFileSync(file, JSON.stringify({ ...base, agents: [{ name: "x", host: "h", port: 70000 }] }));
      const badAt = Date.now();
      collector.child.kill("SIGHUP");
      await waitFor(async () => logTime(output(), /config reload refused/, badAt - 1000), 5_000);
      expect(output()).toMatch(/config reload refused.*agents\[0\]\.port/);
      writeCollectorConfig({ ...base, agents: next }, root);

      // a file dropped in the folder adds its agent, no signal needed; a half-written one is refused
      const dropAt = Date.now();
      writeFileSync(path.join(agentsDir, "drop-in.json"), JSON.stringify(entry(dropIn)));
      await waitFor(
        async () =>
          logTime(
            output(),
            /config reloaded \(agents_files changed\): 1 agent added \(drop-in\)/,
            dropAt - 1000,
          ),
        5_000,
      );
      const halfAt = Date.now();
      writeFileSync(path.join(agentsDir, "half.json"), '[{"name": "half", "host": "127.0.0.1", "po');
      await waitFor(
        async () =>
          logTime(output(), /config reload refused \(agents_files changed\).*half\.json/, halfAt - 1000),
        5_000,
      );
      await sleep(1_500);
      rmSync(path.join(agentsDir, "half.json"));

      // the disk is freed: the spool, kept across both reloads, is replayed
      rmSync(filler);
      const freedAt = Date.now();
      await waitFor(
        async () =>
          logTime(output(), /file store is back after .*: replayed \d+ spooled records/, freedAt - 1000),
        15_000,
      );
      const replayed = Number(/replayed (\d+) spooled records/.exec(output())?.[1]);
      // the spool held what was polled before, during and after both reloads
      expect(replayed).toBeGreaterThan(20 * 5);
      await sleep(2_000);
      expect(await collector.stop()).toBe(0);

      const times = fileSampleTimes(dataDir);
      console.log(
        `reload of 20 agents every 1 s: ${replayed} spooled records replayed; largest gap of the ${kept.length} kept agents ` +
          `${Math.max(...kept.map((h) => largestGap(times, h.name)))} ms; first poll of the added ones ` +
          `${Math.max(...added.map((h) => Math.min(...(times.get(h.name) ?? [Infinity])) - reloadedAt))} ms after the reload`,
      );
      expect(duplicates(times)).toBe(0);
      // every answer of every agent is stored, the ones spooled across the reloads too
      for (const h of [...kept, ...added, dropIn]) expect(count(times, h.name), h.name).toBe(h.agent.served);
      expect(count(times, moved.name)).toBe(moved.agent.served + movedTo.served);
      // the agents the reload left alone missed no poll
      for (const h of kept) expect(largestGap(times, h.name), h.name).toBeLessThan(LARGEST_GAP_MS);
      expect(largestGap(times, moved.name)).toBeLessThan(LARGEST_GAP_MS);
      // the added ones started within an interval; the removed ones were no longer polled
      for (const h of added) {
        const first = Math.min(...(times.get(h.name) ?? [Infinity]));
        expect(first - reloadedAt, h.name).toBeLessThan(INTERVAL_MS + 200);
      }
      expect(dropped.map((h) => h.agent.served)).toEqual(servedByDropped);
      for (const h of dropped) {
        const last = Math.max(...(times.get(h.name) ?? [0]));
        expect(last, h.name).toBeLessThan(reloadedAt);
      }
      expect(count(times, dropIn.name)).toBeGreaterThanOrEqual(2);
      expect(movedTo.served).toBeGreaterThanOrEqual(4);
      // the moved agent kept its state (never announced up or down); its first answer at the
      // new port is named, as at start
      expect(output()).not.toMatch(/agent inline-5 is (UP|DOWN)/);
      expect(output().match(/agent inline-5 answered/g)).toHaveLength(2);
    } catch (error) {
      // the collector's log tells what went wrong
      console.log(output());
      throw error;
    } finally {
      await collector.stop();
    }
  }, 90_000);
});
