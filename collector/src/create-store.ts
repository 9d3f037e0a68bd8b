import type { CollectorConfig } from "./config/load-config.js";
import { FileStore } from "./storage/file/file-store.js";
import { MysqlStore } from "./storage/mysql/mysql-store.js";
import type { Store } from "./storage/store.js";

export function createStore(config: CollectorConfig): Store {
  const { storage, paths } = config;
  if (storage.type === "mysql") {
    return new MysqlStore({
      host: storage.mysql_host,
      port: storage.mysql_port,
      user: storage.mysql_user,
      password: storage.mysql_password,
      database: storage.mysql_database,
      retentionDays: storage.retention_days,
    });
  }
  return new FileStore({
    metricsFile: paths.metricsFile,
    jsonFile: paths.jsonFile,
    figuresFile: paths.figuresFile,
    eventsFile: paths.eventsFile,
    alertsFile: paths.alertsFile,
    maxSizeBytes: storage.rotation.max_size,
    backupCount: storage.rotation.backup_count,
  });
}
