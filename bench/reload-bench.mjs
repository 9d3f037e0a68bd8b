// npm run bench:reload — a collector polling 1,000 simulated agents every 10 s into the file
// store gets a SIGHUP that adds 100 agents and removes 100, while its data disk is full (a
// tmpfs, when this runs as root), so that samples wait in the spool across the reload. Prints
// the missed polls of the 900 agents the reload left alone, how soon the added ones were first
// polled, whether the removed ones were polled after it, and the spooled samples lost.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT } from "./agent-process.mjs";

const KEPT = 900;
const CHANGED = 100;
const INTERVAL_S = Number(process.env.BENCH_INTERVAL_S ?? 10);
const { FileHistoryReader } = await import("../dist/collector/src/storage/file/file-reader.js");
const AGENT_RESPONSE = path.join(ROOT, "collector/test/fixtures/agent-get-metrics.xml");

const results = [];
const report = (name, value, target, ok) => {
  results.push(ok);
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${value}  (target ${target})`);
};
const work = mkdtempSync(path.join(tmpdir(), "hostwatch-reload-bench-"));
const dataDir = path.join(work, "data");
mkdirSync(dataDir);
// a full data disk during the reload needs a tmpfs of its own, so root
let mounted = false;
try {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1g", "tmpfs", dataDir], { stdio: "ignore" });
  mounted = true;
} catch {
  console.log("      (not root: no tmpfs to fill, so the store stays up during the reload)");
}
const tmpfs = mounted;

function cleanUp() {
  if (mounted) execFileSync("umount", ["--lazy", dataDir]);
  mounted = false;
  rmSync(work, { recursive: true, force: true });
}

/** Waits for a log line matching `pattern` written after `from` (its own ISO timestamp); bounded. */
async function logLine(log, pattern, from, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of log().split("\n")) {
      const at = Date.parse(line.slice(0, line.indexOf(" ")));
      if (at >= from && pattern.test(line)) return { at, line };
    }
    await sleep(100);
  }
  const store = log()
    .split("\n")
    .filter((line) => /store|spool|refused|error/.test(line) && !line.includes("health:"));
  throw new Error(
    `no log line ${pattern} within ${timeoutMs} ms; the store's lines:\n${store.slice(-10).join("\n")}`,
  );
}

const fake = spawn(
  process.execPath,
  [path.join(ROOT, "bench/counting-agents.mjs"), String(KEPT + 2 * CHANGED), AGENT_RESPONSE],
  { stdio: ["ignore", "pipe", "inherit"] },
);
let fakeOut = "";
fake.stdout.on("data", (chunk) => (fakeOut += chunk));
const ports = await new Promise((resolve, reject) => {
  const check = () => {
    const match = /ready ([\d,]+)/.exec(fakeOut);
    if (match) resolve(match[1].split(",").map(Number));
  };
  fake.stdout.on("data", check);
  fake.once("exit", (code) => reject(new Error(`simulated agents exited ${code}`)));
});
const agent = (i) => ({ name: `sim-${i}`, host: "127.0.0.1", port: ports[i] });
const range = (from, to) => Array.from({ length: to - from }, (_, k) => from + k);
// removed: 0..99, kept: 100..999, added: 1000..1099
const removed = range(0, CHANGED);
const kept = range(CHANGED, CHANGED + KEPT);
const added = range(CHANGED + KEPT, KEPT + 2 * CHANGED);

const configFile = path.join(work, "collector.json");
const writeConfig = (indexes) =>
  writeFileSync(
    configFile,
    JSON.stringify({
      agents: indexes.map(agent),
      poll_interval: INTERVAL_S,
      timeout: Math.min(5, INTERVAL_S),
      max_workers: 256,
      health_interval: INTERVAL_S,
      state_dir: path.join(work, "state"),
      // not on the data disk that fills up (a full disk under the log file ends the process)
      log_file: path.join(work, "collector.log"),
      storage: {
        type: "file",
        dir: dataDir,
        probe_interval: 1,
        rotation: { max_size: "500MB", backup_count: 5 },
      },
    }),
  );
writeConfig([...removed, ...kept]);
const collector = spawn(
  process.execPath,
  [path.join(ROOT, "dist/collector/src/main.js"), "--config", configFile],
  {
    stdio: ["ignore", "pipe", "pipe"],
  },
);
let log = "";
collector.stderr.on("data", (chunk) => (log += chunk));
collector.stdout.on("data", (chunk) => (log += chunk));
const interval = INTERVAL_S * 1000;
let served;
let reloadAt;
let reloadMs;
let replayed = 0;
let spooledAtReload = "store up";
try {
  await sleep(2 * interval + 2000);
  const filler = path.join(dataDir, "filler");
  if (tmpfs) {
    const { bavail, bsize } = statfsSync(dataDir);
    try {
      writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024)));
    } catch (error) {
      // the collector wrote meanwhile: the disk is full all the same
      if (error.code !== "ENOSPC") throw error;
    }
    await logLine(() => log, /spooling to disk/, Date.now() - 1000, 3 * interval);
    await sleep(interval);
  }
  writeConfig([...kept, ...added]);
  const hupAt = Date.now();
  collector.kill("SIGHUP");
  const reloaded = await logLine(() => log, /config reloaded: /, hupAt - 1000, 10_000);
  const received = await logLine(() => log, /SIGHUP received/, hupAt - 1000, 1_000);
  reloadAt = reloaded.at;
  reloadMs = reloaded.at - received.at;
  console.log(`      ${reloaded.line.slice(reloaded.line.indexOf("config reloaded")).slice(0, 160)}…`);
  const healthBefore = [...log.matchAll(/not yet stored: .*?(\d+) spooled/g)].at(-1);
  if (tmpfs)
    spooledAtReload = `${healthBefore?.[1] ?? "?"} records spooled at the last health line before it`;
  await sleep(2 * interval);
  if (tmpfs) {
    rmSync(filler);
    const back = await logLine(() => log, /file store is back after/, Date.now() - 1000, 3 * interval);
    replayed = Number(/replayed (\d+) spooled records/.exec(back.line)?.[1] ?? 0);
  }
  await sleep(interval);
} catch (error) {
  writeFileSync("/tmp/reload-bench-collector.log", log);
  cleanUp();
  throw error;
} finally {
  if (collector.exitCode === null) {
    const exited = new Promise((resolve) => collector.once("exit", resolve));
    collector.kill("SIGTERM");
    await exited;
  }
  const done = new Promise((resolve) => fake.once("exit", resolve));
  fake.kill("SIGTERM");
  await done;
  served = JSON.parse(/served (\[.*\])/.exec(fakeOut)?.[1] ?? "[]");
}

const times = new Map();
const reader = new FileHistoryReader({
  jsonFile: path.join(dataDir, "metrics_data.jsonl"),
  eventsFile: path.join(dataDir, "poll_events.jsonl"),
});
for await (const sample of reader.samples({ from: 0, to: Date.now() + 1000 })) {
  const list = times.get(sample.agent) ?? [];
  list.push(Date.parse(sample.ts));
  times.set(sample.agent, list);
}
await reader.close();
cleanUp();
const of = (i) => (times.get(`sim-${i}`) ?? []).sort((a, b) => a - b);

// a missed poll is a slot without a sample: a gap of two intervals between polls is one missed
let missed = 0;
let largestGap = 0;
for (const i of kept) {
  const list = of(i);
  for (let k = 1; k < list.length; k++) {
    const gap = list[k] - list[k - 1];
    largestGap = Math.max(largestGap, gap);
    missed += Math.max(0, Math.round(gap / interval) - 1);
  }
}
const keptAcross = kept.filter(
  (i) => of(i).some((t) => t < reloadAt) && of(i).some((t) => t > reloadAt),
).length;
const firstAfter = added.map((i) => (of(i)[0] ?? Infinity) - reloadAt);
const polledAfter = removed.filter((i) => served[i][1] > reloadAt).length;
const storedAfter = removed.filter((i) => of(i).some((t) => t > reloadAt)).length;
const lost = [...kept, ...added].reduce((sum, i) => sum + Math.max(0, served[i][0] - of(i).length), 0);
const extra = [...kept, ...added].reduce((sum, i) => sum + Math.max(0, of(i).length - served[i][0]), 0);
const samples = [...kept, ...added].reduce((sum, i) => sum + of(i).length, 0);

console.log(
  `      ${KEPT + CHANGED} agents every ${INTERVAL_S} s, SIGHUP +${CHANGED} −${CHANGED} applied in ${reloadMs} ms; data disk ${tmpfs ? "full from an interval before the reload to two after it" : "up"} (${spooledAtReload}); ${replayed} spooled records replayed; ${samples} samples stored of the kept and added agents`,
);
report(
  `missed polls of the ${KEPT} unchanged agents`,
  `${missed} (largest gap ${(largestGap / 1000).toFixed(2)} s, ${keptAcross} polled on both sides of the reload)`,
  "0",
  missed === 0 && keptAcross === KEPT && largestGap < 1.5 * interval,
);
report(
  `first poll of the ${CHANGED} added agents after the reload`,
  `within ${(Math.max(...firstAfter) / 1000).toFixed(2)} s`,
  `<= ${INTERVAL_S} s`,
  Math.max(...firstAfter) <= interval,
);
report(
  `removed agents polled after the reload`,
  `${polledAfter} polled, ${storedAfter} stored`,
  "0",
  polledAfter === 0 && storedAfter === 0,
);
report(
  "spooled samples lost (answers sent by the kept and added agents, not in the store)",
  `${lost}${extra > 0 ? ` (and ${extra} stored twice)` : ""}`,
  "0",
  lost === 0 && extra === 0 && (!tmpfs || replayed > 0),
);
process.exitCode = results.every(Boolean) ? 0 : 1;
