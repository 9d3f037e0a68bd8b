import { appendFile, mkdtemp, open, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PollEvent } from "../../storage/index.js";
import { Spool } from "./spool.js";
import type { SpoolBatch } from "./spool.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "spool-test-"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** A batch of one event whose `consecutive_failures` is its number, to check order. */
function batch(n: number, padding = ""): SpoolBatch {
  const event: PollEvent = {
    agent: `host-${padding}`,
    ts: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    kind: "poll_error",
    error: "timeout after 10000 ms",
    consecutive_failures: n,
    duration_ms: 10_000,
  };
  return { samples: [], events: [event] };
}

const numbers = (batches: SpoolBatch[]) => batches.map((b) => b.events[0]?.consecutive_failures);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const bytes = (from: number, to: number) =>
  range(from, to).reduce(
    (sum, n) => sum + Buffer.byteLength(`${JSON.stringify({ records: 1, ...batch(n) })}\n`),
    0,
  );
const files = async () => (await readdir(dir)).sort();

async function openSpool(options?: ConstructorParameters<typeof Spool>[1]): Promise<Spool> {
  const spool = new Spool(dir, { segmentBytes: 600, ...options });
  await spool.open();
  return spool;
}

async function fill(spool: Spool, from: number, to: number): Promise<void> {
  for (const n of range(from, to)) await spool.append(batch(n));
}

/** A write that records what it got, and fails once at batch `failAt`. */
function recorder(failAt?: number) {
  const written: SpoolBatch[] = [];
  let failed = false;
  const write = async (b: SpoolBatch) => {
    if (!failed && b.events[0]?.consecutive_failures === failAt) {
      failed = true;
      throw new Error("store down");
    }
    written.push(b);
  };
  return { written, write };
}

describe("Spool", () => {
  it("starts empty, creating its directory", async () => {
    dir = path.join(dir, "a", "b");
    const spool = await openSpool();
    expect(spool.isEmpty).toBe(true);
    expect(spool.pendingBatches).toBe(0);
    expect(spool.pendingBytes).toBe(0);
    expect(await files()).toEqual([]);
    expect(await spool.replay(recorder().write)).toBe(0);
  });

  it("replays every batch in order across several segments, then deletes them", async () => {
    const spool = await openSpool();
    await fill(spool, 0, 20);
    expect(spool.pendingBatches).toBe(20);
    expect(spool.isEmpty).toBe(false);
    expect(spool.pendingBytes).toBe(bytes(0, 20));
    expect((await files()).length).toBeGreaterThan(3);

    const { written, write } = recorder();
    expect(await spool.replay(write)).toBe(20);
    expect(written).toEqual(range(0, 20).map((n) => batch(n)));
    expect(spool.isEmpty).toBe(true);
    expect(spool.pendingBytes).toBe(0);
    expect(await files()).toEqual([]);
    await spool.close();
  });

  it("stops at a failing write and resumes at that batch, losing and repeating nothing", async () => {
    const spool = await openSpool();
    await fill(spool, 0, 20);
    const { written, write } = recorder(7);
    await expect(spool.replay(write)).rejects.toThrow("store down");
    expect(numbers(written)).toEqual(range(0, 7));
    expect(spool.pendingBatches).toBe(13);
    expect(spool.pendingBytes).toBe(bytes(7, 20));

    await fill(spool, 20, 23);
    expect(await spool.replay(write)).toBe(16);
    expect(numbers(written)).toEqual(range(0, 23));
    expect(await files()).toEqual([]);
  });

  it("replays what a previous run left, from where that run's replay stopped", async () => {
    const first = await openSpool();
    await fill(first, 0, 20);
    await expect(first.replay(recorder(10).write)).rejects.toThrow();
    await first.close();
    expect((await files()).filter((name) => name.endsWith(".offset"))).toHaveLength(1);

    const second = await openSpool();
    expect(second.pendingBatches).toBe(10);
    const { written, write } = recorder();
    expect(await second.replay(write)).toBe(10);
    expect(numbers(written)).toEqual(range(10, 20));
    expect(await files()).toEqual([]);
  });

  it("appends after a restart go after what is left, in a new segment", async () => {
    const first = await openSpool({ segmentBytes: 1 << 20 });
    await fill(first, 0, 3);
    await first.close();
    const second = await openSpool({ segmentBytes: 1 << 20 });
    await fill(second, 3, 5);
    expect(await files()).toHaveLength(2);
    const { written, write } = recorder();
    await second.replay(write);
    expect(numbers(written)).toEqual(range(0, 5));
  });

  it("skips a last line cut by a crash mid-append", async () => {
    const first = await openSpool({ segmentBytes: 1 << 20 });
    await fill(first, 0, 3);
    await first.close();
    const [segment] = await files();
    await appendFile(path.join(dir, segment ?? ""), '{"samples":[],"events":[{"agent":"h');

    const second = await openSpool();
    expect(second.pendingBatches).toBe(3);
    const { written, write } = recorder();
    expect(await second.replay(write)).toBe(3);
    expect(numbers(written)).toEqual([0, 1, 2]);
    expect(await files()).toEqual([]);
  });

  it("removes at open a segment holding nothing but a cut line", async () => {
    await writeFile(path.join(dir, "000000000001.jsonl"), '{"samples":[');
    const spool = await openSpool();
    expect(spool.isEmpty).toBe(true);
    expect(await files()).toEqual([]);
  });

  it("skips and reports a complete line that is not a batch", async () => {
    const onBadLine = vi.fn();
    const first = await openSpool({ segmentBytes: 1 << 20 });
    await first.append(batch(0));
    await first.close();
    const [segment = ""] = await files();
    await appendFile(path.join(dir, segment), 'not json\n{"samples":1}\n');
    const second = await openSpool({ onBadLine });
    await second.append(batch(1));
    expect(second.pendingBatches).toBe(4);
    const { written, write } = recorder();
    expect(await second.replay(write)).toBe(2);
    expect(numbers(written)).toEqual([0, 1]);
    expect(onBadLine).toHaveBeenCalledTimes(2);
    expect(second.isEmpty).toBe(true);
  });

  it("replays lines longer than its read buffer", async () => {
    const spool = await openSpool();
    const big = [batch(0, "x".repeat(200_000)), batch(1), batch(2, "y".repeat(70_000))];
    for (const b of big) await spool.append(b);
    const { written, write } = recorder();
    await spool.replay(write);
    expect(written).toEqual(big);
  });

  it("replays batches appended while it runs, after the older ones", async () => {
    const spool = await openSpool();
    await fill(spool, 0, 5);
    const written: SpoolBatch[] = [];
    let next = 5;
    const replayed = await spool.replay(async (b) => {
      written.push(b);
      if (next < 8) await spool.append(batch(next++));
    });
    expect(replayed).toBe(8);
    expect(numbers(written)).toEqual(range(0, 8));
    expect(spool.isEmpty).toBe(true);
  });

  it("refuses a second replay while one runs", async () => {
    const spool = await openSpool();
    await fill(spool, 0, 2);
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const first = spool.replay(() => gate);
    await expect(spool.replay(recorder().write)).rejects.toThrow("already running");
    openGate();
    expect(await first).toBe(2);
  });

  it("lets close stop a replay after the current batch, keeping the rest for the next run", async () => {
    const first = await openSpool();
    await fill(first, 0, 10);
    let closing: Promise<void> | undefined;
    const { written, write } = recorder();
    const replayed = await first.replay(async (b) => {
      await write(b);
      if (written.length === 4) closing = first.close();
    });
    await closing;
    expect(replayed).toBe(4);

    const second = await openSpool();
    const rest = recorder();
    await second.replay(rest.write);
    expect(numbers(rest.written)).toEqual(range(4, 10));
  });

  it("replays from the start of a segment whose offset file is damaged", async () => {
    const first = await openSpool({ segmentBytes: 1 << 20 });
    await fill(first, 0, 3);
    await first.close();
    await writeFile(path.join(dir, "000000000001.offset"), "17");
    const second = await openSpool();
    const { written, write } = recorder();
    await second.replay(write);
    expect(numbers(written)).toEqual([0, 1, 2]);
  });

  it("fsyncs every append, and after a failed one goes on without gluing lines together", async () => {
    const probe = await open(path.join(dir, "probe"), "w");
    const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    await rm(path.join(dir, "probe"));
    const sync = vi.spyOn(prototype, "sync");

    const spool = await openSpool({ segmentBytes: 1 << 20 });
    await fill(spool, 0, 2);
    const appends = sync.mock.calls.length;
    sync.mockRejectedValueOnce(new Error("EIO"));
    await expect(spool.append(batch(2))).rejects.toThrow("EIO");
    await fill(spool, 3, 5);
    expect(sync.mock.calls.length).toBeGreaterThanOrEqual(appends + 3);
    expect(spool.pendingBatches).toBe(4);

    const { written, write } = recorder();
    await spool.replay(write);
    expect(numbers(written)).toEqual([0, 1, 3, 4]);
  });

  it("keeps the appends asked for before close, and rejects later ones", async () => {
    const spool = await openSpool();
    const before = spool.append(batch(0));
    await spool.close();
    await before;
    await expect(spool.append(batch(1))).rejects.toThrow("closed");
    const reopened = await openSpool();
    expect(reopened.pendingBatches).toBe(1);
  });

  it("counts the records it holds, also those a previous run or an older release spooled", async () => {
    const spool = await openSpool({ segmentBytes: 1 << 20 });
    await spool.append({ samples: [], events: [batch(0).events[0]!, batch(1).events[0]!] });
    await spool.append(batch(2));
    expect(spool.pendingRecords).toBe(3);
    await spool.close();
    // a line as an older release wrote it: no count in front
    const [segment] = await files();
    await appendFile(path.join(dir, segment!), `${JSON.stringify(batch(3))}\n`);

    const reopened = await openSpool();
    expect(reopened.pendingBatches).toBe(3);
    expect(reopened.pendingRecords).toBe(4);
    const { written, write } = recorder();
    await reopened.replay(write);
    expect(numbers(written)).toEqual([0, 2, 3]);
    expect(reopened.pendingRecords).toBe(0);
  });
});
