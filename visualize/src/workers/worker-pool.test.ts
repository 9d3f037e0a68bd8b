import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { WorkerPool } from "./worker-pool.js";

const dir = mkdtempSync(path.join(tmpdir(), "worker-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a worker that doubles n, fails on a negative one and dies on "exit"
const script = path.join(dir, "worker.mjs");
writeFileSync(
  script,
  `import { parentPort } from "node:worker_threads";
parentPort.on("message", (job) => {
  if (job.n === "exit") process.exit(3);
  if (job.n < 0) parentPort.postMessage({ id: job.id, error: "negative" });
  else setTimeout(() => parentPort.postMessage({ id: job.id, doubled: job.n * 2 }), 5);
});
`,
);

describe("WorkerPool", () => {
  it("runs more jobs than workers and gives each its own answer", async () => {
    const pool = new WorkerPool<{ n: number }, { doubled: number }>(pathToFileURL(script), 2);
    try {
      const answers = await Promise.all(Array.from({ length: 9 }, (_, n) => pool.run({ n })));
      expect(answers.map((a) => a.doubled)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16]);
      await expect(pool.run({ n: -1 })).rejects.toThrow("negative");
      expect((await pool.run({ n: 4 })).doubled).toBe(8);
    } finally {
      await pool.close();
    }
  });

  it("fails the running, queued and later jobs when a worker dies, instead of hanging", async () => {
    const pool = new WorkerPool<{ n: number | "exit" }, { doubled: number }>(pathToFileURL(script), 1);
    try {
      const dying = pool.run({ n: "exit" });
      const queued = pool.run({ n: 1 });
      await expect(dying).rejects.toThrow(/exited \(code 3\)/);
      await expect(queued).rejects.toThrow(/exited/);
      await expect(pool.run({ n: 2 })).rejects.toThrow(/exited/);
    } finally {
      await pool.close();
    }
  });
});
