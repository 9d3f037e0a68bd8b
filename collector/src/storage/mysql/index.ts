export { MysqlStore } from "./mysql-store.js";
export type { MysqlStoreOptions, PruneResult } from "./mysql-store.js";
export { MysqlHistoryReader } from "./mysql-reader.js";
export type { MysqlHistoryReaderOptions } from "./mysql-reader.js";
export type { MysqlConnectionOptions } from "./connection.js";
export { MIGRATIONS, TABLES, migrationSource } from "./migrations.js";
