import type { Knex } from "knex";
import type { AlertRecord, PollEvent, PollSample, TimeRange } from "../records.js";
import type { HistoryReader } from "../store.js";
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  assertDatabaseName,
  createKnex,
  destroyKnex,
  toDbTime,
} from "./connection.js";
import type { MysqlConnectionOptions } from "./connection.js";
import type { Pool } from "mysql2";
import { queryColumns, type SeriesBatch, type SeriesQuery } from "../series.js";
import { stepped } from "../series-step.js";
import { readSeries } from "./mysql-series.js";
import { createReadPool, endReadPool } from "./read-pool.js";
import {
  EVENT_RANK,
  sameGroup,
  toAlertRecord,
  toPollEvent,
  type AlertRow,
  type EventRow,
} from "./event-alert-rows.js";
import type { Cursor, FigureFilter } from "./figure-where.js";
import { AgentDirectory } from "./agent-directory.js";
import type { SampleRow } from "./rebuild-snapshot.js";
import { WholeSamples } from "./whole-samples.js";

export interface MysqlHistoryReaderOptions extends MysqlConnectionOptions {
  /** Rows fetched per query (keyset pagination; default 5000). */
  pageSize?: number;
  /** Samples fetched per query by series() (default 20,000; disk rows 3× as many). */
  seriesPageSize?: number;
}

const MIN_TIME = "1000-01-01 00:00:00.000";
const MAX_TIME = "9999-12-31 23:59:59.999";

/**
 * Reads the history back from MySQL, oldest first, in pages (keyset pagination on (ts, agent),
 * so a long range never holds a connection or a huge result in memory). A sample comes from its
 * stored snapshot JSON when there is one, else it is rebuilt from the columns: the scalar
 * metrics, disks and security findings, without what only the JSON keeps (per-core usage,
 * sensors, interfaces, top processes, security checks, collector_status, boot time).
 */
export class MysqlHistoryReader implements HistoryReader {
  private db: Knex | null = null;
  private pool: Pool | null = null;
  private readonly agents: AgentDirectory;
  private readonly whole: WholeSamples;
  private readonly pageSize: number;
  private readonly seriesPageSize: number;
  private readonly queryTimeoutMs: number;

  constructor(private readonly options: MysqlHistoryReaderOptions) {
    assertDatabaseName(options.database);
    this.pageSize = Math.max(1, Math.floor(options.pageSize ?? 5000));
    this.seriesPageSize = Math.max(1, Math.floor(options.seriesPageSize ?? 20_000));
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.agents = new AgentDirectory(this.queryTimeoutMs);
    this.whole = new WholeSamples(this.agents, this.queryTimeoutMs);
  }

  async *samples(range: TimeRange): AsyncIterable<PollSample> {
    const db = this.knex();
    const bounds = await this.bounds(db, range);
    if (bounds === null) return;
    let cursor: Cursor | null = null;
    for (;;) {
      const query = this.page(db, "samples", bounds, cursor)
        .select("*")
        .orderBy([
          { column: "ts", order: "asc" },
          { column: "agent_id", order: "asc" },
        ]);
      const rows = (await query.limit(this.pageSize).timeout(this.queryTimeoutMs)) as SampleRow[];
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      await this.agents.know(
        db,
        rows.map((row) => row.agent_id),
      );
      const parts = await this.whole.partsFor(db, bounds.agentId, rows);
      for (const row of rows) yield this.whole.toSample(row, parts);
      if (rows.length < this.pageSize) return;
      cursor = { ts: last.ts, agentId: last.agent_id };
    }
  }

  /**
   * The series off the samples columns and disk_samples, without rebuilding snapshots (see
   * mysql-series.ts).
   */
  async *series(query: SeriesQuery): AsyncIterable<SeriesBatch> {
    const db = this.knex();
    const bounds = await this.bounds(db, query);
    if (bounds === null) return;
    let agentIds: number[] | null = null;
    if (query.agents !== undefined) {
      agentIds = await this.agents.idsOf(db, query.agents);
      if (agentIds.length === 0) return;
    }
    this.pool ??= createReadPool(this.options);
    const source = {
      pool: this.pool,
      timeoutMs: this.queryTimeoutMs,
      pageSize: this.seriesPageSize,
      knowAgents: (ids: readonly number[]) => this.agents.know(db, ids),
      agentName: (id: number) => this.agents.name(id),
    };
    const filter: FigureFilter = { from: bounds.from, to: bounds.to, agentIds };
    const columns = queryColumns(query);
    const batches = readSeries(source, filter, columns);
    yield* query.step === undefined ? batches : stepped(batches, query.step, columns);
  }

  /** Each agent's sample at the given time, a query per 500 agents. */
  async samplesAt(wanted: ReadonlyMap<string, number>): Promise<Map<string, PollSample>> {
    const db = this.knex();
    const ids = await this.agents.idsByName(db);
    const keys = [...wanted].flatMap(([name, time]) => {
      const agentId = ids.get(name);
      const ts = toDbTime(time);
      return agentId === undefined || ts === null ? [] : [{ agentId, ts }];
    });
    return new Map((await this.whole.at(db, keys)).map((sample) => [sample.agent, sample]));
  }

  async *events(range: TimeRange): AsyncIterable<PollEvent> {
    const db = this.knex();
    const bounds = await this.bounds(db, range);
    if (bounds === null) return;
    let cursor: Cursor | null = null;
    for (;;) {
      const query = this.page(db, "poll_events", bounds, cursor)
        .select("agent_id", "ts", "kind", "error", "consecutive_failures", "duration_ms")
        .orderBy("ts")
        .orderBy("agent_id")
        .orderByRaw(EVENT_RANK)
        .orderBy("kind");
      const rows = (await query.limit(this.pageSize).timeout(this.queryTimeoutMs)) as EventRow[];
      const full = rows.length === this.pageSize;
      let end = rows.length;
      if (full) {
        // The cursor is (ts, agent): keep the last (ts, agent) group whole for the next page.
        const tail = rows[rows.length - 1] as EventRow;
        while (end > 0 && sameGroup(rows[end - 1] as EventRow, tail)) end--;
        if (end === 0) end = rows.length; // a group larger than a page: cannot happen (3 kinds)
      }
      const page = rows.slice(0, end);
      await this.agents.know(
        db,
        page.map((row) => row.agent_id),
      );
      for (const row of page) yield toPollEvent(row, this.agents.name(row.agent_id));
      const last = page[page.length - 1];
      if (!full || last === undefined) return;
      cursor = { ts: last.ts, agentId: last.agent_id };
    }
  }

  /**
   * The alerts table keeps one row per episode, updated by each notification: so this gives
   * each episode once, in its latest state, at the ts of its latest notification (updated_at),
   * when that falls in the range. Paged on (updated_at, id).
   */
  async *alerts(range: TimeRange): AsyncIterable<AlertRecord> {
    const db = this.knex();
    const bounds = await this.bounds(db, range);
    if (bounds === null) return;
    let cursor: { ts: string; id: number } | null = null;
    for (;;) {
      const query = db("alerts")
        .select("*")
        .where("updated_at", ">=", bounds.from)
        .andWhere("updated_at", "<", bounds.to);
      if (bounds.agentId !== null) query.andWhere("agent_id", bounds.agentId);
      if (cursor !== null) {
        const after = cursor;
        query.andWhere((q) => {
          q.where("updated_at", ">", after.ts).orWhere((q2) => {
            q2.where("updated_at", after.ts).andWhere("id", ">", after.id);
          });
        });
      }
      const rows = (await query
        .orderBy([
          { column: "updated_at", order: "asc" },
          { column: "id", order: "asc" },
        ])
        .limit(this.pageSize)
        .timeout(this.queryTimeoutMs)) as AlertRow[];
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      await this.agents.know(
        db,
        rows.flatMap((row) => (row.agent_id === null ? [] : [Number(row.agent_id)])),
      );
      for (const row of rows) yield toAlertRecord(row, (id) => this.agents.name(id));
      if (rows.length < this.pageSize) return;
      cursor = { ts: last.updated_at, id: Number(last.id) };
    }
  }

  async close(): Promise<void> {
    const { db, pool } = this;
    this.db = null;
    this.pool = null;
    await Promise.all([
      db === null ? undefined : destroyKnex(db),
      pool === null ? undefined : endReadPool(pool),
    ]);
  }

  private knex(): Knex {
    this.db ??= createKnex(this.options);
    return this.db;
  }

  /** The range as DATETIME literals and the agent's id; null when the agent is unknown. */
  private async bounds(
    db: Knex,
    range: TimeRange,
  ): Promise<{ from: string; to: string; agentId: number | null } | null> {
    const from = range.from < Date.UTC(1000, 0, 1) ? MIN_TIME : (toDbTime(range.from) ?? MAX_TIME);
    const to = range.to < Date.UTC(1000, 0, 1) ? MIN_TIME : (toDbTime(range.to) ?? MAX_TIME);
    if (range.agent === undefined) return { from, to, agentId: null };
    const row = (await db("agents")
      .select("id")
      .where("name", range.agent)
      .first()
      .timeout(this.queryTimeoutMs)) as { id: number } | undefined;
    return row === undefined ? null : { from, to, agentId: Number(row.id) };
  }

  private page(
    db: Knex,
    table: string,
    bounds: { from: string; to: string; agentId: number | null },
    cursor: Cursor | null,
  ): Knex.QueryBuilder {
    const query = db(table).where("ts", ">=", bounds.from).andWhere("ts", "<", bounds.to);
    if (bounds.agentId !== null) {
      query.andWhere("agent_id", bounds.agentId);
      if (cursor !== null) query.andWhere("ts", ">", cursor.ts);
    } else if (cursor !== null) {
      query.andWhere((q) => {
        q.where("ts", ">", cursor.ts).orWhere((q2) => {
          q2.where("ts", cursor.ts).andWhere("agent_id", ">", cursor.agentId);
        });
      });
    }
    return query;
  }
}
