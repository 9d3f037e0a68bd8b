import type { Knex } from "knex";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import type { SampleFigures } from "../figures.js";
import type { AlertRecord, PollEvent, PollSample, TimeRange } from "../records.js";
import type { HistoryReader } from "../store.js";
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  assertDatabaseName,
  createKnex,
  destroyKnex,
  fromDbTime,
  toDbTime,
} from "./connection.js";
import type { MysqlConnectionOptions } from "./connection.js";
import {
  DISK_FIGURE_SELECT,
  FIGURE_SELECT,
  DiskMerger,
  MysqlFigures,
  PageStream,
  attachSample,
  selectRows,
} from "./mysql-figures.js";
import type { DiskFigureRow, FigureRow } from "./mysql-figures.js";
import {
  EVENT_RANK,
  sameGroup,
  toAlertRecord,
  toPollEvent,
  type AlertRow,
  type EventRow,
} from "./event-alert-rows.js";
import { figureWhere, type Cursor, type FigureFilter } from "./figure-where.js";
import { groupParts, rebuildSnapshot, type SampleParts } from "./rebuild-snapshot.js";
import type { AgentRow, DiskRow, FindingRow, SampleRow } from "./rebuild-snapshot.js";

export interface MysqlHistoryReaderOptions extends MysqlConnectionOptions {
  /** Rows fetched per query (keyset pagination; default 5000). */
  pageSize?: number;
  /** Samples fetched per query by figures() (default 20,000; disk rows 3× as many). */
  figuresPageSize?: number;
}

/** A page's disks and findings by "agent_id|ts" (see partsFor). */
const MIN_TIME = "1000-01-01 00:00:00.000";
/** Keys per query when fetching the newest samples of a figures() read. */
const KEYS_PER_QUERY = 500;
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
  private agents = new Map<number, AgentRow>();
  private readonly pageSize: number;
  private readonly figuresPageSize: number;
  private readonly queryTimeoutMs: number;

  constructor(private readonly options: MysqlHistoryReaderOptions) {
    assertDatabaseName(options.database);
    this.pageSize = Math.max(1, Math.floor(options.pageSize ?? 5000));
    this.figuresPageSize = Math.max(1, Math.floor(options.figuresPageSize ?? 20_000));
    this.queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
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
      await this.knowAgents(db, rows);
      const parts = await this.partsFor(db, bounds.agentId, rows);
      for (const row of rows) yield this.toSample(row, parts);
      if (rows.length < this.pageSize) return;
      cursor = { ts: last.ts, agentId: last.agent_id };
    }
  }

  /**
   * The samples' figures from their columns and disk_samples, without rebuilding snapshots: in
   * (ts, agent) order like samples(), so strictly in time order per agent. Disks come in mount
   * order (the snapshot's order is not stored). Per-core min/max only when the snapshot JSON is
   * stored, NaN otherwise. sample() gives the whole sample of each agent's newest figures once
   * the read has run to its end (fetched then, one query per 500 agents).
   */
  async *figures(range: TimeRange, agents?: ReadonlySet<string>): AsyncIterable<SampleFigures> {
    const db = this.knex();
    const bounds = await this.bounds(db, range);
    if (bounds === null) return;
    let agentIds: number[] | null = bounds.agentId === null ? null : [bounds.agentId];
    if (agents !== undefined) {
      await this.loadAgents(db);
      const named = new Set<number>();
      for (const [id, agent] of this.agents) if (agents.has(agent.name)) named.add(id);
      agentIds = agentIds === null ? [...named] : agentIds.filter((id) => named.has(id));
      if (agentIds.length === 0) return;
      agentIds.sort((a, b) => a - b);
    }
    const filter: FigureFilter = { from: bounds.from, to: bounds.to, agentIds };
    const size = this.figuresPageSize;
    const samples = new PageStream<FigureRow>((after) => this.figurePage(db, filter, after, size), size);
    // its own stream, so that both queries keep the server busy while pages are converted
    const diskPages = new PageStream<DiskFigureRow>(
      (after) => this.diskFigures(db, filter, after, size * 3),
      size * 3,
    );
    const disks = new DiskMerger(diskPages);
    const newest = new Map<number, MysqlFigures>();
    for (let rows = await samples.next(); rows !== null; rows = await samples.next()) {
      await this.knowAgentIds(db, rows);
      // one at a time: figures made ahead of the consumer would outlive the young generation
      for (const row of rows) {
        const agentId = row[1];
        const figures = new MysqlFigures(row, this.agentName(agentId));
        while (!disks.add(figures, agentId)) await disks.more();
        newest.set(agentId, figures);
        yield figures;
      }
    }
    await this.fetchNewest(db, newest);
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
      await this.knowAgents(db, page);
      for (const row of page) yield toPollEvent(row, this.agentName(row.agent_id));
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
      await this.knowAgents(
        db,
        rows.flatMap((row) => (row.agent_id === null ? [] : [{ agent_id: Number(row.agent_id) }])),
      );
      for (const row of rows) yield toAlertRecord(row, (id) => this.agentName(id));
      if (rows.length < this.pageSize) return;
      cursor = { ts: last.updated_at, id: Number(last.id) };
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db !== null) await destroyKnex(db);
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

  private async knowAgents(db: Knex, rows: ReadonlyArray<{ agent_id: number }>): Promise<void> {
    if (rows.every((row) => this.agents.has(row.agent_id))) return;
    await this.loadAgents(db);
  }

  /** knowAgents for rows of FIGURE_SELECT. */
  private async knowAgentIds(db: Knex, rows: readonly FigureRow[]): Promise<void> {
    if (rows.every((row) => this.agents.has(row[1]))) return;
    await this.loadAgents(db);
  }

  private async loadAgents(db: Knex): Promise<void> {
    const all = (await db("agents")
      .select("id", "name", "hostname", "os", "kernel", "arch", "platform", "agent_version")
      .timeout(this.queryTimeoutMs)) as AgentRow[];
    this.agents = new Map(all.map((agent) => [Number(agent.id), agent]));
  }

  private figurePage(
    db: Knex,
    filter: FigureFilter,
    after: FigureRow | null,
    limit: number,
  ): Promise<FigureRow[]> {
    const cursor = after === null ? null : { ts: toDbTime(after[0]) ?? MAX_TIME, agentId: after[1] };
    const { where, params } = figureWhere(filter, cursor);
    const sql = `SELECT ${FIGURE_SELECT} FROM samples WHERE ${where} ORDER BY ts, agent_id LIMIT ${limit}`;
    return selectRows<FigureRow>(db, sql, params, this.queryTimeoutMs);
  }

  /** Disk rows in the primary key's order (ts, agent_id, mount). */
  private diskFigures(
    db: Knex,
    filter: FigureFilter,
    after: DiskFigureRow | null,
    limit: number,
  ): Promise<DiskFigureRow[]> {
    const cursor =
      after === null ? null : { ts: toDbTime(after[0]) ?? MAX_TIME, agentId: after[1], mount: after[2] };
    const { where, params } = figureWhere(filter, cursor);
    const sql = `SELECT ${DISK_FIGURE_SELECT} FROM disk_samples WHERE ${where} ORDER BY ts, agent_id, mount LIMIT ${limit}`;
    return selectRows<DiskFigureRow>(db, sql, params, this.queryTimeoutMs);
  }

  /** Fetches the whole sample of each agent's newest figures and attaches it (MysqlFigures.sample). */
  private async fetchNewest(db: Knex, newest: ReadonlyMap<number, MysqlFigures>): Promise<void> {
    const keys = [...newest].map(([agentId, figures]) => ({ agentId, ts: toDbTime(figures.ts) ?? "" }));
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY);
      const select = (table: string, columns: string): Knex.QueryBuilder =>
        db(table)
          .select(columns)
          .where((q) => {
            for (const key of chunk)
              q.orWhere((q2) => {
                q2.where("agent_id", key.agentId).andWhere("ts", key.ts);
              });
          })
          .timeout(this.queryTimeoutMs);
      const rows = (await select("samples", "*")) as SampleRow[];
      const bare = rows.filter((row) => row.snapshot === null);
      let parts: SampleParts = { disks: new Map(), findings: new Map() };
      if (bare.length > 0) {
        const [diskRows, findingRows] = await Promise.all([
          select("disk_samples", "*").orderBy(["agent_id", "ts", "mount"]) as Promise<DiskRow[]>,
          select("security_findings", "*").orderBy(["agent_id", "ts", "seq"]) as Promise<FindingRow[]>,
        ]);
        parts = groupParts(bare, diskRows, findingRows);
      }
      await this.knowAgents(db, rows);
      for (const row of rows) {
        const figures = newest.get(Number(row.agent_id));
        if (figures !== undefined) attachSample(figures, this.toSample(row, parts));
      }
    }
  }

  private agentName(id: number): string {
    return this.agents.get(id)?.name ?? `agent#${id}`;
  }

  /** Disks and findings of the page's samples that have no snapshot JSON, by "agent_id|ts". */
  private async partsFor(db: Knex, agentId: number | null, rows: readonly SampleRow[]): Promise<SampleParts> {
    const wanted = rows.filter((row) => row.snapshot === null);
    const first = wanted[0];
    const last = wanted[wanted.length - 1];
    if (first === undefined || last === undefined) return { disks: new Map(), findings: new Map() };
    const span = (table: string): Knex.QueryBuilder => {
      const query = db(table).where("ts", ">=", first.ts).andWhere("ts", "<=", last.ts);
      if (agentId !== null) query.andWhere("agent_id", agentId);
      return query;
    };
    const diskRows = (await span("disk_samples")
      .select("*")
      .orderBy(["agent_id", "ts", "mount"])
      .timeout(this.queryTimeoutMs)) as DiskRow[];
    const findingRows = (await span("security_findings")
      .select("*")
      .orderBy(["agent_id", "ts", "seq"])
      .timeout(this.queryTimeoutMs)) as FindingRow[];
    return groupParts(wanted, diskRows, findingRows);
  }

  private toSample(row: SampleRow, parts: SampleParts): PollSample {
    const sample = {
      agent: this.agentName(row.agent_id),
      ts: fromDbTime(row.ts),
      duration_ms: Number(row.duration_ms),
    };
    if (row.snapshot !== null) {
      try {
        return { ...sample, snapshot: JSON.parse(row.snapshot) as MetricsSnapshot };
      } catch {
        // fall through: rebuild from the columns
      }
    }
    const key = `${row.agent_id}|${row.ts}`;
    return {
      ...sample,
      snapshot: rebuildSnapshot(
        row,
        this.agents.get(row.agent_id),
        parts.disks.get(key) ?? [],
        parts.findings.get(key) ?? [],
      ),
    };
  }
}
