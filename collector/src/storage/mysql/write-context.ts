import type { Knex } from "knex";
import type { AgentIds } from "./agent-ids.js";
import type { AgentRows } from "./agent-rows.js";
import { toDbTime } from "./connection.js";
import type { Operation } from "./statements.js";
import { runTransaction } from "./transaction.js";

/**
 * What the sample, event and alert writes share of the store: the agents caches (ids, and the
 * rows as last written, which samples and events both change), limits, warnings, the abort signal.
 */
export interface WriteContext {
  readonly agentIds: AgentIds;
  readonly agentRows: AgentRows;
  readonly queryTimeoutMs: number;
  /** Rows per statement (samples; their disks and findings take 4× as many). */
  readonly chunkRows: number;
  /** Characters per statement or LOAD DATA file. */
  readonly chunkBytes: number;
  warn(message: string): void;
  /** The store's abort signal of the moment: abort() replaces it, so it is read as each transaction starts. */
  signal(): AbortSignal;
}

const AGENT_NAME_MAX = 255;

/** Runs the operations as one transaction, bounded by the query timeout and the store's abort. */
export function transact(
  context: WriteContext,
  db: Knex,
  operations: ReadonlyArray<Iterable<Operation>>,
): Promise<void> {
  return runTransaction(db, operations, context.queryTimeoutMs, context.signal());
}

/**
 * The record's ts as a DATETIME value, or null (with a warning) when it cannot be stored at all:
 * such a record is dropped rather than failing its batch, which a replay could never get past.
 * The time is parsed once, by toDbTime: this runs for every record of every batch.
 */
export function checkRecord(context: WriteContext, agent: unknown, ts: unknown, what: string): string | null {
  if (typeof agent !== "string" || agent === "" || agent.length > AGENT_NAME_MAX) {
    context.warn(`MySQL: ${what} dropped: invalid agent name ${JSON.stringify(agent)}`);
    return null;
  }
  const value = typeof ts === "string" || typeof ts === "number" ? toDbTime(ts) : null;
  if (value === null) context.warn(`MySQL: ${what} of ${agent} dropped: invalid ts ${JSON.stringify(ts)}`);
  return value;
}

/**
 * Records in time order (DATETIME values compare as strings). Array.prototype.sort is stable, so
 * records of the same time keep their order in the batch: a "poll_error" and the "down" it causes
 * share their ts.
 */
export function byTime(a: { ts: string }, b: { ts: string }): number {
  return a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0;
}
