// The security checks' cost (run by bench/agent-bench.mjs with the agent's node flags):
// one security sample with 1,000 extra processes, and the auth-log check's cost per appended MB
// on a small and on a large log (it must follow the new bytes, not the file size).
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT, percentile } from "./agent-process.mjs";

const { SecurityCollector } = await import("../dist/agent/src/security/security-family.js");
const { SshBruteForceCheck } = await import("../dist/agent/src/security/ssh/ssh-check.js");
const { REAL_HOST } = await import("../dist/agent/src/metrics/family.js");

const EXTRA_PROCESSES = 1000;
const work = mkdtempSync(path.join(tmpdir(), "hostwatch-security-bench-"));
const sleepers = [];
const results = [];
const report = (name, value, target, ok) => {
  results.push(ok);
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${value}  (target ${target})`);
};
const countPids = () => readdirSync("/proc").filter((name) => /^\d+$/.test(name)).length;
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function timeRuns(runs, fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/** Realistic auth.log text (the Debian fixture's mix of sshd attacks and noise) of about `bytes`. */
function authLogText(bytes) {
  const sample = readFileSync(path.join(ROOT, "agent/test/fixtures/auth-logs/debian-auth.log"), "utf8");
  return sample
    .repeat(Math.ceil(bytes / sample.length))
    .slice(0, bytes)
    .replace(/[^\n]*$/, "");
}

async function appendCost(existingBytes) {
  const file = path.join(work, `auth-${existingBytes}.log`);
  writeFileSync(file, authLogText(existingBytes));
  const check = new SshBruteForceCheck({ logPaths: [file], windowS: 900, threshold: 10, journalctl: null });
  await check.run();
  const megabyte = authLogText(1024 * 1024);
  const times = await timeRuns(5, async () => {
    appendFileSync(file, megabyte);
    await check.run();
  });
  check.close();
  return median(times);
}

try {
  const before = countPids();
  for (let i = 0; i < EXTRA_PROCESSES; i++) sleepers.push(spawn("sleep", ["600"], { stdio: "ignore" }));
  const deadline = Date.now() + 30_000;
  while (countPids() < before + EXTRA_PROCESSES && Date.now() < deadline) await sleep(100);
  const pids = countPids();

  const log = path.join(work, "auth.log");
  writeFileSync(log, authLogText(256 * 1024));
  const collector = new SecurityCollector(REAL_HOST, {
    authLogPaths: [log],
    stateDir: work,
    journalctl: null,
  });
  await collector.collect();
  const times = await timeRuns(30, () => collector.collect());
  const p50 = median(times);
  console.log(
    `      security sample with ${pids} processes: p50 ${p50.toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms`,
  );
  report(`security checks per sample, ${pids} processes`, `${p50.toFixed(2)} ms`, "<= 20 ms", p50 <= 20);
} finally {
  for (const child of sleepers) child.kill("SIGKILL");
}

const small = await appendCost(1024 * 1024);
const large = await appendCost(50 * 1024 * 1024);
console.log(
  `      auth log check after appending 1 MB: ${small.toFixed(2)} ms on a 1 MB log, ${large.toFixed(2)} ms on a 50 MB log`,
);
report(
  "auth log cost, 50 MB log vs 1 MB log (1 MB appended)",
  `${(large / small).toFixed(2)}x`,
  "about 1x (<= 1.5x)",
  large <= 1.5 * small,
);
rmSync(work, { recursive: true, force: true });
process.exitCode = results.every(Boolean) ? 0 : 1;
