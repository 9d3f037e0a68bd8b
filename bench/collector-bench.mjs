// npm run bench:collector — one collector polling many simulated agents (another process),
// then the store throughput of the file store and of MySQL, each printed with its figure.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuSeconds, memoryMiB, percentile, ROOT } from "./agent-process.mjs";

const AGENTS = Number(process.env.BENCH_AGENTS ?? 5000);
const INTERVAL_S = Number(process.env.BENCH_INTERVAL_S ?? 10);
const RUN_S = Number(process.env.BENCH_RUN_S ?? 60);
const { decodeMethodResponse } = await import("../dist/common/src/xmlrpc/index.js");
const { normaliseSnapshot } = await import("../dist/collector/src/polling/normalise/normalise-snapshot.js");
import { dropDatabase, TEST_SERVER, testDatabaseName } from "./test-server.mjs";
// What our agent answered on this machine: the simulated agents send it, the store benchmark stores it.
const AGENT_RESPONSE = path.join(ROOT, "collector/test/fixtures/agent-get-metrics.xml");
const realSnapshot = normaliseSnapshot(decodeMethodResponse(readFileSync(AGENT_RESPONSE)).value, {
  agent: "bench",
  receivedAt: new Date(),
});
const { FileStore } = await import("../dist/collector/src/storage/file/file-store.js");
const { FileHistoryReader } = await import("../dist/collector/src/storage/file/file-reader.js");
const { MysqlStore } = await import("../dist/collector/src/storage/mysql/mysql-store.js");
const { batchSizeFor } = await import("../dist/collector/src/collector-app.js");

const results = [];
const report = (name, value, target, ok) => {
  results.push(ok);
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${value}  (target ${target})`);
};
const work = mkdtempSync(path.join(tmpdir(), "hostwatch-collector-bench-"));

async function pollingBench() {
  const responseFile = AGENT_RESPONSE;
  const fake = spawn(
    process.execPath,
    [path.join(ROOT, "bench/fake-agents.mjs"), String(AGENTS), responseFile],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const ports = await new Promise((resolve, reject) => {
    let out = "";
    fake.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /ready ([\d,]+)/.exec(out);
      if (match) resolve(match[1].split(",").map(Number));
    });
    fake.once("exit", (code) => reject(new Error(`fake agents exited ${code}`)));
  });
  const configFile = path.join(work, "collector.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      agents: ports.map((port, i) => ({ name: `sim-${i}`, host: "127.0.0.1", port })),
      poll_interval: INTERVAL_S,
      timeout: Math.min(5, INTERVAL_S),
      max_workers: 256,
      health_interval: INTERVAL_S,
      state_dir: path.join(work, "state"),
      storage: {
        type: "file",
        dir: path.join(work, "data"),
        rotation: { max_size: "500MB", backup_count: 5 },
      },
    }),
  );
  const collector = spawn(
    process.execPath,
    // BENCH_COLLECTOR_FLAGS: node flags for the collector, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    [
      ...(process.env.BENCH_COLLECTOR_FLAGS ?? "").split(" ").filter(Boolean),
      path.join(ROOT, "dist/collector/src/main.js"),
      "--config",
      configFile,
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  collector.stderr.on("data", (chunk) => (log += chunk));
  try {
    // the first interval opens every connection; measure the steady state after it
    await sleep((INTERVAL_S + 2) * 1000);
    const cpuStart = cpuSeconds(collector.pid);
    const started = Date.now();
    const healthBefore = (log.match(/health: /g) ?? []).length;
    await sleep(RUN_S * 1000);
    const elapsed = (Date.now() - started) / 1000;
    const cpu = ((cpuSeconds(collector.pid) - cpuStart) / elapsed) * 100;
    const memory = memoryMiB(collector.pid);
    const health = log
      .split("\n")
      .filter((line) => line.includes("health: "))
      .slice(healthBefore);
    const numbers = (pattern) => health.map((line) => Number(pattern.exec(line)?.[1] ?? 0));
    const pollsPerS = numbers(/([\d.]+) polls\/s/);
    const failed = numbers(/(\d+) failed/).reduce((a, b) => a + b, 0);
    const overruns = numbers(/(\d+) overruns/).reduce((a, b) => a + b, 0);
    const lateness = Math.max(...numbers(/lateness p99 (\d+) ms/));
    const avgRate = pollsPerS.reduce((a, b) => a + b, 0) / Math.max(1, pollsPerS.length);
    console.log(
      `      ${AGENTS} agents every ${INTERVAL_S} s for ${RUN_S} s: ${avgRate.toFixed(0)} polls/s (expected ${(AGENTS / INTERVAL_S).toFixed(0)}), ` +
        `${failed} failed, ${overruns} overruns, start lateness p99 ${lateness} ms, RSS ${memory.rss.toFixed(0)} MiB`,
    );
    report(
      `collector CPU polling ${AGENTS} agents every ${INTERVAL_S} s`,
      `${cpu.toFixed(1)}% of one core`,
      "<= 60%",
      cpu <= 60,
    );
    report(
      "missed polls",
      `${failed + overruns} (failed ${failed}, overruns ${overruns})`,
      "0",
      failed === 0 && overruns === 0 && avgRate >= 0.97 * (AGENTS / INTERVAL_S),
    );
  } finally {
    if (collector.exitCode === null) {
      const exited = new Promise((resolve) => collector.once("exit", resolve));
      collector.kill("SIGTERM");
      await exited;
    }
    fake.kill("SIGTERM");
  }
  const reader = new FileHistoryReader({
    jsonFile: path.join(work, "data/metrics_data.jsonl"),
    eventsFile: path.join(work, "data/poll_events.jsonl"),
  });
  const durations = [];
  for await (const sample of reader.samples({ from: 0, to: Date.now() + 1000 }))
    durations.push(sample.duration_ms);
  await reader.close();
  durations.sort((a, b) => a - b);
  console.log(
    `      ${durations.length} samples stored; poll latency p50 ${percentile(durations, 50).toFixed(1)} ms, p99 ${percentile(durations, 99).toFixed(1)} ms`,
  );
}

function batchOf(size, offset) {
  const base = Date.now() - 3_600_000;
  return Array.from({ length: size }, (_, i) => {
    const ts = new Date(base + (offset + i) * 10).toISOString();
    const cpu = { ...realSnapshot.cpu, usage_percent: (i % 1000) / 10 };
    return {
      agent: `sim-${(offset + i) % 1000}`,
      ts,
      duration_ms: 2.5,
      snapshot: { ...realSnapshot, timestamp: ts, cpu },
    };
  });
}

async function storeThroughput(name, store, total, target) {
  await store.open();
  // batches of the size the collector writes to this kind of store
  const size = batchSizeFor(store.kind);
  const batches = Array.from({ length: total / size }, (_, b) => batchOf(size, b * size));
  const started = performance.now();
  for (const batch of batches) await store.writeSamples(batch);
  await store.flush();
  const perS = total / ((performance.now() - started) / 1000);
  await store.close();
  report(
    `${name} store throughput (batches of ${size})`,
    `${Math.round(perS)} samples/s`,
    `>= ${target}`,
    perS >= target,
  );
}

try {
  if (process.env.BENCH_ONLY !== "store") await pollingBench();
  const data = path.join(work, "store");
  await storeThroughput(
    "file",
    new FileStore({
      metricsFile: path.join(data, "metrics_data.log"),
      jsonFile: path.join(data, "metrics_data.jsonl"),
      figuresFile: path.join(data, "metrics_figures.jsonl"),
      eventsFile: path.join(data, "poll_events.jsonl"),
      alertsFile: path.join(data, "alerts.jsonl"),
      maxSizeBytes: 100 * 1024 * 1024,
      backupCount: 5,
    }),
    100_000,
    50_000,
  );
  const database = testDatabaseName();
  try {
    await storeThroughput(
      "MySQL",
      new MysqlStore({ ...TEST_SERVER, database, retentionDays: 0 }),
      50_000,
      20_000,
    );
  } finally {
    await dropDatabase(database);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = results.every(Boolean) ? 0 : 1;
