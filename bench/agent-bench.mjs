// npm run bench:agent — the agent's performance targets, each printed with its measured figure.
import autocannon from "autocannon";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { agentNodeFlags, cpuSeconds, memoryMiB, percentile, startAgent } from "./agent-process.mjs";
import { pacedLoad } from "./paced-load.mjs";
import { measureSampleCost } from "./sample-cost.mjs";

const CALL = '<?xml version="1.0"?><methodCall><methodName>get_metrics</methodName><params/></methodCall>';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 30);
const results = [];
const report = (name, value, target, ok) => {
  results.push({ name, value, target, ok });
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${value}  (target ${target})`);
};
const showMemory = ({ rss, shared, private: own }) =>
  `${rss.toFixed(1)} MiB (${own.toFixed(1)} private, ${shared.toFixed(1)} shared with other node processes)`;

async function sequentialLatency(port, calls) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  for (let i = 0; i < calls; i++) {
    const started = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const options = { host: "127.0.0.1", port, path: "/RPC2", method: "POST", agent };
      const req = http.request(options, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end(CALL);
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  agent.destroy();
  return times.sort((a, b) => a - b);
}

const agent = await startAgent({ check_interval: 5 });
console.log(
  `agent pid ${agent.pid} (node ${agentNodeFlags().join(" ")}), get_metrics over keep-alive loopback`,
);
console.log(`      RSS at start: ${showMemory(memoryMiB(agent.pid))}`);
try {
  const sequential = await sequentialLatency(agent.port, 2000);
  console.log(
    `      sequential, 1 connection, 2000 calls: p50 ${percentile(sequential, 50).toFixed(3)} ms, ` +
      `p99 ${percentile(sequential, 99).toFixed(3)} ms`,
  );

  const burst = await pacedLoad({
    port: agent.port,
    body: CALL,
    connections: 32,
    rate: 20_000,
    maxCalls: 10_000 - sequential.length,
    durationS: 30,
  });
  const calls = sequential.length + burst.latencies.length;
  const memory = memoryMiB(agent.pid);
  report(
    `agent RSS after ${calls} calls`,
    showMemory(memory),
    "<= 70 MB",
    calls >= 10_000 && memory.rss <= 70,
  );

  const paced = await pacedLoad({
    port: agent.port,
    body: CALL,
    connections: 32,
    rate: 5000,
    durationS: DURATION_S,
  });
  const p50 = percentile(paced.latencies, 50);
  console.log(
    `      paced at 5000 calls/s over 32 connections for ${DURATION_S} s: ${Math.round(paced.achievedRate)} calls/s, ` +
      `p50 ${p50.toFixed(3)} ms, p99 ${percentile(paced.latencies, 99).toFixed(3)} ms, errors ${paced.errors}`,
  );
  report(
    "get_metrics p50 at 5000 calls/s, 32 connections",
    `${p50.toFixed(3)} ms`,
    "<= 1 ms",
    p50 <= 1 && paced.errors === 0,
  );

  const cpuBefore = cpuSeconds(agent.pid);
  const load = await autocannon({
    url: `http://127.0.0.1:${agent.port}/RPC2`,
    method: "POST",
    headers: { "Content-Type": "text/xml" },
    body: CALL,
    connections: 32,
    duration: DURATION_S,
  });
  const agentCpu = (cpuSeconds(agent.pid) - cpuBefore) / DURATION_S;
  console.log(
    `      saturated by autocannon, 32 connections for ${DURATION_S} s: p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, ` +
      `errors ${load.errors}, non-2xx ${load.non2xx}, agent CPU ${(agentCpu * 100).toFixed(0)}% of one core`,
  );
  report(
    "get_metrics throughput, 32 connections, one core",
    `${Math.round(load.requests.average)} calls/s`,
    ">= 5000 calls/s",
    load.requests.average >= 5000 && load.errors === 0 && load.non2xx === 0,
  );
  console.log(
    `      RSS after ${calls + paced.latencies.length + load.requests.total} calls: ${showMemory(memoryMiB(agent.pid))}`,
  );

  await sleep(2000);
  const idleStart = cpuSeconds(agent.pid);
  await sleep(IDLE_S * 1000);
  const idle = ((cpuSeconds(agent.pid) - idleStart) / IDLE_S) * 100;
  report(
    `idle CPU over ${IDLE_S} s at check_interval 5 s`,
    `${idle.toFixed(2)}% of one core`,
    "<= 1%",
    idle <= 1,
  );
} finally {
  await agent.stop();
}

const cost = measureSampleCost(200, agentNodeFlags());
console.log(
  `      one background sample (metric families; security below): median ${cost.sampleMs.toFixed(3)} ms; the same ${cost.files} file operations ` +
    `straight on /proc and /sys: ${cost.rawMs.toFixed(3)} ms (${cost.pids} processes)`,
);
for (const [family, ms] of Object.entries(cost.perFamily))
  console.log(`        ${family.padEnd(12)} ${ms.toFixed(3)} ms`);
report(
  "sample cost / raw read cost",
  `${(cost.sampleMs / cost.rawMs).toFixed(2)}x`,
  "<= 2x",
  cost.sampleMs <= 2 * cost.rawMs,
);

console.log("\nsecurity checks");
const security = spawnSync(
  process.execPath,
  [...agentNodeFlags(), fileURLToPath(new URL("./security-bench.mjs", import.meta.url))],
  {
    stdio: "inherit",
  },
);
report(
  "security benchmark",
  security.status === 0 ? "all met" : "see above",
  "all met",
  security.status === 0,
);

const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} of ${results.length} targets met`);
process.exitCode = failed.length === 0 ? 0 : 1;
