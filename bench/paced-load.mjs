// A paced load: `connections` keep-alive connections together sending `rate` calls/s for
// `durationS` seconds (or until `maxCalls`); each call's latency is timed with hrtime (autocannon reports whole ms).
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export async function pacedLoad({ port, body, connections, rate, durationS, maxCalls = Infinity }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  let started = 0;
  const intervalMs = (1000 * connections) / rate;
  const deadline = performance.now() + durationS * 1000;
  const call = () =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
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
          res.on("end", () => {
            if (res.statusCode === 200) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            else errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const worker = async (offset) => {
    let next = performance.now() + offset;
    while (performance.now() < deadline && started < maxCalls) {
      started++;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      await call();
      next += intervalMs;
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, i) => worker((i * intervalMs) / connections)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { latencies, errors, achievedRate: latencies.length / durationS };
}
