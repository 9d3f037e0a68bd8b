// Compares one background sample with reading exactly the same files straight from /proc and /sys:
// every fs call the collectors make during a sample is recorded, then replayed bare.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const SYNC_OPS = [
  "readFileSync",
  "readdirSync",
  "statSync",
  "lstatSync",
  "existsSync",
  "readlinkSync",
  "statfsSync",
  "openSync",
  "readSync",
  "fstatSync",
  "closeSync",
];
const ASYNC_OPS = ["readFile", "readdir", "stat", "lstat", "statfs", "readlink", "open"];

function record(calls) {
  const originals = [];
  for (const op of SYNC_OPS) {
    const original = fs[op];
    originals.push([fs, op, original]);
    fs[op] = function (...args) {
      calls.push([op, args]);
      return original.apply(this, args);
    };
  }
  for (const op of ASYNC_OPS) {
    const original = fs.promises[op];
    originals.push([fs.promises, op, original]);
    fs.promises[op] = function (...args) {
      calls.push([`${op}Sync`, args]);
      return original.apply(this, args);
    };
  }
  syncBuiltinESMExports();
  return () => {
    for (const [target, op, original] of originals) target[op] = original;
    syncBuiltinESMExports();
  };
}

const buffer = Buffer.allocUnsafe(64 * 1024);

/** Replays the recorded calls; an opened file is read once and closed, like /proc records are. */
function replay(calls) {
  for (const [op, args] of calls) {
    if (op === "readSync" || op === "fstatSync" || op === "closeSync") continue;
    try {
      const result = fs[op](...args.filter((arg) => typeof arg !== "function"));
      if (op === "openSync") {
        fs.readSync(result, buffer, 0, buffer.length, null);
        fs.closeSync(result);
      }
    } catch {
      // a process that exited since the recording
    }
  }
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function sampleCostInProcess(iterations) {
  const { Sampler } = await import("../dist/agent/src/sampler.js");
  const { createLinuxCollectors } = await import("../dist/agent/src/metrics/index.js");
  const { REAL_HOST } = await import("../dist/agent/src/metrics/family.js");
  const { METRIC_FAMILIES } = await import("../dist/common/src/contract/protocol.js");
  const info = {
    name: "bench",
    hostname: "bench",
    version: "0",
    platform: "linux",
    os: "",
    kernel: "",
    arch: "",
    uptime_s: 0,
    boot_time: "",
  };
  const sampler = new Sampler({
    collectors: createLinuxCollectors(REAL_HOST, {}),
    // security has its own target (security-bench.mjs); it also runs journalctl where there is no auth log
    enabled: Object.fromEntries(METRIC_FAMILIES.map((family) => [family, family !== "security"])),
    intervalMs: 5000,
    agentInfo: () => info,
  });
  await sampler.sampleOnce(); // caches (mount list, sensor list, passwd) are warm after this, as in the agent

  const calls = [];
  const restore = record(calls);
  const recorded = await sampler.sampleOnce();
  restore();

  const sampleTimes = [];
  const rawTimes = [];
  const perFamily = {};
  for (let i = 0; i < iterations; i++) {
    let started = performance.now();
    const snapshot = await sampler.sampleOnce();
    sampleTimes.push(performance.now() - started);
    for (const status of snapshot.collector_status) (perFamily[status.name] ??= []).push(status.duration_ms);
    started = performance.now();
    replay(calls);
    rawTimes.push(performance.now() - started);
  }
  return {
    sampleMs: median(sampleTimes),
    rawMs: median(rawTimes),
    files: calls.length,
    pids: recorded.processes?.count ?? 0,
    perFamily: Object.fromEntries(Object.entries(perFamily).map(([name, values]) => [name, median(values)])),
  };
}

/** Runs the measurement in a child process with the given node flags (the agent's). */
export function measureSampleCost(iterations, nodeFlags) {
  const script = fileURLToPath(new URL("./sample-cost-main.mjs", import.meta.url));
  return JSON.parse(
    execFileSync(process.execPath, [...nodeFlags, script, String(iterations)], { encoding: "utf8" }),
  );
}
