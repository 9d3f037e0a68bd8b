import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKnex } from "./connection.js";
import { MIGRATIONS, MIGRATIONS_TABLE, TABLES, migrationSource } from "./migrations.js";
import { MysqlStore } from "./mysql-store.js";
import {
  TEST_SERVER,
  dropDatabase,
  testDatabaseName,
  withServer,
} from "../../../test/support/mysql-server.js";

const INIT_SQL = fileURLToPath(new URL("../../../../db/init_database.sql", import.meta.url));
const fromSql = testDatabaseName();
const fromMigrations = testDatabaseName();

/** The mariadb (or mysql) command-line client. */
function client(): string {
  for (const name of ["mariadb", "mysql"]) {
    if (spawnSync(name, ["--version"], { encoding: "utf8" }).status === 0) return name;
  }
  throw new Error("neither the mariadb nor the mysql command-line client is installed");
}

/** db/init_database.sql with its database name replaced, as `sed` would. */
function initSqlFor(database: string): string {
  const sql = readFileSync(INIT_SQL, "utf8");
  const renamed = sql
    .replace(/^CREATE DATABASE IF NOT EXISTS hostwatch\b/m, `CREATE DATABASE IF NOT EXISTS ${database}`)
    .replace(/^USE hostwatch;/m, `USE ${database};`);
  expect(renamed).not.toBe(sql);
  return renamed;
}

function runClient(sql: string): void {
  const args = ["-h", TEST_SERVER.host, "-P", String(TEST_SERVER.port), "-u", TEST_SERVER.user, "--batch"];
  const result = spawnSync(client(), args, {
    input: sql,
    encoding: "utf8",
    env: { ...process.env, MYSQL_PWD: TEST_SERVER.password },
    timeout: 20_000,
  });
  if (result.status !== 0) throw new Error(`${client()} failed (${result.status}): ${result.stderr}`);
}

/** Everything about a database's tables that information_schema tells, in a comparable form. */
async function describeSchema(database: string): Promise<Record<string, unknown[]>> {
  return withServer(async (db) => {
    const query = async (sql: string): Promise<unknown[]> => {
      const [rows] = (await db.raw(sql, [
        database,
        MIGRATIONS_TABLE,
        `${MIGRATIONS_TABLE}_lock`,
      ])) as unknown as [unknown[]];
      return rows;
    };
    return {
      tables: await query(
        `SELECT TABLE_NAME, ENGINE, ROW_FORMAT, TABLE_COLLATION, CREATE_OPTIONS FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT IN (?, ?) ORDER BY TABLE_NAME`,
      ),
      columns: await query(
        `SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
                CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT IN (?, ?) ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      ),
      indexes: await query(
        `SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, SUB_PART, INDEX_TYPE
         FROM information_schema.STATISTICS
         WHERE TABLE_SCHEMA = ? AND TABLE_NAME NOT IN (?, ?) ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      ),
      constraints: await query(
        `SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS
         WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME NOT IN (?, ?) ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
      ),
    };
  });
}

beforeAll(async () => {
  runClient(initSqlFor(fromSql));
  const store = new MysqlStore({ ...TEST_SERVER, database: fromMigrations, retentionDays: 0 });
  await store.open();
  await store.close();
});

afterAll(async () => {
  await dropDatabase(fromSql);
  await dropDatabase(fromMigrations);
});

describe("db/init_database.sql", () => {
  it("creates exactly the schema the knex migrations create", async () => {
    const sql = await describeSchema(fromSql);
    const migrated = await describeSchema(fromMigrations);
    expect(sql.tables?.map((t) => (t as { TABLE_NAME: string }).TABLE_NAME)).toEqual([...TABLES].sort());
    expect(sql).toEqual(migrated);
  });

  it("can be run twice, and the collector then opens that database without error", async () => {
    runClient(initSqlFor(fromSql));
    const store = new MysqlStore({ ...TEST_SERVER, database: fromSql, retentionDays: 30 });
    await store.open();
    await store.close();
    const db = createKnex({ ...TEST_SERVER, database: fromSql, poolMax: 1 });
    try {
      const [status] = (await db.migrate.list({ migrationSource, tableName: MIGRATIONS_TABLE })) as [
        unknown[],
        unknown[],
      ];
      expect(status).toHaveLength(MIGRATIONS.length);
    } finally {
      await db.destroy();
    }
    expect(await describeSchema(fromSql)).toEqual(await describeSchema(fromMigrations));
  });

  it("names the database hostwatch, the collector's default", () => {
    const sql = readFileSync(INIT_SQL, "utf8");
    expect(sql).toMatch(
      /^CREATE DATABASE IF NOT EXISTS hostwatch CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;$/m,
    );
    expect(sql).toMatch(/^USE hostwatch;$/m);
  });
});
