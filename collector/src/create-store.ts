import type { Logger } from "../../common/src/logging.js";
import type { CollectorConfig } from "./config/load-config.js";
import { FileStore, loadMysqlBackend, type Store } from "./storage/index.js";

/** The configured store; its warnings (a fallback taken, a record dropped, a column added) go to the log. */
export async function createStore(config: CollectorConfig, logger: Logger): Promise<Store> {
  const { storage, paths } = config;
  if (storage.type === "mysql") {
    const { MysqlStore } = await loadMysqlBackend();
    return new MysqlStore({
      host: storage.mysql_host,
      port: storage.mysql_port,
      user: storage.mysql_user,
      password: storage.mysql_password,
      database: storage.mysql_database,
      retentionDays: storage.retention_days,
      onWarning: (message) => logger.warn(message),
      onInfo: (message) => logger.info(message),
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
