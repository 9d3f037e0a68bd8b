import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { realSnapshot } from "./hostile-answers.js";
import { logTime, sleep } from "./log-lines.js";
import { startCollector, writeCollectorConfig } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";
import { count, duplicates, fileSampleTimes, largestGap } from "./stored-samples.js";

const AGENTS = ["web-a", "web-b"];
const PROBE_INTERVAL_S = 1;

/** Lines of a store file that are not whole JSON documents (a torn write). */
function tornLines(file: string): number {
  const text = readFileSync(file, "utf8");
  const partial = text.endsWith("\n") || text === "" ? 0 : 1;
  const bad = text
    .split("\n")
    .filter(Boolean)
    .filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    }).length;
  return bad + partial;
}

// The file store's data folder on a real tmpfs that fills up while the built collector runs,
// then is freed: the samples wait in the spool (on another disk), then every file of the store
// holds each of them once, with no torn line.
describe("collector whose data disk fills up and is freed", () => {
  const root = mkdtempSync(path.join(tmpdir(), "hostwatch-disk-full-"));
  const dataDir = path.join(root, "data");
  const filler = path.join(dataDir, "filler");
  const agents = AGENTS.map(() => new ScriptedAgent());

  beforeAll(async () => {
    mkdirSync(dataDir);
    // root may mount here; a refusal must fail the test loudly, not skip it
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dataDir]);
    for (const agent of agents) {
      agent.answer = () => realSnapshot();
      await agent.start();
    }
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    execFileSync("umount", [dataDir]);
    rmSync(root, { recursive: true, force: true });
  });

  it("spools while the disk is full, replays within a probe interval of it being freed, and writes each sample once", async () => {
    const { file } = writeCollectorConfig(
      {
        agents: agents.map((agent, i) => ({ name: AGENTS[i], host: "127.0.0.1", port: agent.port })),
        poll_interval: 1,
        timeout: 1,
        health_interval: 1,
        log_file: null,
        storage: { type: "file", dir: dataDir, probe_interval: PROBE_INTERVAL_S },
      },
      root,
    );
    const collector = startCollector(file);
    await waitFor(async () => {
      const times = fileSampleTimes(dataDir);
      return AGENTS.every((name) => count(times, name) >= 2) ? true : undefined;
    }, 15_000);

    // leave a few KB: the next batches fail part-way through a file
    const { bavail, bsize } = statfsSync(dataDir);
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 8 * 1024)));
    const fullAt = Date.now();
    const failed = await waitFor(
      async () => logTime(collector.output(), /file store failed, spooling to disk: .*ENOSPC/, fullAt - 1000),
      15_000,
    );
    await sleep(3_000);

    rmSync(filler);
    const freedAt = Date.now();
    const back = await waitFor(
      async () =>
        logTime(
          collector.output(),
          /file store is back after .*: replayed \d+ spooled records in order/,
          freedAt - 1000,
        ),
      15_000,
    );
    const backAfter = back - freedAt;
    expect(backAfter, "ms from freed to replayed").toBeLessThanOrEqual((PROBE_INTERVAL_S + 1.5) * 1000);
    await sleep(1_500);
    expect(await collector.stop()).toBe(0);

    const jsonl = fileSampleTimes(dataDir);
    const figures = fileSampleTimes(dataDir, "metrics_figures.jsonl");
    const log = readFileSync(path.join(dataDir, "metrics_data.log"), "utf8").split("\n");
    const torn = ["metrics_data.jsonl", "metrics_figures.jsonl"].map((name) =>
      tornLines(path.join(dataDir, name)),
    );
    console.log(
      `disk full: failure logged ${failed - fullAt} ms after the disk filled, replayed ${backAfter} ms after it was freed; ` +
        AGENTS.map(
          (name, i) =>
            `${name} polled ${agents[i]?.served}, stored jsonl ${count(jsonl, name)} / figures ${count(figures, name)} / ` +
            `log ${log.filter((line) => line.split(" ")[1] === name).length}`,
        ).join("; ") +
        `; duplicates ${duplicates(jsonl)}/${duplicates(figures)}; torn lines ${torn.join("/")}`,
    );
    expect(torn).toEqual([0, 0]);
    expect([duplicates(jsonl), duplicates(figures)]).toEqual([0, 0]);
    AGENTS.forEach((name, i) => {
      const served = agents[i]?.served;
      expect(count(jsonl, name), name).toBe(served);
      expect(count(figures, name), name).toBe(served);
      expect(log.filter((line) => line.split(" ")[1] === name).length, name).toBe(served);
      expect(largestGap(jsonl, name), name).toBeLessThan(1_600);
    });
  }, 90_000);
});
