import type { NormalisedSnapshot } from "../polling/normalise/normalised-snapshot.js";

/** How a column's values combine over a span of time (rollups, downsampling). */
export type Aggregate = "avg" | "max" | "last" | "sum";

/** The SQL type of a column; the encoder picks its cell format from it. */
export type SqlType = "DOUBLE" | "INT UNSIGNED" | "BIGINT UNSIGNED" | "VARCHAR(16)";

export type Unit =
  "percent" | "bytes" | "bytes/s" | "ops/s" | "count" | "celsius" | "seconds" | "load" | "status";

/** One stored scalar of a sample. */
export interface Column {
  /** Its name everywhere: the MySQL samples column, the CSV header. */
  readonly name: string;
  /** Where it is in the get_metrics snapshot: the family (or "agent"), then the field. */
  readonly path: readonly [string, ...string[]];
  readonly sql: SqlType;
  readonly unit: Unit;
  readonly aggregate: Aggregate;
  /**
   * A snapshot rebuilt from the columns gives null where the value is missing (the contract
   * allows null there) instead of 0 (the contract's type is a plain number).
   */
  readonly nullable?: true;
  /**
   * Computed from the whole snapshot rather than read at `path`. The path then only documents it,
   * unless `restore` says the value goes back there when a snapshot is rebuilt from the columns.
   */
  readonly derive?: (snapshot: NormalisedSnapshot) => unknown;
  readonly restore?: true;
  /**
   * Read back as a series: what the charts draw, the CSV holds and the file store keeps in its
   * compact line. Only a column appended to the catalog may become one: the compact line holds
   * the series in catalog order, so an older line is a prefix of a newer one.
   */
  readonly series?: true;
  /** For a column added to an existing database: an SQL expression that fills it from a row's other data. */
  readonly backfill?: string;
}

const column = (
  name: string,
  path: Column["path"],
  sql: SqlType,
  unit: Unit,
  aggregate: Aggregate,
  more: Partial<Pick<Column, "nullable" | "derive" | "restore" | "series" | "backfill">> = {},
): Column => ({ name, path, sql, unit, aggregate, ...more });

/**
 * Every scalar of a sample that is stored as a column, once, in the samples table's order (new
 * ones go at the end: existing databases get them appended by syncSampleColumns). The MySQL
 * schema (migrations, db/init_database.sql), the row encoder and the snapshot rebuilt on read
 * derive from this list.
 */
export const SAMPLE_SCALARS: readonly Column[] = [
  column("cpu_usage_percent", ["cpu", "usage_percent"], "DOUBLE", "percent", "avg", { series: true }),
  column("cpu_user_percent", ["cpu", "user_percent"], "DOUBLE", "percent", "avg"),
  column("cpu_system_percent", ["cpu", "system_percent"], "DOUBLE", "percent", "avg"),
  column("cpu_iowait_percent", ["cpu", "iowait_percent"], "DOUBLE", "percent", "avg"),
  column("cpu_steal_percent", ["cpu", "steal_percent"], "DOUBLE", "percent", "avg"),
  column("cpu_count", ["cpu", "count"], "INT UNSIGNED", "count", "last", { series: true }),
  column("load_1", ["load", "load_1"], "DOUBLE", "load", "avg", { series: true }),
  column("load_5", ["load", "load_5"], "DOUBLE", "load", "avg", { series: true }),
  column("load_15", ["load", "load_15"], "DOUBLE", "load", "avg", { series: true }),
  column("cpu_temperature_celsius", ["temperature", "cpu_celsius"], "DOUBLE", "celsius", "max", {
    nullable: true,
    series: true,
  }),
  column("max_temperature_celsius", ["temperature", "max_celsius"], "DOUBLE", "celsius", "max", {
    nullable: true,
  }),
  column("memory_total_bytes", ["memory", "total_bytes"], "BIGINT UNSIGNED", "bytes", "last", {
    series: true,
  }),
  column("memory_used_bytes", ["memory", "used_bytes"], "BIGINT UNSIGNED", "bytes", "avg"),
  column("memory_available_bytes", ["memory", "available_bytes"], "BIGINT UNSIGNED", "bytes", "avg"),
  column("memory_usage_percent", ["memory", "usage_percent"], "DOUBLE", "percent", "avg", { series: true }),
  column("swap_total_bytes", ["memory", "swap_total_bytes"], "BIGINT UNSIGNED", "bytes", "last"),
  column("swap_used_bytes", ["memory", "swap_used_bytes"], "BIGINT UNSIGNED", "bytes", "avg"),
  column("swap_percent", ["memory", "swap_percent"], "DOUBLE", "percent", "avg", { series: true }),
  column("disk_read_bytes_per_s", ["disk_io", "read_bytes_per_s"], "DOUBLE", "bytes/s", "avg"),
  column("disk_write_bytes_per_s", ["disk_io", "write_bytes_per_s"], "DOUBLE", "bytes/s", "avg"),
  column("disk_read_ops_per_s", ["disk_io", "read_ops_per_s"], "DOUBLE", "ops/s", "avg"),
  column("disk_write_ops_per_s", ["disk_io", "write_ops_per_s"], "DOUBLE", "ops/s", "avg"),
  column("net_rx_bytes_per_s", ["network", "rx_bytes_per_s"], "DOUBLE", "bytes/s", "avg", { series: true }),
  column("net_tx_bytes_per_s", ["network", "tx_bytes_per_s"], "DOUBLE", "bytes/s", "avg", { series: true }),
  column("net_rx_errors", ["network", "rx_errors"], "BIGINT UNSIGNED", "count", "last"),
  column("net_tx_errors", ["network", "tx_errors"], "BIGINT UNSIGNED", "count", "last"),
  column("tcp_connections", ["network", "tcp_connections"], "INT UNSIGNED", "count", "avg"),
  column("process_count", ["processes", "count"], "INT UNSIGNED", "count", "avg"),
  column("process_running", ["processes", "running"], "INT UNSIGNED", "count", "avg"),
  column("security_status", ["security", "status"], "VARCHAR(16)", "status", "last"),
  column("security_issue_count", ["security", "issue_count"], "INT UNSIGNED", "count", "max", {
    derive: knownIssueCount,
    restore: true,
    series: true,
  }),
  column("ssh_failed_total", ["security", "ssh_failed_logins", "total"], "INT UNSIGNED", "count", "max", {
    series: true,
  }),
  column("uptime_s", ["agent", "uptime_s"], "DOUBLE", "seconds", "last"),
  column("worst_disk_usage_percent", ["disks", "usage_percent"], "DOUBLE", "percent", "max", {
    derive: worstDiskUsage,
    series: true,
    backfill:
      "(SELECT MAX(d.usage_percent) FROM disk_samples d WHERE d.ts = samples.ts AND d.agent_id = samples.agent_id)",
  }),
  column("cpu_core_min_percent", ["cpu", "per_core_percent"], "DOUBLE", "percent", "avg", {
    derive: (snapshot) => coreExtreme(snapshot, Math.min),
    series: true,
    backfill: coreBackfill("MIN"),
  }),
  column("cpu_core_max_percent", ["cpu", "per_core_percent"], "DOUBLE", "percent", "avg", {
    derive: (snapshot) => coreExtreme(snapshot, Math.max),
    series: true,
    backfill: coreBackfill("MAX"),
  }),
  column("memory_cached_bytes", ["memory", "cached_bytes"], "BIGINT UNSIGNED", "bytes", "avg", {
    nullable: true,
    series: true,
  }),
  column("memory_buffers_bytes", ["memory", "buffers_bytes"], "BIGINT UNSIGNED", "bytes", "avg", {
    nullable: true,
    series: true,
  }),
];

/** The columns read back as series, in catalog order (see Column.series). */
export const SERIES_COLUMNS: readonly Column[] = SAMPLE_SCALARS.filter((column) => column.series);

/** The value of a column in a snapshot, as received (the encoder decides what it can store). */
export function valueOf(column: Column, snapshot: NormalisedSnapshot): unknown {
  if (column.derive !== undefined) return column.derive(snapshot);
  let value: unknown = snapshot;
  for (const key of column.path) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The highest usage of any disk: the one a "disk full" look at a host wants first. */
function worstDiskUsage(snapshot: NormalisedSnapshot): number | null {
  let worst: number | null = null;
  for (const disk of Array.isArray(snapshot.disks) ? snapshot.disks : []) {
    const usage: unknown = typeof disk === "object" && disk !== null ? disk.usage_percent : undefined;
    if (typeof usage === "number" && Number.isFinite(usage) && (worst === null || usage > worst))
      worst = usage;
  }
  return worst;
}

/** A series value: the column's value when it is a finite number, NaN for anything else. */
export function seriesValue(column: Column, snapshot: NormalisedSnapshot): number {
  const value = valueOf(column, snapshot);
  return typeof value === "number" && Number.isFinite(value) ? value : Number.NaN;
}

/** The issue count only when a check ran: "unavailable" means nothing was looked at, not 0 found. */
function knownIssueCount(snapshot: NormalisedSnapshot): unknown {
  const security = snapshot.security;
  return security === undefined || security.status === "unavailable" ? null : security.issue_count;
}

/** The lowest or highest per-core usage: the band around the CPU line. */
function coreExtreme(snapshot: NormalisedSnapshot, pick: (...values: number[]) => number): number | null {
  const cores = snapshot.cpu?.per_core_percent;
  const usable = Array.isArray(cores) ? cores.filter((c): c is number => typeof c === "number") : [];
  return usable.length === 0 ? null : pick(...usable);
}

/** The per-core extreme of a stored snapshot's JSON, for rows written before the column existed. */
function coreBackfill(fn: "MIN" | "MAX"): string {
  return `(SELECT ${fn}(c.v) FROM JSON_TABLE(snapshot, '$.cpu.per_core_percent[*]' COLUMNS (v DOUBLE PATH '$')) c)`;
}
