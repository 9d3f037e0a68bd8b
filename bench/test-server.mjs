// The MySQL server the benches use (the tests' one): HOSTWATCH_TEST_MYSQL_{HOST,PORT,USER,PASSWORD},
// else root@127.0.0.1:3306 without password; each run gets a fresh hostwatch_test_* database.
import { randomBytes } from "node:crypto";
import knex from "knex";

export const TEST_SERVER = {
  host: process.env.HOSTWATCH_TEST_MYSQL_HOST ?? "127.0.0.1",
  port: Number(process.env.HOSTWATCH_TEST_MYSQL_PORT ?? 3306),
  user: process.env.HOSTWATCH_TEST_MYSQL_USER ?? "root",
  password: process.env.HOSTWATCH_TEST_MYSQL_PASSWORD ?? "",
};

export function testDatabaseName() {
  return `hostwatch_test_${randomBytes(5).toString("hex")}`;
}

export async function dropDatabase(database) {
  if (!/^hostwatch_test_\w+$/.test(database)) throw new Error(`refusing to drop ${database}`);
  const db = knex({
    client: "mysql2",
    connection: { ...TEST_SERVER, database: "mysql" },
    pool: { min: 0, max: 1 },
  });
  try {
    await db.raw(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await db.destroy();
  }
}
