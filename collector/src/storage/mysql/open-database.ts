import type { Knex } from "knex";
import { errorText } from "../../../../common/src/error-text.js";
import { createKnex, destroyKnex, ensureDatabase } from "./connection.js";
import { MIGRATIONS_TABLE, migrationSource, syncSampleColumns } from "./migrations.js";
import type { BulkMode } from "./statements.js";
import type { MysqlStoreOptions } from "./store-options.js";

const MIGRATION_LOCK_RETRIES = 20;

/**
 * Connects, creates the database if missing (and allowed), migrates, adds the samples columns
 * new in this release and chooses the bulk mode. A failure destroys the pool and names the
 * server, so the log says which MySQL could not be opened.
 */
export async function openDatabase(options: MysqlStoreOptions): Promise<{ db: Knex; bulkMode: BulkMode }> {
  const { host, port, database } = options;
  const where = `${host}:${port}/${database}`;
  if (options.createDatabase ?? true) {
    try {
      await ensureDatabase(options);
    } catch (error) {
      throw new Error(`MySQL ${where}: cannot connect: ${errorText(error)}`, { cause: error });
    }
  }
  const db = createKnex(options, database, options.onWarning);
  try {
    await migrate(db);
    const added = await syncSampleColumns(db);
    if (added.length > 0)
      options.onWarning?.(`MySQL ${where}: added samples columns ${added.join(", ")} (new in this release)`);
    return { db, bulkMode: await chooseBulkMode(db, options.bulkLoad ?? "auto") };
  } catch (error) {
    await destroyKnex(db);
    throw new Error(`MySQL ${where}: cannot open: ${errorText(error)}`, { cause: error });
  }
}

/** "auto": LOAD DATA LOCAL when the server allows it (local_infile), else INSERT. */
async function chooseBulkMode(db: Knex, wanted: "auto" | BulkMode): Promise<BulkMode> {
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
async function migrate(db: Knex): Promise<void> {
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
