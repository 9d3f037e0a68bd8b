import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import type { PollSample } from "../records.js";
import { FileHistoryReader } from "./file-reader.js";
import { FileStore } from "./file-store.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/snapshot.json", import.meta.url), "utf8"),
) as MetricsSnapshot;
const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const sample = (i: number): PollSample => {
  const ts = new Date(T0 + i * 1000).toISOString();
  return { agent: `web-${i % 5}`, ts, duration_ms: 5, snapshot: { ...fixture, timestamp: ts } };
};
const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => sample(from + i));

/** The store's files, their partial-line bytes, and each sample's count per file. */
function inspect(dir: string) {
  const read = (name: string) => readFileSync(realpathSync(path.join(dir, name)), "utf8");
  const files = {
    jsonl: read("metrics_data.jsonl"),
    log: read("metrics_data.log"),
    figures: read("metrics_figures.jsonl"),
  };
  const partialBytes = Object.values(files).reduce(
    (sum, text) => sum + (text.length - (text.lastIndexOf("\n") + 1)),
    0,
  );
  const counts = (text: string, key: (line: string) => string) => {
    const seen = new Map<string, number>();
    for (const line of text.split("\n").filter(Boolean)) seen.set(key(line), (seen.get(key(line)) ?? 0) + 1);
    return seen;
  };
  const jsonKey = (line: string) => {
    const { agent, ts } = JSON.parse(line) as { agent: string; ts: string };
    return `${agent} ${ts}`;
  };
  return {
    partialBytes,
    jsonl: counts(files.jsonl, jsonKey),
    figures: counts(files.figures, jsonKey),
    // "2026-11-22T06:00:00.000Z web-0 cpu=..."
    log: counts(files.log, (line) =>
      line
        .split(" ")
        .slice(1, 2)
        .concat(line.split(" ")[0] ?? "")
        .join(" "),
    ),
  };
}

/**
 * A data folder on a real tmpfs that fills up in the middle of a batch: the write must fail
 * as a whole (the caller spools it), leave no partial line, and the retry once the disk has
 * room must write every line exactly once in every file.
 */
describe("file store on a disk that fills up", () => {
  const root = mkdtempSync(path.join(tmpdir(), "file-store-full-"));
  const dir = path.join(root, "data");
  const filler = path.join(dir, "filler");

  beforeAll(() => {
    mkdirSync(dir);
    // root may mount here; a refusal must fail the test loudly, not skip it
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", dir]);
  });
  afterAll(() => {
    execFileSync("umount", [dir]);
    rmSync(root, { recursive: true, force: true });
  });

  it("rolls a failed batch back in every file, and the retry writes each line once", async () => {
    const store = new FileStore({
      metricsFile: path.join(dir, "metrics_data.log"),
      jsonFile: path.join(dir, "metrics_data.jsonl"),
      figuresFile: path.join(dir, "metrics_figures.jsonl"),
      eventsFile: path.join(dir, "poll_events.jsonl"),
      alertsFile: path.join(dir, "alerts.jsonl"),
      maxSizeBytes: 64 * 1024 * 1024,
      backupCount: 1,
    });
    await store.open();
    try {
      await store.writeSamples(batch(0, 20));
      const lineBytes = Buffer.byteLength(JSON.stringify(sample(0)));
      // leave room for about 100 samples, then write 400: the disk fills inside the batch
      const free = 2 * 1024 * 1024 - 64 * 1024 - 20 * (lineBytes + 300);
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 100 * lineBytes)));
      const failing = batch(20, 400);
      await expect(store.writeSamples(failing)).rejects.toThrow(/ENOSPC/);

      const afterFailure = inspect(dir);
      expect(afterFailure.partialBytes).toBe(0);
      for (const counts of [afterFailure.jsonl, afterFailure.log, afterFailure.figures])
        expect(counts.size, "only the first batch is in the files").toBe(20);

      rmSync(filler);
      await store.writeSamples(failing);
      await store.flush();
      const after = inspect(dir);
      const expected = 420;
      const duplicates = [after.jsonl, after.log, after.figures].map(
        (counts) => [...counts.values()].filter((n) => n > 1).length,
      );
      console.log(
        `[fault] disk full: expected ${expected} samples; stored jsonl ${after.jsonl.size}, log ${after.log.size}, ` +
          `figures ${after.figures.size}; duplicates ${duplicates.join("/")}; partial-line bytes ${afterFailure.partialBytes} after the failure, ${after.partialBytes} after the retry`,
      );
      expect([after.jsonl.size, after.log.size, after.figures.size]).toEqual([expected, expected, expected]);
      expect(duplicates).toEqual([0, 0, 0]);
      expect(after.partialBytes).toBe(0);
    } finally {
      await store.close().catch(() => undefined);
    }
  });

  it("cuts a torn last line left by a crash when it opens, and readers skip a torn line", async () => {
    const files = {
      metricsFile: path.join(dir, "metrics_data.log"),
      jsonFile: path.join(dir, "metrics_data.jsonl"),
      eventsFile: path.join(dir, "poll_events.jsonl"),
      alertsFile: path.join(dir, "alerts.jsonl"),
    };
    const current = realpathSync(files.jsonFile);
    const before = readFileSync(current, "utf8");
    // a crash in the middle of a line
    const torn = '{"agent":"web-9","ts":"2026-11-22T07:00:00.000Z","cpu":{"usa';
    writeFileSync(current, `${before}${torn}`);
    const reader = new FileHistoryReader(files);
    let read = 0;
    for await (const _ of reader.samples({ from: 0, to: Number.MAX_SAFE_INTEGER })) read++;
    await reader.close();
    expect(read).toBe(420);
    expect(reader.skippedLines).toBe(1);

    const store = new FileStore({ ...files, maxSizeBytes: 64 * 1024 * 1024, backupCount: 1 });
    await store.open();
    try {
      expect(store.tornBytesCut).toBe(Buffer.byteLength(torn));
      expect(readFileSync(current, "utf8")).toBe(before);
      await store.writeSamples([sample(1000)]);
      await store.flush();
      const text = readFileSync(current, "utf8");
      expect(text.startsWith(before)).toBe(true);
      const added = text.slice(before.length).split("\n").filter(Boolean);
      expect(added).toHaveLength(1);
      expect(JSON.parse(added[0] ?? "")).toMatchObject({ agent: sample(1000).agent, ts: sample(1000).ts });
    } finally {
      await store.close().catch(() => undefined);
    }
  });
});
