import path from "node:path";
import { ConfigError } from "../../../common/src/config/config-error.js";
import { describeLooked, exampleConfig, type FoundConfig } from "../../../common/src/config/find-config.js";
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
 * Where the history is: the collector's config as the collector finds it. Without one, only an
 * explicit `--storage file` reads the collector's default file store (./var/data): run from
 * another folder (cron, `/`), a guess would draw an empty dashboard and say nothing was wrong.
 */
export function historySource(found: FoundConfig, storage: "file" | "mysql" | undefined): HistorySource {
  if (found.file === undefined && storage !== "file") {
    const defaultStore = path.resolve("var/data");
    throw new ConfigError(
      `no collector config (${describeLooked(found.looked)}); pass --config FILE, or copy ` +
        `${exampleConfig("collector")} to one of these` +
        (storage === "mysql"
          ? " (--storage mysql needs the config for the database)"
          : `, or pass --storage file to read the collector's default file store here, ${defaultStore}`),
      [],
    );
  }
  const config = found.file === undefined ? undefined : loadCollectorConfig(found.file);
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
