import type { Pool } from "mysql2";
import { SERIES_COLUMNS, type Column } from "../columns.js";
import { SeriesBatcher, missingValues, type SeriesBatch, type SeriesRow } from "../series.js";
import { toDbTime } from "./connection.js";
import { figureWhere, type FigureFilter } from "./figure-where.js";
import { selectRows } from "./read-pool.js";

/** The sample's ts as epoch ms, exact over DATETIME's whole range and whatever the session's time zone. */
const TS_MS = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', ts) DIV 1000";
const MAX_TIME = "9999-12-31 23:59:59.999";

type Cell = number | string | null;
/** A samples row as selected: time, agent id, then the query's columns. */
type SampleRow = [time: number, agentId: number, ...values: Cell[]];
type DiskRow = [time: number, agentId: number, mount: string, usagePercent: Cell];

export interface SeriesSource {
  pool: Pool;
  timeoutMs: number;
  /** Samples per query (disk rows 3× as many). */
  pageSize: number;
  /** Loads the agents table when one of the ids is new to it. */
  knowAgents(ids: readonly number[]): Promise<void>;
  agentName(id: number): string;
}

/**
 * The series of the filter's samples off the samples columns (named like the catalog's) and
 * disk_samples, in (ts, agent) order, so strictly in time order per agent; a batch per agent
 * per page. Disks come in mount order (the snapshot's order is not stored).
 */
export async function* readSeries(
  source: SeriesSource,
  filter: FigureFilter,
  columns: readonly Column[],
): AsyncGenerator<SeriesBatch> {
  const { pool, timeoutMs, pageSize } = source;
  const select = [TS_MS, "agent_id", ...columns.map((column) => column.name)].join(", ");
  const indexes = columns.map((column) => SERIES_COLUMNS.indexOf(column));
  const samples = new PageStream<SampleRow>((after) => {
    const cursor = after === null ? null : { ts: toDbTime(after[0]) ?? MAX_TIME, agentId: after[1] };
    const { where, params } = figureWhere(filter, cursor);
    const sql = `SELECT ${select} FROM samples WHERE ${where} ORDER BY ts, agent_id LIMIT ${pageSize}`;
    return selectRows<SampleRow>(pool, sql, params, timeoutMs);
  }, pageSize);
  // its own stream, so that both queries keep the server busy while pages are converted
  const diskPages = new PageStream<DiskRow>((after) => {
    const cursor =
      after === null ? null : { ts: toDbTime(after[0]) ?? MAX_TIME, agentId: after[1], mount: after[2] };
    const { where, params } = figureWhere(filter, cursor);
    const sql =
      `SELECT ${TS_MS}, agent_id, mount, usage_percent FROM disk_samples WHERE ${where} ` +
      `ORDER BY ts, agent_id, mount LIMIT ${pageSize * 3}`;
    return selectRows<DiskRow>(pool, sql, params, timeoutMs);
  }, pageSize * 3);
  const disks = new DiskMerger(diskPages);
  const batcher = new SeriesBatcher(columns);
  for (let rows = await samples.next(); rows !== null; rows = await samples.next()) {
    await source.knowAgents(rows.map((row) => row[1]));
    for (const row of rows) {
      const values = missingValues();
      for (let c = 0; c < indexes.length; c++) values[indexes[c]!] = num(row[c + 2]!);
      const seriesRow: SeriesRow = {
        agent: source.agentName(row[1]),
        time: row[0],
        values,
        mounts: [],
        percents: [],
      };
      while (!disks.add(seriesRow, row[1])) await disks.more();
      batcher.add(seriesRow);
    }
    yield* batcher.take();
  }
}

/**
 * Keyset pages of one query, one page fetched ahead: taking a page starts the query for the
 * next, which runs on the server while the taken one is converted and consumed.
 */
class PageStream<R> {
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
 * Gives each sample's row its disks from a stream of disk rows, both in (ts, agent_id) order: a
 * merge join (disks of a sample missing from the read are skipped).
 */
class DiskMerger {
  private disks: readonly DiskRow[] = [];
  private d = 0;
  private done = false;

  constructor(private readonly pages: PageStream<DiskRow>) {}

  /**
   * Adds the disks of the row's sample from the page at hand; false when the page ran out
   * before the sample's last disk was certain: then more() and again.
   */
  add(row: SeriesRow, agentId: number): boolean {
    const disks = this.disks;
    const time = row.time;
    let d = this.d;
    while (d < disks.length && (disks[d]![0] < time || (disks[d]![0] === time && disks[d]![1] < agentId)))
      d++;
    let end = d;
    while (end < disks.length && disks[end]![0] === time && disks[end]![1] === agentId) end++;
    // the row's own arrays (made empty for it): a sample's disks may come in two pages
    for (let i = d; i < end; i++) {
      (row.mounts as string[]).push(disks[i]![2]);
      (row.percents as number[]).push(num(disks[i]![3]));
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

/**
 * mysql2 gives DOUBLE and INT as numbers, a BIGINT beyond 2^53 as its digits (supportBigNumbers:
 * the nearest double then, as the file store and a snapshot have it); NULL is NaN.
 */
function num(value: Cell): number {
  return typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
}
