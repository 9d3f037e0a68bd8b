import type { Knex } from "knex";
import type { AgentIds } from "./agent-ids.js";
import { toDbTime } from "./connection.js";
import type { Operation } from "./statements.js";
import { runTransaction } from "./transaction.js";

/** What the sample, event and alert writes share of the store: agent ids, limits, warnings, the abort signal. */
export interface WriteContext {
  readonly agentIds: AgentIds;
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
 * The record's ts as a DATETIME value and epoch ms, or null (with a warning) when it cannot be
 * stored at all: such a record is dropped rather than failing its batch, which a replay could
 * never get past.
 */
export function checkRecord(
  context: WriteContext,
  agent: unknown,
  ts: unknown,
  what: string,
): { ts: string; ms: number } | null {
  if (typeof agent !== "string" || agent === "" || agent.length > AGENT_NAME_MAX) {
    context.warn(`MySQL: ${what} dropped: invalid agent name ${JSON.stringify(agent)}`);
    return null;
  }
  const ms = typeof ts === "string" ? Date.parse(ts) : typeof ts === "number" ? ts : Number.NaN;
  const value = typeof ts === "string" || typeof ts === "number" ? toDbTime(ts) : null;
  if (value === null || !Number.isFinite(ms)) {
    context.warn(`MySQL: ${what} of ${agent} dropped: invalid ts ${JSON.stringify(ts)}`);
    return null;
  }
  return { ts: value, ms };
}
