import type { Knex } from "knex";
import { SAMPLE_SCALARS } from "../columns.js";
import { PARTITIONED_TABLES, listPartitions, partitionBySql } from "./partitions.js";
import { FAMILIES } from "./rows.js";

/**
 * The MySQL schema as an in-code list of knex migrations (knex's `migrationSource` option), so
 * nothing has to be loaded from files at run time, whether the code runs from TypeScript or
 * from dist/. db/init_database.sql is rendered from them (init-sql.ts) for `mysql < db/init_database.sql`;
 * a test also compares the two through information_schema.
 *
 * Rules for a new migration (append, never edit a released one):
 * - it must be idempotent (IF NOT EXISTS, or check information_schema first), because a database
 *   created from db/init_database.sql already has the final schema but no knex_migrations rows;
 * - run `npm run db:schema` to render db/init_database.sql anew (a test fails until it matches).
 * A new scalar of a sample needs no migration: it is a line in storage/columns.ts, and
 * syncSampleColumns adds its column to existing databases.
 *
 * Every table that grows with time is an append of (agent, ts) rows. Its primary key is
 * (ts, agent_id[, mount | seq | kind]): unique per agent and poll, so a replayed batch adds
 * nothing, and ordered by time, so new rows go to the end of the clustered index (and the
 * tables can be partitioned by day on ts, migration 003: retention drops whole days). A secondary index (agent_id, ts) serves the per-agent queries
 * (Grafana, visualize). Measured on a 2-core machine with 10,000 agents, the time-first key
 * writes 1.3-1.8x faster than (agent_id, ts, ...) as primary key, whose inserts land on one
 * page per agent and, once those pages outgrow the buffer pool, slow down with the table's size.
 * No foreign keys: they slow down the batched inserts and do not survive sharding (Vitess, ...).
 */
export interface SqlMigration {
  readonly name: string;
  /** What db/init_database.sql runs (and knex too, unless `apply` is given). */
  readonly up: readonly string[];
  readonly down: readonly string[];
  /**
   * What knex runs instead of `up`, when the statements depend on the data (the day partitions
   * of an existing history). It must end in the schema `up` makes.
   */
  readonly apply?: (db: Knex) => Promise<void>;
}

const TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC";

/**
 * The samples table: its keys, then one column per catalog scalar (storage/columns.ts), then the
 * optional snapshot JSON. A scalar added to the catalog later reaches existing databases through
 * syncSampleColumns, so this statement may grow after its migration was released.
 */
const SAMPLES_TABLE = `CREATE TABLE IF NOT EXISTS samples (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  agent_ts DATETIME(3) NULL,
  duration_ms DOUBLE NOT NULL,
  families SET(${FAMILIES.map((family) => `'${family}'`).join(",")}) NOT NULL DEFAULT '',
${SAMPLE_SCALARS.map((column) => `  ${column.name} ${column.sql} NULL,`).join("\n")}
  snapshot LONGTEXT NULL,
  PRIMARY KEY (ts, agent_id),
  KEY samples_agent_ts (agent_id, ts)
) ${TABLE_OPTIONS}`;

const INITIAL_SCHEMA: SqlMigration = {
  name: "001_initial_schema",
  up: [
    `CREATE TABLE IF NOT EXISTS agents (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(255) NOT NULL,
  hostname VARCHAR(255) NULL,
  os VARCHAR(255) NULL,
  kernel VARCHAR(255) NULL,
  arch VARCHAR(64) NULL,
  platform VARCHAR(64) NULL,
  agent_version VARCHAR(64) NULL,
  first_seen DATETIME(3) NOT NULL,
  last_seen DATETIME(3) NOT NULL,
  last_sample_at DATETIME(3) NULL,
  state VARCHAR(8) NULL,
  status_at DATETIME(3) NULL,
  last_error TEXT NULL,
  consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY agents_name (name)
) ${TABLE_OPTIONS}`,
    SAMPLES_TABLE,
    `CREATE TABLE IF NOT EXISTS disk_samples (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  mount VARCHAR(512) NOT NULL,
  device VARCHAR(255) NULL,
  fstype VARCHAR(64) NULL,
  total_bytes BIGINT UNSIGNED NULL,
  used_bytes BIGINT UNSIGNED NULL,
  usage_percent DOUBLE NULL,
  inodes_percent DOUBLE NULL,
  PRIMARY KEY (ts, agent_id, mount),
  KEY disk_samples_agent_ts (agent_id, ts)
) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS security_findings (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL,
  kind VARCHAR(32) NOT NULL,
  severity VARCHAR(16) NULL,
  reason VARCHAR(32) NULL,
  pid INT UNSIGNED NULL,
  name VARCHAR(255) NULL,
  user VARCHAR(255) NULL,
  exe VARCHAR(1024) NULL,
  ip VARCHAR(64) NULL,
  count INT UNSIGNED NULL,
  proto VARCHAR(16) NULL,
  address VARCHAR(64) NULL,
  port INT UNSIGNED NULL,
  PRIMARY KEY (ts, agent_id, seq),
  KEY security_findings_agent_ts (agent_id, ts)
) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS poll_events (
  agent_id INT UNSIGNED NOT NULL,
  ts DATETIME(3) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  error TEXT NULL,
  consecutive_failures INT UNSIGNED NOT NULL DEFAULT 0,
  duration_ms DOUBLE NULL,
  PRIMARY KEY (ts, agent_id, kind),
  KEY poll_events_agent_ts (agent_id, ts)
) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS alerts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  alert_key VARCHAR(700) NOT NULL,
  agent_id INT UNSIGNED NULL,
  metric VARCHAR(64) NOT NULL,
  mount VARCHAR(512) NULL,
  severity VARCHAR(16) NOT NULL,
  state VARCHAR(16) NOT NULL,
  value DOUBLE NULL,
  threshold DOUBLE NULL,
  started_at DATETIME(3) NOT NULL,
  resolved_at DATETIME(3) NULL,
  last_notified_at DATETIME(3) NULL,
  last_kind VARCHAR(16) NULL,
  message TEXT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY alerts_episode (alert_key, started_at),
  KEY alerts_agent_started (agent_id, started_at),
  KEY alerts_state (state)
) ${TABLE_OPTIONS}`,
  ],
  down: [
    "DROP TABLE IF EXISTS alerts",
    "DROP TABLE IF EXISTS poll_events",
    "DROP TABLE IF EXISTS security_findings",
    "DROP TABLE IF EXISTS disk_samples",
    "DROP TABLE IF EXISTS samples",
    "DROP TABLE IF EXISTS agents",
  ],
};

/**
 * Until 0.1, a sample whose security checks were all unavailable stored its issue count (0);
 * it is stored as unknown (NULL) since, so that charts draw a gap there, not "no issues".
 */
const UNKNOWN_ISSUE_COUNTS: SqlMigration = {
  name: "002_unknown_issue_counts",
  up: ["UPDATE samples SET security_issue_count = NULL WHERE security_status = 'unavailable'"],
  down: [],
};

/**
 * The raw tables partitioned by UTC day on ts (partitions.ts keeps them: days ahead, retention
 * by DROP PARTITION). RANGE COLUMNS(ts) takes the DATETIME(3) column as it is (RANGE needs an
 * integer expression such as TO_DAYS(ts)), and a range condition on ts prunes to the partitions
 * it spans. Every unique key of these tables starts with ts, as partitioning requires, and none
 * has foreign keys, which partitioned InnoDB tables cannot have.
 *
 * db/init_database.sql makes an empty table's single pmax partition, guarded by
 * information_schema so that running the file again never repartitions a populated table (that
 * would copy it and merge its days into pmax); the collector then splits the days off the empty
 * pmax. On an existing database, knex runs `apply`: one ALTER per table with a partition per day
 * of its history, from its oldest row to its newest (the maintenance then makes the days ahead).
 * That ALTER copies the table once (the collector's start waits for it; db/README.md gives the
 * time it takes). An empty table gets pmax alone, as from the file.
 */
function partitionOnce(table: string): string[] {
  const alter = `ALTER TABLE ${table} PARTITION BY RANGE COLUMNS(ts) (PARTITION pmax VALUES LESS THAN (MAXVALUE))`;
  return [
    `SET @hostwatch_partition = (SELECT IF(COUNT(*) = 0, '${alter}', 'DO 0') FROM information_schema.PARTITIONS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND PARTITION_NAME IS NOT NULL)`,
    "PREPARE hostwatch_partition FROM @hostwatch_partition",
    "EXECUTE hostwatch_partition",
    "DEALLOCATE PREPARE hostwatch_partition",
  ];
}

const DAY_PARTITIONS: SqlMigration = {
  name: "003_day_partitions",
  up: PARTITIONED_TABLES.flatMap(partitionOnce),
  down: PARTITIONED_TABLES.map((table) => `ALTER TABLE ${table} REMOVE PARTITIONING`),
  apply: async (db) => {
    for (const table of PARTITIONED_TABLES) {
      if ((await listPartitions(db, table)).length > 0) continue; // made by db/init_database.sql
      const [rows] = (await db.raw(
        `SELECT MIN(ts) AS oldest, MAX(ts) AS newest FROM ${table}`,
      )) as unknown as [Array<{ oldest: string | null; newest: string | null }>];
      // 'YYYY-MM-DD hh:mm:ss.fff', UTC (dateStrings)
      const ms = (value: string | null | undefined): number | null =>
        value == null ? null : Date.parse(`${value.replace(" ", "T")}Z`);
      const oldest = ms(rows[0]?.oldest);
      const newest = ms(rows[0]?.newest);
      // rows past today (a clock gone wrong) stay in pmax rather than making days for them
      const range =
        oldest === null || newest === null
          ? null
          : { oldest, newest: Math.max(oldest, Math.min(newest, Date.now())) };
      await db.raw(partitionBySql(table, range));
    }
  },
};

/** Oldest first; knex runs the ones not yet recorded in knex_migrations. */
export const MIGRATIONS: readonly SqlMigration[] = [INITIAL_SCHEMA, UNKNOWN_ISSUE_COUNTS, DAY_PARTITIONS];

/** The tables the migrations create (knex's own bookkeeping tables excluded). */
export const TABLES = [
  "agents",
  "samples",
  "disk_samples",
  "security_findings",
  "poll_events",
  "alerts",
] as const;

export const MIGRATIONS_TABLE = "knex_migrations";

async function runAll(db: Knex, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await db.raw(sql);
}

/** knex's `migrationSource`: the migrations above, no file loading. */
export const migrationSource: Knex.MigrationSource<SqlMigration> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) =>
    Promise.resolve({
      up: (db: Knex) => (migration.apply === undefined ? runAll(db, migration.up) : migration.apply(db)),
      down: (db: Knex) => runAll(db, migration.down),
    }),
};

/**
 * Adds the catalog scalars an existing samples table lacks (created before they were in the
 * catalog). At the end of the table, because appending is an instant change on MariaDB >= 10.3
 * and MySQL >= 8.0.12, while a column placed AFTER another rebuilds the table on MySQL before
 * 8.0.29: minutes of lock on a big history. Columns are matched by name, never by position.
 */
export async function syncSampleColumns(db: Knex): Promise<string[]> {
  const [rows] = (await db.raw(
    "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'samples'",
  )) as unknown as [Array<{ name: string }>];
  const present = new Set(rows.map((row) => row.name));
  const missing = SAMPLE_SCALARS.filter((column) => !present.has(column.name));
  if (missing.length === 0) return [];
  await db.raw(`ALTER TABLE samples ${missing.map((c) => `ADD COLUMN ${c.name} ${c.sql} NULL`).join(", ")}`);
  for (const column of missing)
    if (column.backfill !== undefined) await backfill(db, column.name, column.backfill);
  return missing.map((column) => column.name);
}

const BACKFILL_ROWS = 5000;

/**
 * Fills a new column of the rows written before it (from what else they stored: the snapshot
 * JSON, their disk rows), a few thousand rows per statement so that no statement holds the table
 * for long. Only rows the expression gives a value for are picked, so every round shrinks the
 * rest and the loop ends.
 */
async function backfill(db: Knex, name: string, expression: string): Promise<void> {
  const sql =
    `UPDATE samples SET ${name} = ${expression} ` +
    `WHERE ${name} IS NULL AND ${expression} IS NOT NULL LIMIT ${BACKFILL_ROWS}`;
  for (;;) {
    const [result] = (await db.raw(sql)) as unknown as [{ affectedRows: number }];
    if (result.affectedRows < BACKFILL_ROWS) return;
  }
}
