import { MysqlHistoryReader, MysqlStore } from "../src/storage/mysql/index.js";
import { describeReaderContract } from "./reader-contract.js";
import { dropDatabase, testConnection, testDatabaseName } from "./support/mysql-server.js";

const DAY_MS = 86_400_000;

for (const storeSnapshotJson of [false, true])
  describeReaderContract(storeSnapshotJson ? "MySQL with snapshot JSON" : "MySQL", {
    create: async () => {
      const database = testDatabaseName();
      const connection = testConnection(database);
      // without the snapshot JSON, whole samples are rebuilt from the columns
      const store = new MysqlStore({
        ...connection,
        retentionDays: 0,
        createDatabase: true,
        storeSnapshotJson,
      });
      return {
        store,
        // small pages: the fixture spans several pages of every query
        reader: () => new MysqlHistoryReader({ ...connection, pageSize: 7, seriesPageSize: 50 }),
        /** Retention as the collector runs it, with "now" a day after the fixture's middle. */
        forgetOldest: async () => {
          const middle = Date.parse("2026-11-22T06:00:00.000Z") + 75 * 10_000;
          await store.pruneOlderThan(1, middle + DAY_MS);
          return middle;
        },
        dispose: () => dropDatabase(database),
      };
    },
  });
