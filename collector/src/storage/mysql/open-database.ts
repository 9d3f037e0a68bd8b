import type { Knex } from "knex";
import { errorText } from "../../../../common/src/error-text.js";
import { MIGRATIONS_TABLE, migrationSource } from "./migrations.js";
import type { BulkMode } from "./statements.js";

const MIGRATION_LOCK_RETRIES = 20;

/** "auto": LOAD DATA LOCAL when the server allows it (local_infile), else INSERT. */
export async function chooseBulkMode(db: Knex, wanted: "auto" | BulkMode): Promise<BulkMode> {
  if (wanted !== "auto") return wanted;
  try {
    const [rows] = (await db.raw("SELECT @@GLOBAL.local_infile AS v")) as unknown as [Array<{ v: unknown }>];
    const value = rows[0]?.v;
    return value === 1 || value === "1" || value === "ON" ? "load-data" : "insert";
  } catch {
    return "insert";
  }
}

/** knex.migrate.latest with the in-code migrations; retried while another collector holds the migration lock. */
export async function migrate(db: Knex): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
      return;
    } catch (error) {
      const message = errorText(error);
      const concurrent = /already locked|already exists/i.test(message);
      if (!concurrent || attempt >= MIGRATION_LOCK_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
