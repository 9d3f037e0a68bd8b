import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import winston from "winston";
import Transport from "winston-transport";
import type { NormalisedSnapshot } from "../polling/normalise/normalised-snapshot.js";
import type { PollEvent, PollSample } from "../storage/index.js";
import { Spool } from "./spool/spool.js";
import type { Store } from "../storage/index.js";
import { StorageWriter, type StorageWriterOptions } from "./storage-writer.js";
import { DeadLetterFile } from "./writer/dead-letters.js";

/**
 * A store that keeps rows in memory and can be switched off (refusing, like a database gone
 * away) or made to hang (like a blackholed connection); it refuses samples of agent "poison"
 * while it is up, as a database refuses a value it cannot hold. This is the writer's own test:
 * the real stores get the same faults in collector/test/*.integration.test.ts.
 */
class TestStore implements Store {
  readonly kind = "mysql" as const;
  mode: "up" | "down" | "hang" = "up";
  /** Each write takes this long (ms) before it settles. */
  delayMs = 0;
  aborts = 0;
  writes = 0;
  readonly rows: string[] = [];
  readonly events: PollEvent[] = [];
  private readonly hung: Array<(error: Error) => void> = [];
  async open() {}
  async writeSamples(samples: ReadonlyArray<PollSample>) {
    await this.gate();
    if (samples.some((s) => s.agent === "poison"))
      throw new Error("Out of range value for column 'cpu_count'");
    for (const s of samples) this.rows.push(`${s.agent}|${s.ts}`);
  }
  async writeEvents(events: ReadonlyArray<PollEvent>) {
    await this.gate();
    this.events.push(...events);
  }
  async writeAlerts() {}
  async flush() {}
  async close() {}
  async probe() {
    if (this.mode !== "up") throw new Error("connect ECONNREFUSED 127.0.0.1:3306");
  }
  abort() {
    this.aborts++;
    for (const reject of this.hung.splice(0)) reject(new Error("aborted"));
  }
  private async gate(): Promise<void> {
    this.writes++;
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (this.mode === "down") throw new Error("connect ECONNREFUSED 127.0.0.1:3306");
    if (this.mode === "hang") await new Promise((_, reject) => this.hung.push(reject));
  }
}

/** The log lines, to check what a sysadmin would read. */
class Lines extends Transport {
  readonly lines: string[] = [];
  override log(info: { message: unknown }, next: () => void): void {
    this.lines.push(String(info.message));
    next();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const snapshot = { timestamp: "", agent: { name: "a" }, collector_status: [] } as NormalisedSnapshot;
const sample = (i: number, agent = "web-01"): PollSample => ({
  agent,
  ts: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  duration_ms: 1,
  snapshot,
});
const key = (i: number, agent = "web-01") => `${agent}|${sample(i).ts}`;

async function until(done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(10);
}

describe("storage writer", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const setup = async (options: StorageWriterOptions = {}, existing?: string) => {
    const dir = existing ?? mkdtempSync(path.join(tmpdir(), "hostwatch-spool-"));
    if (existing === undefined) dirs.push(dir);
    const spool = new Spool(path.join(dir, "spool"));
    await spool.open();
    const store = new TestStore();
    const log = new Lines();
    const logger = winston.createLogger({ transports: [log] });
    const deadLetters = new DeadLetterFile(path.join(dir, "dead-letter.jsonl"), (letter) =>
      logger.error(`refused ${letter.kind} of ${letter.agent}`),
    );
    const writer = new StorageWriter(store, spool, logger, {
      flushIntervalMs: 20,
      writeTimeoutMs: 300,
      probeIntervalMs: 50,
      deadLetters,
      ...options,
    });
    return { dir, spool, store, log, writer, deadLetters };
  };

  it("spools while the store is down and replays in order when it is back, losing nothing", async () => {
    const { store, writer, log } = await setup({ batchSize: 5 });
    writer.start();
    for (let i = 0; i < 10; i++) writer.add(sample(i), []);
    await writer.flush();
    expect(store.rows).toHaveLength(10);

    store.mode = "down";
    const failure = (i: number): PollEvent => ({
      agent: "web-01",
      ts: sample(i).ts,
      kind: "poll_error",
      error: "x",
      consecutive_failures: 1,
      duration_ms: 1,
    });
    for (let i = 10; i < 30; i++) writer.add(sample(i), [failure(i)]);
    await writer.flush();
    expect(store.rows).toHaveLength(10);
    expect(writer.lag.spooledRecords).toBe(40);
    expect(log.lines.filter((l) => /store failed, spooling to disk/.test(l))).toHaveLength(1);

    store.mode = "up";
    for (let i = 30; i < 35; i++) writer.add(sample(i), []);
    await until(() => writer.lag.spooledBatches === 0 && store.rows.length === 35);
    await writer.flush();
    expect(store.rows).toEqual(Array.from({ length: 35 }, (_, i) => key(i)));
    expect(store.events).toHaveLength(20);
    expect(
      log.lines.filter((l) => /store is back after .*: replayed 45 spooled records in order/.test(l)),
    ).toHaveLength(1);
    await writer.close();
  });

  it("starts replaying within one probe interval of the store's return, not on a backoff", async () => {
    const { store, writer, log } = await setup({ probeIntervalMs: 100 });
    writer.start();
    store.mode = "down";
    writer.add(sample(0), []);
    await writer.flush();
    await sleep(1_000); // a backoff would have grown by now
    store.mode = "up";
    const back = Date.now();
    await until(() => store.rows.length === 1);
    expect(Date.now() - back).toBeLessThan(400);
    await until(() => log.lines.some((l) => /store is back/.test(l)));
    expect(log.lines.filter((l) => /store is back/.test(l))).toHaveLength(1);
    await writer.close();
  });

  it("a hanging store: spooled within one flush interval, logged at the deadline, connections aborted", async () => {
    const { store, writer, log, spool } = await setup({ flushIntervalMs: 100, writeTimeoutMs: 500 });
    writer.start();
    store.mode = "hang";
    writer.add(sample(0), []);
    writer.add(sample(1), []);
    await sleep(150); // the batch is formed at 100 ms and its write hangs
    await until(() => spool.pendingRecords === 2, 1_000);
    // durable although the write has not failed yet: nothing waits only in memory
    expect(spool.pendingRecords).toBe(2);
    expect(writer.lag.inFlight).toBe(0);
    expect(log.lines.some((l) => /not answering/.test(l))).toBe(false);
    await until(() => log.lines.some((l) => /not answering/.test(l)), 2_000);
    expect(log.lines.find((l) => /not answering/.test(l))).toMatch(
      /^mysql store not answering for 0.5 s, spooling/,
    );
    expect(store.aborts).toBeGreaterThanOrEqual(1);

    writer.add(sample(2), []);
    await sleep(150);
    expect(spool.pendingRecords).toBe(3); // straight to the spool during the outage
    store.mode = "up";
    await until(() => store.rows.length === 3);
    expect(store.rows).toEqual([key(0), key(1), key(2)]);
    await writer.close();
  });

  it("a slow write that succeeds after it was spooled is not written again", async () => {
    const { store, writer } = await setup({ flushIntervalMs: 50, writeTimeoutMs: 2_000 });
    writer.start();
    store.delayMs = 200;
    writer.add(sample(0), []);
    await sleep(60);
    writer.add(sample(1), []);
    await until(() => store.rows.length === 2 && writer.lag.spooledBatches === 0);
    store.delayMs = 0;
    await writer.flush();
    expect(store.rows).toEqual([key(0), key(1)]);
    await writer.close();
  });

  it("sets aside the records the store refuses and writes the rest of their batch", async () => {
    const { store, writer, log, dir, deadLetters } = await setup({ batchSize: 1000 });
    writer.start();
    for (let i = 0; i < 40; i++) writer.add(sample(i, i % 10 === 3 ? "poison" : `web-${i % 4}`), []);
    await writer.flush();
    for (let i = 40; i < 50; i++) writer.add(sample(i, i === 45 ? "poison" : "web-0"), []);
    await writer.flush();

    expect(store.rows).toHaveLength(45);
    expect(store.rows.some((row) => row.startsWith("poison"))).toBe(false);
    expect(writer.lag.spooledBatches).toBe(0);
    expect(deadLetters.count).toBe(5);
    expect(writer.stats.deadLettered).toBe(5);
    const letters = readFileSync(path.join(dir, "dead-letter.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(letters.map((l) => [l.kind, l.agent, l.record.ts])).toEqual(
      [3, 13, 23, 33, 45].map((i) => ["sample", "poison", sample(i).ts]),
    );
    expect(letters[0].error).toBe("Out of range value for column 'cpu_count'");
    // named once, not on every poll
    expect(log.lines.filter((l) => l === "refused sample of poison")).toHaveLength(1);
    // halving, not one write per record: 50 records, 5 bad
    expect(store.writes).toBeLessThan(60);
    await writer.close();
  });

  it("drains a spool from before that holds a poison batch, on start", async () => {
    const first = await setup();
    await first.spool.append({ samples: [sample(0), sample(1, "poison"), sample(2)], events: [] });
    await first.spool.append({ samples: [sample(3)], events: [] });
    await first.spool.close();

    const { store, writer, spool, log } = await setup({}, first.dir);
    writer.start();
    await until(() => spool.isEmpty && store.rows.length === 3);
    expect(store.rows).toEqual([key(0), key(2), key(3)]);
    expect(writer.stats.deadLettered).toBe(1);
    // no outage to end: the replay says on its own what it took from the spool, the poison record too
    await until(() => log.lines.some((l) => /^replayed /.test(l)));
    expect(log.lines.filter((l) => /^replayed /.test(l))).toEqual(["replayed 4 spooled records in order"]);
    await writer.close();
  });

  it("keeps a refused record in the spool when the store goes away while it is being isolated", async () => {
    const { store, writer, spool } = await setup();
    writer.start();
    // the store refuses the batch, then stops answering the probe
    const probe = store.probe.bind(store);
    let probes = 0;
    store.probe = async () => {
      if (++probes > 1) store.mode = "down";
      return probe();
    };
    writer.add(sample(0, "poison"), []);
    writer.add(sample(1), []);
    await writer.flush();
    await until(() => spool.pendingRecords > 0);
    expect(writer.stats.deadLettered).toBe(0);
    expect(spool.pendingRecords).toBeGreaterThan(0);
    await writer.close();
  });

  it("closes within the write deadline when the store hangs, with every record in the spool", async () => {
    const { store, writer, dir } = await setup({ flushIntervalMs: 1_000, writeTimeoutMs: 800 });
    writer.start();
    store.mode = "hang";
    for (let i = 0; i < 7; i++) writer.add(sample(i), []);
    const started = Date.now();
    await writer.close();
    expect(Date.now() - started).toBeLessThan(800 + 1_000 + 300);

    const again = new Spool(path.join(dir, "spool"));
    await again.open();
    expect(again.pendingRecords).toBe(7);
    await again.close();
  });

  it("leaves the spool for the next start when closed during an outage", async () => {
    const first = await setup();
    first.store.mode = "down";
    first.writer.start();
    for (let i = 0; i < 7; i++) first.writer.add(sample(i), []);
    await first.writer.flush();
    await first.writer.close();

    const { store, writer, spool } = await setup({}, first.dir);
    expect(spool.pendingBatches).toBe(1);
    expect(spool.pendingRecords).toBe(7);
    writer.start();
    await until(() => store.rows.length === 7);
    expect(store.rows).toHaveLength(7);
    await writer.close();
  });

  it("starts in an outage when the store could not be opened, and opens it by probing", async () => {
    const { store, writer, log } = await setup();
    store.mode = "down";
    writer.start(false);
    writer.add(sample(0), []);
    await writer.flush();
    expect(log.lines.some((l) => /could not be opened at start/.test(l))).toBe(true);
    expect(writer.lag.spooledRecords).toBe(1);
    store.mode = "up";
    await until(() => store.rows.length === 1);
    expect(store.rows).toEqual([key(0)]);
    await writer.close();
  });
});
