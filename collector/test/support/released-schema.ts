/** A database as the release before day partitions made it: migrations 001-002, no partitions. */
import type { Knex } from "knex";
import { createKnex } from "../../src/storage/mysql/connection.js";
import { MIGRATIONS, MIGRATIONS_TABLE, type SqlMigration } from "../../src/storage/mysql/migrations.js";
import { TEST_SERVER, withServer } from "./mysql-server.js";

const BEFORE_PARTITIONS = MIGRATIONS.filter((migration) => migration.name < "003");

/** Creates `database` with the schema of the release before 003_day_partitions. */
export async function createReleasedDatabase(database: string): Promise<void> {
  await withServer((db) =>
    db.raw(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`),
  );
  const db = createKnex({ ...TEST_SERVER, database, poolMax: 1 });
  try {
    await db.migrate.latest({
      tableName: MIGRATIONS_TABLE,
      migrationSource: {
        getMigrations: () => Promise.resolve([...BEFORE_PARTITIONS]),
        getMigrationName: (migration: SqlMigration) => migration.name,
        getMigration: (migration: SqlMigration) =>
          Promise.resolve({
            up: async (k: Knex) => {
              for (const sql of migration.up) await k.raw(sql);
            },
            down: () => Promise.resolve(),
          }),
      },
    });
  } finally {
    await db.destroy();
  }
}
