/** Helpers for tests against the MySQL test server: its address, fresh databases, samples. */
import { randomBytes } from "node:crypto";
import { makeSnapshot } from "../../../common/src/contract/example-snapshot.js";
import type { PollSample } from "../../src/storage/records.js";
import { createKnex } from "../../src/storage/mysql/connection.js";
import type { MysqlConnectionOptions } from "../../src/storage/mysql/connection.js";

/** The test server: HOSTWATCH_TEST_MYSQL_{HOST,PORT,USER,PASSWORD}, else root@127.0.0.1:3306 without password. */
export const TEST_SERVER = {
  host: process.env.HOSTWATCH_TEST_MYSQL_HOST ?? "127.0.0.1",
  port: Number(process.env.HOSTWATCH_TEST_MYSQL_PORT ?? 3306),
  user: process.env.HOSTWATCH_TEST_MYSQL_USER ?? "root",
  password: process.env.HOSTWATCH_TEST_MYSQL_PASSWORD ?? "",
};

/** A fresh database name for one test file: hostwatch_test_<random>. */
export function testDatabaseName(): string {
  return `hostwatch_test_${randomBytes(5).toString("hex")}`;
}

export function testConnection(database: string): MysqlConnectionOptions {
  return { ...TEST_SERVER, database };
}

/** Runs fn with a knex connected to the test server without a default database. */
export async function withServer<T>(fn: (db: ReturnType<typeof createKnex>) => Promise<T>): Promise<T> {
  const db = createKnex({ ...TEST_SERVER, database: "mysql", poolMax: 1 }, null);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export async function dropDatabase(database: string): Promise<void> {
  if (!/^hostwatch_test_\w+$/.test(database)) throw new Error(`refusing to drop ${database}`);
  await withServer((db) => db.raw(`DROP DATABASE IF EXISTS \`${database}\``));
}

export function makeSample(agent: string, ts: string, seed = 0): PollSample {
  return { agent, ts, duration_ms: 12 + (seed % 50), snapshot: makeSnapshot(agent, ts, seed) };
}
