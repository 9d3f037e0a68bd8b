// npm run bench:visualize — the full dashboard from 100 agents × 24 h at 10 s (864,000 samples),
// from the file store and from MySQL, then a 30-day range for one agent; time per phase.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./agent-process.mjs";

const AGENTS = Number(process.env.BENCH_AGENTS ?? 100);
const HOURS = Number(process.env.BENCH_HOURS ?? 24);
const LONG_DAYS = Number(process.env.BENCH_LONG_DAYS ?? 30);
const INTERVAL_MS = 10_000;
const { SyntheticHistory } = await import("../dist/visualize/src/demo/synthetic-history.js");
const { fileStoreIn } = await import("../dist/visualize/src/demo/synthetic-file-store.js");
const { MysqlStore } = await import("../dist/collector/src/storage/mysql/mysql-store.js");
import { dropDatabase, TEST_SERVER, testDatabaseName } from "./test-server.mjs";

// BENCH_DIR keeps the generated history (files and the MySQL database) for the next run
const keep = process.env.BENCH_DIR;
if (keep !== undefined) mkdirSync(keep, { recursive: true });
const work = keep ?? mkdtempSync(path.join(tmpdir(), "hostwatch-visualize-bench-"));
const kept =
  keep !== undefined && existsSync(path.join(work, "filled.json"))
    ? JSON.parse(readFileSync(path.join(work, "filled.json"), "utf8"))
    : undefined;
const results = [];
const report = (name, seconds, target, phases) => {
  const ok = seconds <= target;
  results.push(ok);
  console.log(
    `${ok ? "PASS" : "FAIL"}  ${name}: ${seconds.toFixed(1)} s  (target <= ${target} s)  [${phases}]`,
  );
};

const fileStore = (dir) => fileStoreIn(dir, 1024 * 1024 * 1024);

async function fill(stores, history, label) {
  const started = performance.now();
  for (const store of stores) await store.open();
  let written = 0;
  let shown = 0;
  for (const batch of history.sampleBatches()) {
    await Promise.all(stores.map((store) => store.writeSamples(batch)));
    written += batch.length;
    if (written - shown >= 100_000) {
      shown = written;
      process.stderr.write(`  writing ${label}: ${written.toLocaleString("en")} samples\n`);
    }
  }
  for (const store of stores) {
    await store.writeEvents(history.events());
    await store.writeAlerts(history.alerts());
    await store.close();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`      ${label}: ${written.toLocaleString("en")} samples written in ${seconds.toFixed(0)} s`);
  return written;
}

function config(name, storage, names) {
  const file = path.join(work, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      agents: names.map((agent) => ({ name: agent, host: "127.0.0.1" })),
      state_dir: path.join(work, "state"),
      storage,
      thresholds: { cpu_usage: { warning: 80, critical: 95 }, disk_usage: 90, memory_usage: 90 },
    }),
  );
  return file;
}

/** Runs the built CLI the way users do and returns its wall time and its phase summary. */
function visualize(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, "dist/visualize/src/main.js"), ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`hostwatch-visualize exited ${code}:\n${stderr}`));
      const phases = /\(([^()]*read[^()]*)\)\s*$/.exec(stderr.trim())?.[1] ?? "";
      resolve({ seconds, phases, stderr });
    });
  });
}

const to = kept?.to ?? Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS;
const from = to - HOURS * 3_600_000;
const database = kept?.database ?? testDatabaseName();
try {
  const history = new SyntheticHistory({ agents: AGENTS, from, to, intervalMs: INTERVAL_MS });
  const fileDir = path.join(work, "data");
  const mysql = new MysqlStore({ ...TEST_SERVER, database, retentionDays: 0 });
  if (kept === undefined)
    await fill([fileStore(fileDir), mysql], history, `${AGENTS} agents × ${HOURS} h (file and MySQL)`);
  const until = new Date(to).toISOString();
  const common = ["--hours", String(HOURS), "--until", until, "--force"];

  const fileRun = await visualize([
    "--config",
    config("file", { type: "file", dir: fileDir }, history.names),
    "--output-dir",
    path.join(work, "out-file"),
    ...common,
  ]);
  report(`full dashboard, ${AGENTS} agents × ${HOURS} h, file store`, fileRun.seconds, 60, fileRun.phases);

  const mysqlConfig = config(
    "mysql",
    {
      type: "mysql",
      mysql_host: TEST_SERVER.host,
      mysql_port: TEST_SERVER.port,
      mysql_user: TEST_SERVER.user,
      mysql_password: TEST_SERVER.password ?? "",
      mysql_database: database,
    },
    history.names,
  );
  const mysqlRun = await visualize([
    "--config",
    mysqlConfig,
    "--output-dir",
    path.join(work, "out-mysql"),
    ...common,
  ]);
  report(`full dashboard, ${AGENTS} agents × ${HOURS} h, MySQL`, mysqlRun.seconds, 60, mysqlRun.phases);

  const rerun = await visualize([
    "--config",
    config("file", { type: "file", dir: fileDir }, history.names),
    "--output-dir",
    path.join(work, "out-file"),
    "--hours",
    String(HOURS),
    "--until",
    until,
  ]);
  console.log(
    `      re-run with no new samples (incremental): ${rerun.seconds.toFixed(1)} s [${rerun.phases}]`,
  );

  const longDir = path.join(work, "long");
  const longFrom = to - LONG_DAYS * 86_400_000;
  const long = new SyntheticHistory({
    agents: 1,
    from: longFrom,
    to,
    intervalMs: INTERVAL_MS,
    prefix: "solo",
  });
  if (kept === undefined) await fill([fileStore(longDir)], long, `1 agent × ${LONG_DAYS} days (file)`);
  if (keep !== undefined) writeFileSync(path.join(work, "filled.json"), JSON.stringify({ to, database }));
  const longRun = await visualize([
    "--config",
    config("long", { type: "file", dir: longDir }, long.names),
    "--output-dir",
    path.join(work, "out-long"),
    "--agent",
    "solo-01",
    "--hours",
    String(LONG_DAYS * 24),
    "--until",
    until,
    "--force",
  ]);
  report(`one agent, ${LONG_DAYS} days, file store`, longRun.seconds, 5, longRun.phases);
} finally {
  if (keep === undefined) {
    await dropDatabase(database).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  } else console.log(`kept ${work} and database ${database} (delete both when done)`);
}
process.exitCode = results.every(Boolean) ? 0 : 1;
