import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import winston from "winston";
import type { MetricsSnapshot } from "../../../agent/src/protocol.js";
import type { PollEvent, PollSample } from "./records.js";
import { Spool } from "./spool/spool.js";
import type { Store } from "./store.js";
import { StorageWriter } from "./storage-writer.js";

/** A store that keeps rows in memory and can be switched off, like a database going away. */
class SwitchableStore implements Store {
  readonly kind = "mysql" as const;
  up = true;
  readonly rows = new Map<string, PollSample>();
  readonly events: PollEvent[] = [];
  async open() {}
  async writeSamples(samples: ReadonlyArray<PollSample>) {
    if (!this.up) throw new Error("connect ECONNREFUSED 127.0.0.1:3306");
    for (const s of samples) this.rows.set(`${s.agent}|${s.ts}`, s);
  }
  async writeEvents(events: ReadonlyArray<PollEvent>) {
    if (!this.up) throw new Error("connect ECONNREFUSED 127.0.0.1:3306");
    this.events.push(...events);
  }
  async writeAlerts() {}
  async flush() {}
  async close() {}
}

const logger = winston.createLogger({ silent: true });
const sample = (i: number): PollSample => ({
  agent: "web-01",
  ts: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  duration_ms: 1,
  snapshot: { timestamp: "", agent: {}, collector_status: [] } as unknown as MetricsSnapshot,
});

describe("storage writer", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const newSpool = async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hostwatch-spool-"));
    dirs.push(dir);
    const spool = new Spool(dir);
    await spool.open();
    return { spool, dir };
  };

  it("spools while the store is down and replays in order when it is back, losing nothing", async () => {
    const store = new SwitchableStore();
    const { spool } = await newSpool();
    const writer = new StorageWriter(store, spool, logger, {
      batchSize: 5,
      flushIntervalMs: 10,
      retryMs: 30,
    });
    writer.start();
    for (let i = 0; i < 10; i++) writer.add(sample(i), []);
    await writer.flush();
    expect(store.rows.size).toBe(10);

    store.up = false;
    for (let i = 10; i < 30; i++)
      writer.add(sample(i), [
        {
          agent: "web-01",
          ts: sample(i).ts,
          kind: "poll_error",
          error: "x",
          consecutive_failures: 1,
          duration_ms: 1,
        },
      ]);
    await writer.flush();
    expect(store.rows.size).toBe(10);
    expect(writer.lag.spooledBatches).toBeGreaterThan(0);

    store.up = true;
    for (let i = 30; i < 35; i++) writer.add(sample(i), []);
    const deadline = Date.now() + 5_000;
    while (writer.lag.spooledBatches > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await writer.flush();
    expect([...store.rows.keys()]).toEqual(Array.from({ length: 35 }, (_, i) => `web-01|${sample(i).ts}`));
    expect(store.events).toHaveLength(20);
    await writer.close();
  });

  it("leaves the spool for the next start when closed during an outage", async () => {
    const store = new SwitchableStore();
    store.up = false;
    const { spool, dir } = await newSpool();
    const writer = new StorageWriter(store, spool, logger, { retryMs: 60_000 });
    writer.start();
    for (let i = 0; i < 7; i++) writer.add(sample(i), []);
    await writer.close();

    store.up = true;
    const again = new Spool(dir);
    await again.open();
    expect(again.pendingBatches).toBe(1);
    const restarted = new StorageWriter(store, again, logger, { retryMs: 10 });
    restarted.start();
    const deadline = Date.now() + 5_000;
    while (store.rows.size < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(store.rows.size).toBe(7);
    await restarted.close();
  });
});
