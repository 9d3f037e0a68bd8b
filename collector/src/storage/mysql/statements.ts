import type { AlertRecord, PollSample } from "../records.js";
import { toDbTime } from "./connection.js";
import { NULL_CELL, dbl, field, insertStatements, runs, sqlLiteral, str, time, uint } from "./encoding.js";
import { TEXT_MAX, agentInfoFields } from "./rows.js";

/** One statement of a write transaction; `data` is the file a LOAD DATA LOCAL INFILE reads. */
export interface Operation {
  sql: string;
  data?: Buffer;
}

/** How bulk rows go in: LOAD DATA LOCAL INFILE (about half the server's CPU), or multi-row INSERT. */
export type BulkMode = "load-data" | "insert";

export const ALERT_KEY_MAX = 700;

export const columnList = (columns: readonly string[]): string => columns.map((c) => `\`${c}\``).join(",");

/**
 * Statements that add tab-separated rows to a table, skipping rows whose key is already there
 * (IGNORE): LOAD DATA's default format is exactly encoding.ts's (fields by tab, lines by \n,
 * escapes by backslash, \N for NULL).
 */
export function bulkOperations(
  mode: BulkMode,
  table: string,
  columns: readonly string[],
  lines: readonly string[],
  maxRows: number,
  maxChars: number,
): Operation[] {
  if (lines.length === 0) return [];
  if (mode === "insert") {
    return insertStatements(
      `INSERT IGNORE INTO ${table} (${columnList(columns)})`,
      lines,
      maxRows,
      maxChars,
    ).map((sql) => ({ sql }));
  }
  const sql = `LOAD DATA LOCAL INFILE 'hostwatch-${table}' IGNORE INTO TABLE ${table} CHARACTER SET utf8mb4 (${columnList(columns)})`;
  return [...runs(lines, maxRows, maxChars)].map((run) => ({
    sql,
    data: Buffer.from(`${run.join("\n")}\n`),
  }));
}

/** A server or client refusing LOAD DATA LOCAL INFILE (local_infile off, MySQL 8's default). */
export function isLoadDataRefused(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno;
  const message = error instanceof Error ? error.message : "";
  return (
    errno === 1148 || // ER_NOT_ALLOWED_COMMAND
    errno === 3948 || // ER_CLIENT_LOCAL_FILES_DISABLED
    errno === 2068 || // CR_LOAD_DATA_LOCAL_INFILE_REJECTED
    /local (data|infile)|LOCAL INFILE/i.test(message)
  );
}

/** An agent's samples in a batch: its id, first and latest time (DATETIME values) and latest sample. */
export interface AgentSampleSummary {
  name: string;
  id: number;
  firstTs: string;
  lastTs: string;
  last: PollSample;
}

export interface AgentEventSummary {
  id: number;
  firstTs: string;
  lastTs: string;
  state: "up" | "down" | null;
  failures: number;
  error: string | null;
}

/** The metadata an agents row takes from a sample, to notice when it changes. */
export function agentInfoKey(sample: PollSample): string {
  const info = agentInfoFields(sample.snapshot);
  return `${info.hostname}\t${info.os}\t${info.kernel}\t${info.arch}\t${info.platform}\t${info.version}`;
}

/**
 * `UPDATE agents a JOIN (SELECT ... UNION ALL SELECT ...) v ON a.id = v.id SET ...`, chunked.
 * A multi-table UPDATE, not INSERT ... ON DUPLICATE KEY UPDATE: that would use up an
 * AUTO_INCREMENT value on every call for every agent, and run out of INT UNSIGNED within months
 * at 10,000 agents. The first SELECT names the columns.
 */
function agentUpdates<T extends { id: number }>(
  agents: T[],
  chunkRows: number,
  columns: readonly string[],
  values: (agent: T) => readonly string[],
  derived: string,
  set: readonly string[],
): string[] {
  agents.sort((a, b) => a.id - b.id);
  const statements: string[] = [];
  for (let i = 0; i < agents.length; i += chunkRows) {
    const selects = agents.slice(i, i + chunkRows).map((agent, index) => {
      const row = values(agent);
      return `SELECT ${row.map((value, c) => (index === 0 ? `${value} AS ${columns[c]}` : value)).join(",")}`;
    });
    statements.push(
      `UPDATE agents a JOIN (SELECT ${derived} FROM (${selects.join(" UNION ALL ")}) u) v ON a.id = v.id SET ${set.join(", ")}`,
    );
  }
  return statements;
}

/**
 * The agents' rows after a batch of samples: metadata from each agent's latest sample, last_seen
 * and last_sample_at moved forward, state "up" with no failures unless a later event already
 * said otherwise. Written so the result does not depend on the order MySQL applies the SET
 * assignments in (undefined for a multi-table UPDATE): every condition compares with `>=`
 * against a column that only ever moves to GREATEST(old, v.ts).
 */
export function agentSampleUpdates(agents: AgentSampleSummary[], chunkRows: number): string[] {
  const newer = "(a.last_sample_at IS NULL OR v.ts >= a.last_sample_at)";
  const current = "(a.status_at IS NULL OR v.ts >= a.status_at)";
  const keep = (column: string, value: string): string =>
    `a.${column} = IF(${newer}, COALESCE(${value}, a.${column}), a.${column})`;
  return agentUpdates(
    agents,
    chunkRows,
    ["id", "ts", "first_ts", "hostname", "os", "kernel", "arch", "platform", "version"],
    (agent) => {
      const info = agentInfoFields(agent.last.snapshot);
      return [
        String(agent.id),
        sqlLiteral(time(agent.lastTs)),
        sqlLiteral(time(agent.firstTs)),
        sqlLiteral(info.hostname),
        sqlLiteral(info.os),
        sqlLiteral(info.kernel),
        sqlLiteral(info.arch),
        sqlLiteral(info.platform),
        sqlLiteral(info.version),
      ];
    },
    "id, CAST(ts AS DATETIME(3)) AS ts, CAST(first_ts AS DATETIME(3)) AS first_ts, hostname, os, kernel, arch, platform, version",
    [
      keep("hostname", "v.hostname"),
      keep("os", "v.os"),
      keep("kernel", "v.kernel"),
      keep("arch", "v.arch"),
      keep("platform", "v.platform"),
      keep("agent_version", "v.version"),
      "a.first_seen = LEAST(a.first_seen, v.first_ts)",
      "a.last_seen = GREATEST(a.last_seen, v.ts)",
      "a.last_sample_at = GREATEST(COALESCE(a.last_sample_at, v.ts), v.ts)",
      `a.state = IF(${current}, 'up', a.state)`,
      `a.consecutive_failures = IF(${current}, 0, a.consecutive_failures)`,
      `a.last_error = IF(${current}, NULL, a.last_error)`,
      "a.status_at = GREATEST(COALESCE(a.status_at, v.ts), v.ts)",
    ],
  );
}

/**
 * The agents' rows after a batch of events: the state the events lead to (a "poll_error" keeps
 * the state, "down" and "up" set it), applied only when newer than what set the row's state.
 */
export function agentEventUpdates(agents: AgentEventSummary[], chunkRows: number): string[] {
  const current = "(a.status_at IS NULL OR v.ts >= a.status_at)";
  return agentUpdates(
    agents,
    chunkRows,
    ["id", "ts", "first_ts", "state", "failures", "error"],
    (agent) => {
      const failures = uint(agent.failures);
      return [
        String(agent.id),
        sqlLiteral(time(agent.lastTs)),
        sqlLiteral(time(agent.firstTs)),
        agent.state === null ? "NULL" : `'${agent.state}'`,
        failures === NULL_CELL ? "0" : failures,
        sqlLiteral(str(agent.error, TEXT_MAX)),
      ];
    },
    "id, CAST(ts AS DATETIME(3)) AS ts, CAST(first_ts AS DATETIME(3)) AS first_ts, state, failures, error",
    [
      "a.first_seen = LEAST(a.first_seen, v.first_ts)",
      "a.last_seen = GREATEST(a.last_seen, v.ts)",
      `a.state = IF(${current}, COALESCE(v.state, a.state), a.state)`,
      `a.consecutive_failures = IF(${current}, v.failures, a.consecutive_failures)`,
      `a.last_error = IF(${current}, v.error, a.last_error)`,
      "a.status_at = GREATEST(COALESCE(a.status_at, v.ts), v.ts)",
    ],
  );
}

/** INSERT IGNORE of agents by name, for names not in the table yet. */
export function agentInserts(
  agents: ReadonlyArray<{ name: string; firstTs: string }>,
  chunkRows: number,
): string[] {
  const lines = agents.map(({ name, firstTs }) => `${field(name)}\t${firstTs}\t${firstTs}`);
  return insertStatements(
    "INSERT IGNORE INTO agents (name, first_seen, last_seen)",
    lines,
    chunkRows,
    1 << 20,
  );
}

/**
 * Upserts of alert episodes (unique on alert_key + started_at), one row per record in time
 * order. Single-table ON DUPLICATE KEY UPDATE applies its assignments left to right, so
 * updated_at goes last and the conditions before it see the row's previous value.
 */
export function alertUpserts(
  records: ReadonlyArray<{ record: AlertRecord; ts: string; startedAt: string; agentId: number | null }>,
  chunkRows: number,
  chunkChars: number,
): string[] {
  const optionalTime = (value: unknown): string => time(typeof value === "string" ? toDbTime(value) : null);
  const lines = records.map(({ record, ts, startedAt, agentId }) => {
    const { alert } = record;
    return [
      str(alert.key, ALERT_KEY_MAX),
      agentId === null ? NULL_CELL : String(agentId),
      str(alert.metric, 64),
      str(alert.mount, 512),
      str(alert.severity, 16),
      str(alert.state, 16),
      dbl(alert.value),
      dbl(alert.threshold),
      startedAt,
      optionalTime(alert.resolved_at),
      optionalTime(alert.last_notified_at),
      str(record.kind, 16),
      str(record.message, TEXT_MAX),
      ts,
    ].join("\t");
  });
  const newer = "VALUES(updated_at) >= updated_at";
  const take = (column: string): string => `${column} = IF(${newer}, VALUES(${column}), ${column})`;
  const onDuplicate =
    " ON DUPLICATE KEY UPDATE agent_id = COALESCE(agent_id, VALUES(agent_id)), " +
    ["severity", "state", "value", "threshold", "resolved_at", "last_kind", "message"].map(take).join(", ") +
    ", last_notified_at = GREATEST(COALESCE(last_notified_at, VALUES(last_notified_at)), " +
    "COALESCE(VALUES(last_notified_at), last_notified_at)), updated_at = GREATEST(updated_at, VALUES(updated_at))";
  const head =
    "INSERT INTO alerts (alert_key, agent_id, metric, mount, severity, state, value, threshold, " +
    "started_at, resolved_at, last_notified_at, last_kind, message, updated_at)";
  return insertStatements(head, lines, chunkRows, chunkChars, onDuplicate);
}
