import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../agent/test/xmlrpc-call.js";
import { realSnapshot } from "./hostile-answers.js";
import { logTime } from "./log-lines.js";
import { startCollector, writeCollectorConfig } from "./run-collector.js";
import { ScriptedAgent } from "./scripted-agent.js";
import { count, duplicates, fileSampleTimes } from "./stored-samples.js";

/** A sample as an older release spooled it: raw answer, no batch id, no record count. */
function spooledSample(agent: string, ageS: number, snapshot: unknown): object {
  return { agent, ts: new Date(Date.now() - ageS * 1000).toISOString(), duration_ms: 3.2, snapshot };
}

// The spool an older release left behind, holding a batch the store can never take: it must be
// drained (the poison sample set aside in the dead-letter file), not replayed forever in front of
// everyone else's samples.
describe("collector starting on the spool of an older release with a poison batch in it", () => {
  const agent = new ScriptedAgent();
  const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-poison-"));
  const dataDir = path.join(dir, "data");
  const spoolDir = path.join(dir, "state/spool");
  const deadLetterFile = path.join(dir, "state/dead-letter.jsonl");

  beforeAll(async () => {
    await agent.start();
    mkdirSync(spoolDir, { recursive: true });
    const issueDisk = { ...realSnapshot(), disks: [{ mount: "/" }] }; // what older releases choked on
    const batches = [
      {
        samples: [
          spooledSample("old-good", 60, realSnapshot()),
          spooledSample("old-poison", 59, null), // written by a release that stored any answer
          spooledSample("old-disk", 58, issueDisk),
        ],
        events: [],
      },
      {
        samples: [spooledSample("old-good", 50, realSnapshot())],
        events: [
          {
            agent: "old-poison",
            ts: new Date(Date.now() - 49_000).toISOString(),
            kind: "down",
            error: "timeout",
            consecutive_failures: 3,
            duration_ms: 1000,
          },
        ],
      },
    ];
    writeFileSync(
      path.join(spoolDir, "000000000001.jsonl"),
      batches.map((b) => JSON.stringify(b)).join("\n") + "\n",
    );
  });
  afterAll(async () => {
    await agent.stop();
  });

  it("sets the poison sample aside, stores the rest of the spool in order, then the live polls", async () => {
    const { file } = writeCollectorConfig(
      {
        agents: [{ name: "web-live", host: "127.0.0.1", port: agent.port }],
        poll_interval: 1,
        timeout: 1,
        health_interval: 1,
        storage: { type: "file", dir: dataDir },
      },
      dir,
    );
    const collector = startCollector(file);
    await waitFor(async () => logTime(collector.output(), /replayed 5 spooled records in order/), 15_000);
    await waitFor(async () => (count(fileSampleTimes(dataDir), "web-live") >= 3 ? true : undefined), 15_000);
    await waitFor(
      async () => logTime(collector.output(), /health: .*, 1 record set aside as dead letters/),
      5_000,
    );
    expect(await collector.stop()).toBe(0);

    const output = collector.output();
    expect(output).toMatch(
      new RegExp(
        `file store refuses a sample of old-poison \\(.+\\); set aside in ${deadLetterFile.replace(/[.]/g, "\\.")}`,
      ),
    );
    const letters = readFileSync(deadLetterFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      kind: "sample",
      agent: "old-poison",
      record: { agent: "old-poison", snapshot: null },
    });

    const times = fileSampleTimes(dataDir);
    expect(count(times, "old-good")).toBe(2);
    expect(count(times, "old-disk")).toBe(1);
    expect(count(times, "old-poison")).toBe(0);
    expect(count(times, "web-live")).toBe(agent.served);
    expect(duplicates(times)).toBe(0);
    // in order: the spooled samples come before the live ones
    const order = readFileSync(path.join(dataDir, "metrics_data.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { agent: string }).agent);
    expect(order.slice(0, 3)).toEqual(["old-good", "old-disk", "old-good"]);
    expect(readFileSync(path.join(dataDir, "poll_events.jsonl"), "utf8")).toContain('"agent":"old-poison"');
    // and the spool is drained: nothing is left to replay at the next start
    expect(
      readdirSync(spoolDir).filter(
        (name) => name.endsWith(".jsonl") && readFileSync(path.join(spoolDir, name)).length > 0,
      ),
    ).toEqual([]);
  }, 60_000);
});
