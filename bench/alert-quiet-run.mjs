// The alert "done when" of the quick start: `npm start` (agent + collector + dashboard, the
// quick start's own configs, only the ports changed) runs QUIET_S seconds untouched, then a CPU
// burn (one busy loop per core) runs BURN_S seconds, then it settles for AFTER_S seconds. Prints
// the alert notifications of each phase by kind and metric (from the collector's alerts.jsonl)
// and the machine's load during each phase, which on a shared machine says how quiet it was.
//
//   npm run bench:alerts                       # 600 s quiet, 60 s burn, 120 s after
//   QUIET_S=60 BURN_S=40 npm run bench:alerts  # a short look
//   BURNERS=1 npm run bench:alerts             # busy loops in the burn (default: one per core)
//   DIST=/other/dist npm run bench:alerts      # another build (e.g. main's, for "before")
//   KEEP_DIR=DIR ...                           # run in DIR and keep it (metrics_data.jsonl: the recorded series)
//   AGENT_CONFIG=FILE COLLECTOR_CONFIG=FILE    # other configs than config/*.local.json (their ports are replaced)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.resolve(process.env.DIST ?? path.join(ROOT, "dist"));
const QUIET_S = seconds("QUIET_S", 600);
const BURN_S = seconds("BURN_S", 60);
const AFTER_S = seconds("AFTER_S", 120);
const BURNERS = Number(process.env.BURNERS ?? availableParallelism());

function seconds(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!(value >= 0 && value <= 7200)) throw new Error(`${name} must be 0..7200 seconds`);
  return value;
}

/** A port free on loopback now (the quick start's 8000/8080 may be taken on a shared machine). */
async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

function load1() {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

/** Samples the 1-minute load every 5 s for `s` seconds: min, mean, max. */
async function watchLoad(s) {
  const values = [];
  const end = Date.now() + s * 1000;
  while (Date.now() < end) {
    values.push(load1());
    await sleep(Math.min(5000, Math.max(0, end - Date.now())));
  }
  values.push(load1());
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { min: Math.min(...values), mean: Math.round(mean * 100) / 100, max: Math.max(...values) };
}

function alertRecords(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** "cpu_usage firing" → count, for records with ts in [from, to). */
function countsBetween(records, from, to) {
  const counts = {};
  for (const record of records) {
    const ms = Date.parse(record.ts);
    if (ms < from || ms >= to) continue;
    const key = `${record.alert.metric} ${record.kind}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function stopChild(child, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  return exited.finally(() => clearTimeout(timer));
}

async function main() {
  const dir = process.env.KEEP_DIR
    ? path.resolve(process.env.KEEP_DIR)
    : mkdtempSync(path.join(tmpdir(), "hw-alerts-"));
  mkdirSync(dir, { recursive: true });
  const [agentPort, dashboardPort] = [await freePort(), await freePort()];
  const agentConfig = JSON.parse(
    readFileSync(process.env.AGENT_CONFIG ?? path.join(ROOT, "config/agent.local.json"), "utf8"),
  );
  const collectorConfig = JSON.parse(
    readFileSync(process.env.COLLECTOR_CONFIG ?? path.join(ROOT, "config/collector.local.json"), "utf8"),
  );
  agentConfig.port = agentPort;
  collectorConfig.agents[0].port = agentPort;
  writeFileSync(path.join(dir, "agent.json"), JSON.stringify(agentConfig, null, 2));
  writeFileSync(path.join(dir, "collector.json"), JSON.stringify(collectorConfig, null, 2));
  const alertsFile = path.join(dir, collectorConfig.storage.dir, "alerts.jsonl");

  const log = [];
  const quickstart = spawn(
    process.execPath,
    [
      path.join(DIST, "quickstart/src/main.js"),
      "--port",
      String(dashboardPort),
      "--agent-config",
      "agent.json",
      "--collector-config",
      "collector.json",
    ],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  for (const stream of [quickstart.stdout, quickstart.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => log.push(chunk));
  }
  const burners = [];
  const stopAll = async () => {
    await Promise.all(burners.map((child) => stopChild(child, 2000)));
    await stopChild(quickstart, 20_000);
  };
  process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

  try {
    const started = Date.now();
    process.stderr.write(
      `quick start in ${dir} (agent :${agentPort}, dashboard :${dashboardPort}); ${QUIET_S} s quiet, ${BURN_S} s burn on ${BURNERS} cores, ${AFTER_S} s after\n`,
    );
    const quietLoad = await watchLoad(QUIET_S);
    if (quickstart.exitCode !== null) throw new Error(`quick start exited:\n${log.join("")}`);
    const burnStart = Date.now();
    for (let i = 0; i < BURNERS; i++) {
      burners.push(
        spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore", timeout: BURN_S * 1000 + 5000 }),
      );
    }
    const burnLoad = await watchLoad(BURN_S);
    await Promise.all(burners.map((child) => stopChild(child, 2000)));
    const burnEnd = Date.now();
    const afterLoad = await watchLoad(AFTER_S);
    const end = Date.now();
    const records = alertRecords(alertsFile);
    const result = {
      dist: DIST,
      dir,
      quiet: {
        seconds: Math.round((burnStart - started) / 1000),
        load_1: quietLoad,
        alerts: countsBetween(records, 0, burnStart),
      },
      burn_and_after: {
        seconds: Math.round((end - burnStart) / 1000),
        burn_s: Math.round((burnEnd - burnStart) / 1000),
        load_1_burn: burnLoad,
        load_1_after: afterLoad,
        alerts: countsBetween(records, burnStart, Infinity),
      },
      messages: records.map((record) => `${record.ts} ${record.kind}: ${record.message}`),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await stopAll();
    if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
