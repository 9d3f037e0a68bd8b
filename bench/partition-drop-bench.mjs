// npm run bench:partitions — retention of one day of raw data as 10,000 agents write it:
// DROP PARTITION (this release) side by side with the batched DELETE (5,000 rows a statement,
// the release before), in one run, each while a writer inserts samples as a collector would;
// prints the insert latency during each and how long each took. It also times the migration of
// the populated database to day partitions (the table copy), per million rows.
//
// BENCH_SAMPLES (default 864,000) sample rows of one day, each with its 3 disk rows and its
// findings, from BENCH_AGENTS (10,000) agents at 10 s. A whole day of 10,000 agents at 10 s is
// 86.4 million samples: the DELETE grows with the rows, the DROP with the files' size only.
import { MIGRATIONS, MIGRATIONS_TABLE } from "../dist/collector/src/storage/mysql/migrations.js";
import { makeSnapshot } from "../dist/common/src/contract/example-snapshot.js";
import { startOfDay } from "../dist/collector/src/storage/mysql/partitions.js";
import { dropDatabase, TEST_SERVER, testDatabaseName } from "./test-server.mjs";

const { MysqlStore } = await import("../dist/collector/src/storage/mysql/mysql-store.js");
const { createKnex } = await import("../dist/collector/src/storage/mysql/connection.js");

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 864_000);
const POLLS = Math.max(1, Math.round(SAMPLES / AGENTS));
const STEP_S = 10;
const DAY_MS = 86_400_000;
/** The writer during each retention run: 100 samples every 100 ms, the rate of 10,000 agents at 10 s. */
const WRITE_BATCH = 100;
const WRITE_EVERY_MS = 100;
const RAW_TABLES = ["samples", "disk_samples", "security_findings", "poll_events"];
const ALL_TABLES = ["agents", ...RAW_TABLES, "alerts"];

// the day to drop: two days ago (the migration makes day partitions only up to today)
const DAY = startOfDay(Date.now()) - 2 * DAY_MS;
const partitioned = testDatabaseName();
const released = testDatabaseName();
const server = (database) => createKnex({ ...TEST_SERVER, database, poolMax: 2 });
const agentName = (a) => `agent-${String(a).padStart(5, "0")}`;
const seconds = (ms) => (ms / 1000).toFixed(2);

async function rowsOf(db, table) {
  const [rows] = await db.raw(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}

/** Every agent's first poll through the store, then the day's other polls copied by the server (seq engine). */
async function fillDay(database) {
  const store = new MysqlStore({
    ...TEST_SERVER,
    database,
    retentionDays: 0,
    clock: () => DAY - DAY_MS,
  });
  await store.open();
  for (let a = 0; a < AGENTS; a += 1000) {
    const batch = [];
    for (let k = a; k < Math.min(AGENTS, a + 1000); k++) {
      const ts = new Date(DAY + (k % 10_000)).toISOString(); // within the first 10 s
      batch.push({ agent: agentName(k), ts, duration_ms: 12, snapshot: makeSnapshot(agentName(k), ts, k) });
    }
    await store.writeSamples(batch);
  }
  await store.close();
  const db = server(database);
  try {
    if (POLLS > 1)
      for (const table of ["samples", "disk_samples", "security_findings"]) {
        const [columns] = await db.raw(
          "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
          [table],
        );
        const names = columns.map((c) => c.name);
        const shifted = names.map((n) =>
          n === "ts" ? `t.ts + INTERVAL (s.seq * ${STEP_S}) SECOND` : `t.${n}`,
        );
        await db.raw(
          `INSERT INTO ${table} (${names.join(", ")}) SELECT ${shifted.join(", ")} FROM ${table} t JOIN seq_1_to_${POLLS - 1} s WHERE t.ts < ?`,
          [new Date(DAY + STEP_S * 1000).toISOString().replace("T", " ").slice(0, 23)],
        );
      }
    const counts = {};
    for (const table of RAW_TABLES) counts[table] = await rowsOf(db, table);
    return counts;
  } finally {
    await db.destroy();
  }
}

/** The schema of the release before day partitions (migrations 001-002), filled from the partitioned copy. */
async function releasedCopy(from, to) {
  const admin = server("mysql");
  try {
    await admin.raw(`CREATE DATABASE \`${to}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.destroy();
  }
  const db = server(to);
  try {
    const before = MIGRATIONS.filter((m) => m.name < "003");
    await db.migrate.latest({
      tableName: MIGRATIONS_TABLE,
      migrationSource: {
        getMigrations: () => Promise.resolve(before),
        getMigrationName: (m) => m.name,
        getMigration: (m) =>
          Promise.resolve({
            up: async (k) => {
              for (const sql of m.up) await k.raw(sql);
            },
            down: async () => {},
          }),
      },
    });
    for (const table of ALL_TABLES) await db.raw(`INSERT INTO ${table} SELECT * FROM \`${from}\`.${table}`);
  } finally {
    await db.destroy();
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : "-");

/**
 * Runs `retention` while a store inserts WRITE_BATCH samples (of agents of their own, stamped
 * now) every WRITE_EVERY_MS; returns its duration and each insert's latency during it.
 */
async function whileWriting(database, retention) {
  const writer = new MysqlStore({ ...TEST_SERVER, database, retentionDays: 0, onWarning: () => {} });
  await writer.open();
  const latencies = [];
  let failures = 0;
  let running = true;
  let poll = 0;
  const writing = (async () => {
    while (running) {
      const ts = new Date(Date.now()).toISOString();
      const batch = Array.from({ length: WRITE_BATCH }, (_, k) => ({
        agent: `live-${k}`,
        ts,
        duration_ms: 10,
        snapshot: makeSnapshot(`live-${k}`, ts, poll + k),
      }));
      poll++;
      const started = performance.now();
      try {
        await writer.writeSamples(batch);
        latencies.push(performance.now() - started);
      } catch {
        failures++;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, WRITE_EVERY_MS - (performance.now() - started))),
      );
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the writer's steady state first
  const baseline = latencies.splice(0);
  const started = performance.now();
  const result = await retention();
  const took = performance.now() - started;
  const during = latencies.splice(0);
  // an insert still waiting when retention ended counts as during it
  running = false;
  await writing;
  during.push(...latencies);
  await writer.close();
  const sorted = [...during].sort((a, b) => a - b);
  const base = [...baseline].sort((a, b) => a - b);
  return { took, result, failures, inserts: sorted.length, sorted, base };
}

function print(label, run) {
  const { took, failures, inserts, sorted, base } = run;
  console.log(
    `${label}: ${seconds(took)} s; ${inserts} inserts of ${WRITE_BATCH} samples during it, latency ` +
      `p50 ${ms(quantile(sorted, 0.5))}, p99 ${ms(quantile(sorted, 0.99))}, max ${ms(sorted.at(-1))} ` +
      `(before it: p50 ${ms(quantile(base, 0.5))}, max ${ms(base.at(-1))}), ${failures} failed`,
  );
}

try {
  let t = performance.now();
  const counts = await fillDay(partitioned);
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(
    `filled ${new Date(DAY).toISOString().slice(0, 10)}: ${AGENTS} agents x ${POLLS} polls: ` +
      `${Object.entries(counts)
        .map(([table, n]) => `${n} ${table}`)
        .join(", ")} (${seconds(performance.now() - t)} s)`,
  );

  t = performance.now();
  await releasedCopy(partitioned, released);
  console.log(`copied into the release-before schema (no partitions) in ${seconds(performance.now() - t)} s`);

  // the migration of that populated database: the collector's open runs 003_day_partitions
  t = performance.now();
  const migrating = new MysqlStore({ ...TEST_SERVER, database: released, retentionDays: 0 });
  await migrating.open();
  await migrating.close();
  const migrated = performance.now() - t;
  console.log(
    `migration to day partitions (the collector's start): ${seconds(migrated)} s for ${rows} rows, ` +
      `${(migrated / 1000 / (rows / 1e6)).toFixed(1)} s per million raw rows (${((migrated / 1000) * (1e6 / counts.samples)).toFixed(1)} s per million samples with their disks and findings)`,
  );
  // back to the release before, for its DELETE
  const db = server(released);
  try {
    for (const table of RAW_TABLES) await db.raw(`ALTER TABLE ${table} REMOVE PARTITIONING`);
  } finally {
    await db.destroy();
  }

  // the days ahead first, so that the timed run only drops
  const now = Date.now();
  const cutoff = DAY + DAY_MS;
  const retentionDays = (now - cutoff) / DAY_MS;
  const keeper = new MysqlStore({ ...TEST_SERVER, database: partitioned, retentionDays: 0 });
  await keeper.open();
  await keeper.pruneOlderThan(0, now);
  const drop = await whileWriting(partitioned, () => keeper.pruneOlderThan(retentionDays, now));
  await keeper.close();
  print(
    `DROP PARTITION of the day (${drop.result.dropped.map((d) => `${d.table}.${d.name}`).join(", ")})`,
    drop,
  );

  const old = server(released);
  const cutoffSql = new Date(cutoff).toISOString().replace("T", " ").slice(0, 23);
  let deleted = 0;
  const del = await whileWriting(released, async () => {
    for (const table of RAW_TABLES)
      for (let i = 0; i < 100_000; i++) {
        const [result] = await old.raw(`DELETE FROM ${table} WHERE ts < ? LIMIT 5000`, [cutoffSql]);
        deleted += result.affectedRows;
        if (result.affectedRows < 5000) break;
      }
  });
  await old.destroy();
  print(`batched DELETE of the same day (${deleted} rows, 5,000 a statement)`, del);
  console.log(`DROP PARTITION ${(del.took / drop.took).toFixed(0)}x faster than the batched DELETE`);
} finally {
  await dropDatabase(partitioned);
  await dropDatabase(released);
}
