import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  makeSample,
  dropDatabase,
  testDatabaseName,
  TEST_SERVER,
} from "../../../test/support/mysql-server.js";
import { createKnex } from "./connection.js";
import { renderInitSql } from "./init-sql.js";
import { MysqlHistoryReader } from "./mysql-reader.js";
import { MysqlStore } from "./mysql-store.js";

const database = testDatabaseName();

afterAll(async () => {
  await dropDatabase(database);
});

describe("the samples table follows the column catalog", () => {
  it("adds a catalog scalar an older database lacks, says so, and stores and reads it back", async () => {
    const first = new MysqlStore({ ...TEST_SERVER, database, retentionDays: 0 });
    await first.open();
    await first.close();
    // a database made before swap_percent was in the catalog
    const db = createKnex({ ...TEST_SERVER, database, poolMax: 1 });
    try {
      await db.raw("ALTER TABLE samples DROP COLUMN swap_percent");
    } finally {
      await db.destroy();
    }

    const warnings: string[] = [];
    const store = new MysqlStore({
      ...TEST_SERVER,
      database,
      retentionDays: 0,
      onWarning: (m) => warnings.push(m),
    });
    await store.open();
    const sample = makeSample("web-1", "2026-12-03T10:00:00.000Z", 3);
    sample.snapshot.memory = {
      ...sample.snapshot.memory,
      swap_percent: 12.5,
    };
    await store.writeSamples([sample]);
    await store.close();
    expect(warnings.join("\n")).toMatch(/added samples columns swap_percent \(new in this release\)/);

    const reader = new MysqlHistoryReader({ ...TEST_SERVER, database });
    const read = [];
    for await (const s of reader.samples({ from: 0, to: Date.parse("2027-01-01T00:00:00Z") })) read.push(s);
    await reader.close();
    expect(read).toHaveLength(1);
    expect(read[0]?.snapshot.memory?.swap_percent).toBe(12.5);
  });
});

describe("db/init_database.sql", () => {
  it("is what npm run db:schema renders from the migrations now", () => {
    const committed = readFileSync(new URL("../../../../db/init_database.sql", import.meta.url), "utf8");
    expect(committed, "run `npm run db:schema` and commit db/init_database.sql").toBe(renderInitSql());
  });
});
