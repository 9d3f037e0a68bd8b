import { existsSync } from "node:fs";
import { ConfigError } from "../../../common/src/config/config-error.js";
import {
  loadCollectorConfig,
  parseCollectorConfig,
  type CollectorConfig,
} from "../../../collector/src/config/load-config.js";
import {
  FileHistoryReader,
  loadMysqlBackend,
  type FileHistoryReaderOptions,
  type HistoryReader,
} from "../../../collector/src/storage/index.js";

export interface HistorySource {
  /** The collector config when there is one: agents and thresholds come from it. */
  config: CollectorConfig | undefined;
  storage: "file" | "mysql";
  /** Where it reads, for messages: a folder or host:port/database. */
  where: string;
  open(): Promise<HistoryReader>;
  /** The file store's files, which can also be read by several threads at once. */
  files?: FileHistoryReaderOptions;
}

/**
 * Where the history is: the collector's config, or without one (the default path missing and
 * not asked for) the collector's defaults, the file store under ./var/data.
 */
export function historySource(
  configFile: string,
  configGiven: boolean,
  storage: "file" | "mysql" | undefined,
): HistorySource {
  const found = configGiven || existsSync(configFile);
  if (!found && storage === "mysql")
    throw new ConfigError(`--storage mysql needs the collector config (${configFile} not found)`, []);
  const config = found ? loadCollectorConfig(configFile) : undefined;
  // the schema's defaults, with a placeholder for the one key that has none
  const settings = config ?? parseCollectorConfig({ agents: [{ name: "defaults", host: "localhost" }] });
  const type = storage ?? settings.storage.type;
  if (type === "mysql") {
    const s = settings.storage;
    return {
      config,
      storage: type,
      where: `mysql://${s.mysql_host}:${s.mysql_port}/${s.mysql_database}`,
      // loaded only when used: knex and mysql2 take a while to load
      open: async () =>
        new (await loadMysqlBackend()).MysqlHistoryReader({
          host: s.mysql_host,
          port: s.mysql_port,
          user: s.mysql_user,
          password: s.mysql_password,
          database: s.mysql_database,
        }),
    };
  }
  const { paths } = settings;
  const files = {
    jsonFile: paths.jsonFile,
    figuresFile: paths.figuresFile,
    eventsFile: paths.eventsFile,
    alertsFile: paths.alertsFile,
  };
  return { config, storage: type, where: paths.dir, open: async () => new FileHistoryReader(files), files };
}
