// npm run bench:agent — the agent's performance targets (issue: agent), each printed with its figure.
import autocannon from "autocannon";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuSeconds, percentile, rssMiB, startAgent } from "./agent-process.mjs";
import { measureSampleCost } from "./sample-cost.mjs";

const CALL = '<?xml version="1.0"?><methodCall><methodName>get_metrics</methodName><params/></methodCall>';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 30);
const results = [];
const report = (name, value, target, ok) => {
  results.push({ name, value, target, ok });
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${value}  (target ${target})`);
};

async function sequentialLatency(port, calls) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  for (let i = 0; i < calls; i++) {
    const started = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          path: "/RPC2",
          method: "POST",
          agent,
          headers: { "Content-Type": "text/xml" },
        },
        (res) => {
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("error", reject);
      req.end(CALL);
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  agent.destroy();
  return times.sort((a, b) => a - b);
}

const agent = await startAgent({ check_interval: 5 });
console.log(`agent pid ${agent.pid} on port ${agent.port}; get_metrics over keep-alive loopback`);
try {
  const sequential = await sequentialLatency(agent.port, 2000);
  console.log(
    `      sequential (1 connection, 2000 calls): p50 ${percentile(sequential, 50).toFixed(3)} ms, p99 ${percentile(sequential, 99).toFixed(3)} ms`,
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
    `      32 connections, ${DURATION_S} s: ${Math.round(load.requests.average)} calls/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms, ` +
      `errors ${load.errors}, non-2xx ${load.non2xx}, agent CPU ${(agentCpu * 100).toFixed(0)}% of one core`,
  );
  report(
    "get_metrics p50 latency, 32 connections",
    `${load.latency.p50} ms`,
    "<= 1 ms",
    load.latency.p50 <= 1,
  );
  report(
    "get_metrics throughput, 32 connections",
    `${Math.round(load.requests.average)} calls/s`,
    ">= 5000 calls/s",
    load.requests.average >= 5000 && load.errors === 0 && load.non2xx === 0,
  );

  const calls = load.requests.total;
  report(
    `agent RSS after ${calls} calls`,
    `${rssMiB(agent.pid).toFixed(1)} MiB`,
    "<= 70 MB",
    calls >= 10_000 && rssMiB(agent.pid) <= 70,
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

const cost = await measureSampleCost(200);
console.log(
  `      one background sample: median ${cost.sampleMs.toFixed(3)} ms; the same files read straight from /proc and /sys: ${cost.rawMs.toFixed(3)} ms (${cost.files} files, ${cost.pids} processes)`,
);
for (const [family, ms] of Object.entries(cost.perFamily))
  console.log(`        ${family.padEnd(12)} ${ms.toFixed(3)} ms`);
report(
  "sample cost / raw read cost",
  `${(cost.sampleMs / cost.rawMs).toFixed(2)}x`,
  "<= 2x",
  cost.sampleMs <= 2 * cost.rawMs,
);

const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} of ${results.length} targets met`);
process.exitCode = failed.length === 0 ? 0 : 1;
