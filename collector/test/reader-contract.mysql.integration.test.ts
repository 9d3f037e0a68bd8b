import { MysqlHistoryReader, MysqlStore } from "../src/storage/mysql/index.js";
import { MIDNIGHT, describeReaderContract } from "./reader-contract.js";
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
        // opened as on the day before the fixture: its days get their own partitions
        clock: () => MIDNIGHT - 2 * DAY_MS,
      });
      return {
        store,
        // small pages: the fixture spans several pages of every query
        reader: () => new MysqlHistoryReader({ ...connection, pageSize: 7, seriesPageSize: 50 }),
        /** Retention as the collector runs it, with "now" a day after the fixture's midnight: the day before it is dropped. */
        forgetOldest: async () => {
          await store.pruneOlderThan(1, MIDNIGHT + DAY_MS);
          return MIDNIGHT;
        },
        dispose: () => dropDatabase(database),
      };
    },
  });
