import type { Knex } from "knex";
import type { MetricsSnapshot } from "../../../../common/src/contract/protocol.js";
import type { PollSample } from "../records.js";
import type { AgentDirectory } from "./agent-directory.js";
import { fromDbTime } from "./connection.js";
import { groupParts, rebuildSnapshot, type SampleParts } from "./rebuild-snapshot.js";
import type { DiskRow, FindingRow, SampleRow } from "./rebuild-snapshot.js";

/** Keys per query of samplesAtKeys. */
const KEYS_PER_QUERY = 500;

/**
 * Whole samples from samples rows: from the stored snapshot JSON when there is one, else
 * rebuilt from the columns, the sample's disk rows and its security findings.
 */
export class WholeSamples {
  constructor(
    private readonly agents: AgentDirectory,
    private readonly timeoutMs: number,
  ) {}

  /** The samples at these (agent id, ts) keys, a query per 500 keys; keys not found are left out. */
  async at(db: Knex, keys: ReadonlyArray<{ agentId: number; ts: string }>): Promise<PollSample[]> {
    const found: PollSample[] = [];
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY);
      const select = (table: string): Knex.QueryBuilder =>
        db(table)
          .select("*")
          .where((q) => {
            for (const key of chunk)
              q.orWhere((q2) => {
                q2.where("agent_id", key.agentId).andWhere("ts", key.ts);
              });
          })
          .timeout(this.timeoutMs);
      const rows = (await select("samples")) as SampleRow[];
      const bare = rows.filter((row) => row.snapshot === null);
      let parts: SampleParts = { disks: new Map(), findings: new Map() };
      if (bare.length > 0) {
        const [diskRows, findingRows] = await Promise.all([
          select("disk_samples").orderBy(["agent_id", "ts", "mount"]) as Promise<DiskRow[]>,
          select("security_findings").orderBy(["agent_id", "ts", "seq"]) as Promise<FindingRow[]>,
        ]);
        parts = groupParts(bare, diskRows, findingRows);
      }
      await this.agents.know(
        db,
        rows.map((row) => row.agent_id),
      );
      for (const row of rows) found.push(this.toSample(row, parts));
    }
    return found;
  }

  /** Disks and findings of a page's samples that have no snapshot JSON, by "agent_id|ts". */
  async partsFor(db: Knex, agentId: number | null, rows: readonly SampleRow[]): Promise<SampleParts> {
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
      .timeout(this.timeoutMs)) as DiskRow[];
    const findingRows = (await span("security_findings")
      .select("*")
      .orderBy(["agent_id", "ts", "seq"])
      .timeout(this.timeoutMs)) as FindingRow[];
    return groupParts(wanted, diskRows, findingRows);
  }

  toSample(row: SampleRow, parts: SampleParts): PollSample {
    const sample = {
      agent: this.agents.name(row.agent_id),
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
        this.agents.row(row.agent_id),
        parts.disks.get(key) ?? [],
        parts.findings.get(key) ?? [],
      ),
    };
  }
}
