import type { Knex } from "knex";
import type { Connection } from "mysql2";
import type { FigureValues, SampleFigures } from "../figures.js";
import type { PollSample } from "../records.js";

/** The sample's ts as epoch ms, exact over DATETIME's whole range and whatever the session's time zone. */
const TS_MS = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', ts) DIV 1000";

/**
 * The samples columns figures are made of, in the order of a FigureRow. Per-core usage is only in
 * the snapshot JSON (storeSnapshotJson): the server extracts it, which costs nothing for a row
 * without JSON but makes a read of rows with JSON 2-3 times slower (JSON_EXTRACT parses the
 * whole document; LOCATE/SUBSTRING on the text measured hardly faster).
 */
export const FIGURE_SELECT = [
  TS_MS,
  "agent_id",
  "cpu_usage_percent",
  "cpu_count",
  "load_1",
  "load_5",
  "load_15",
  "cpu_temperature_celsius",
  "memory_usage_percent",
  "swap_percent",
  "net_rx_bytes_per_s",
  "net_tx_bytes_per_s",
  "security_status",
  "security_issue_count",
  "ssh_failed_total",
  "JSON_EXTRACT(snapshot, '$.cpu.per_core_percent')",
].join(", ");

type Cell = number | string | null;

/** A row of FIGURE_SELECT. */
export type FigureRow = [
  time: number,
  agentId: number,
  cpuPercent: Cell,
  cpuCount: Cell,
  load1: Cell,
  load5: Cell,
  load15: Cell,
  temperature: Cell,
  memoryPercent: Cell,
  swapPercent: Cell,
  rx: Cell,
  tx: Cell,
  securityStatus: string | null,
  securityIssues: Cell,
  sshFailed: Cell,
  /** Parsed by mysql2 when the server marks the value as JSON (MariaDB, MySQL), else its text. */
  perCore: unknown,
];

/** The disk_samples columns figures need, in the order of a DiskFigureRow. */
export const DISK_FIGURE_SELECT = `${TS_MS}, agent_id, mount, usage_percent`;
export type DiskFigureRow = [time: number, agentId: number, mount: string, usagePercent: Cell];

/** The two knex pool methods selectRows uses to run a statement on a raw connection. */
interface PoolClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
}

/**
 * Runs a SELECT as a prepared statement on a pooled connection and gives its rows as arrays.
 * The binary protocol sends numbers as numbers: with the text protocol the server formats and
 * the client parses every DOUBLE, which took more than half the time of a figures read. The
 * statement is closed afterwards (prepared statements count against a server-wide limit); on
 * failure or after timeoutMs the connection is destroyed, which also ends the query.
 */
export async function selectRows<T>(
  db: Knex,
  sql: string,
  params: readonly string[],
  timeoutMs: number,
): Promise<T[]> {
  const client = db.client as PoolClient;
  const connection = await client.acquireConnection();
  const options = { sql, rowsAsArray: true };
  let failure: unknown = null;
  try {
    return await new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`MySQL query timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      connection.execute(options, [...params], (error, rows) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(rows as unknown as T[]);
      });
    });
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    if (failure === null) {
      // keyed like the cache entry execute() made, which includes rowsAsArray (typed as sql only)
      connection.unprepare(options as unknown as string);
    } else {
      // knex's pool drops a connection marked so instead of handing it out again.
      (connection as Connection & { __knex__disposed?: unknown }).__knex__disposed = failure;
      connection.destroy();
    }
    await client.releaseConnection(connection);
  }
}

/** The full samples of the newest figures, attached at the end of a read (see SampleFigures.sample). */
const fetched = new WeakMap<MysqlFigures, PollSample>();

export function attachSample(figures: MysqlFigures, sample: PollSample): void {
  fetched.set(figures, sample);
}

/** One sample's figures from a FigureRow; every field is set in the constructor, for one object shape. */
export class MysqlFigures implements SampleFigures {
  agent: string;
  time: number;
  cpuPercent: number;
  cpuCoreMin: number;
  cpuCoreMax: number;
  cpuCount: number;
  temperatureCelsius: number;
  load1: number;
  load5: number;
  load15: number;
  memoryPercent: number;
  swapPercent: number;
  diskMounts: string[];
  diskPercents: number[];
  rxBytesPerS: number;
  txBytesPerS: number;
  securityIssues: number;
  sshFailed: number;

  constructor(row: FigureRow, agent: string) {
    this.agent = agent;
    this.time = row[0];
    this.cpuPercent = num(row[2]);
    this.cpuCoreMin = Number.NaN;
    this.cpuCoreMax = Number.NaN;
    this.cpuCount = num(row[3]);
    this.temperatureCelsius = num(row[7]);
    this.load1 = num(row[4]);
    this.load5 = num(row[5]);
    this.load15 = num(row[6]);
    this.memoryPercent = num(row[8]);
    this.swapPercent = num(row[9]);
    this.diskMounts = [];
    this.diskPercents = [];
    this.rxBytesPerS = num(row[10]);
    this.txBytesPerS = num(row[11]);
    this.securityIssues = row[12] === "unavailable" ? Number.NaN : num(row[13]);
    this.sshFailed = num(row[14]);
    if (row[15] !== null) setCoreRange(this, row[15]);
  }

  /** Made on demand: formatting it for every row took a tenth of a read, and a chart needs only `time`. */
  get ts(): string {
    return new Date(this.time).toISOString();
  }

  /** The whole sample for the newest figures of each agent, once the read has ended; undefined for the others. */
  sample(): PollSample | undefined {
    return fetched.get(this);
  }
}

/**
 * Keyset pages of one query, one page fetched ahead: taking a page starts the query for the
 * next, which runs on the server while the taken one is converted and consumed.
 */
export class PageStream<R> {
  private pending: Promise<R[]> | null;

  /** `fetch(after)`: up to `limit` rows after the row `after` (null: from the start). */
  constructor(
    private readonly fetch: (after: R | null) => Promise<R[]>,
    private readonly limit: number,
  ) {
    this.pending = this.request(null);
  }

  /** The next page; null after the last. */
  async next(): Promise<R[] | null> {
    if (this.pending === null) return null;
    const rows = await this.pending;
    const last = rows[rows.length - 1];
    this.pending = rows.length === this.limit && last !== undefined ? this.request(last) : null;
    return last === undefined ? null : rows;
  }

  private request(after: R | null): Promise<R[]> {
    const rows = this.fetch(after);
    rows.catch(() => undefined); // a read given up leaves it unawaited; next() still throws it
    return rows;
  }
}

/**
 * Gives each sample's figures its disks from a stream of disk rows, both in (ts, agent_id)
 * order: a merge join (disks of a sample missing from the read are skipped).
 */
export class DiskMerger {
  private disks: readonly DiskFigureRow[] = [];
  private d = 0;
  private done = false;

  constructor(private readonly pages: PageStream<DiskFigureRow>) {}

  /**
   * Adds the disks of the figures' sample from the page at hand; false when the page ran out
   * before the sample's last disk was certain: then more() and again.
   */
  add(figures: MysqlFigures, agentId: number): boolean {
    const disks = this.disks;
    const time = figures.time;
    let d = this.d;
    for (; d < disks.length; d++) {
      const disk = disks[d] as DiskFigureRow;
      if (disk[0] > time || (disk[0] === time && disk[1] >= agentId)) break;
    }
    let end = d;
    while (
      end < disks.length &&
      (disks[end] as DiskFigureRow)[0] === time &&
      (disks[end] as DiskFigureRow)[1] === agentId
    )
      end++;
    if (end > d) {
      const { diskMounts, diskPercents } = figures;
      for (let i = d; i < end; i++) {
        const disk = disks[i] as DiskFigureRow;
        diskMounts.push(disk[2]);
        diskPercents.push(num(disk[3]));
      }
    }
    this.d = end;
    return end < disks.length || this.done;
  }

  async more(): Promise<void> {
    const next = await this.pages.next();
    this.done = next === null;
    this.disks = next ?? [];
    this.d = 0;
  }
}

/** Lowest and highest per-core usage (numbers only, like readFigures). */
function setCoreRange(out: FigureValues, perCore: unknown): void {
  let cores = perCore;
  if (typeof cores === "string") {
    try {
      cores = JSON.parse(cores);
    } catch {
      return;
    }
  }
  if (!Array.isArray(cores)) return;
  for (const core of cores) {
    if (typeof core !== "number") continue;
    if (Number.isNaN(out.cpuCoreMin) || core < out.cpuCoreMin) out.cpuCoreMin = core;
    if (Number.isNaN(out.cpuCoreMax) || core > out.cpuCoreMax) out.cpuCoreMax = core;
  }
}

/** mysql2 gives DOUBLE and INT as numbers; NULL (or anything else) is NaN. */
function num(value: Cell): number {
  return typeof value === "number" ? value : Number.NaN;
}
