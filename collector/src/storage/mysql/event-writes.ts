import type { Knex } from "knex";
import type { PollEvent } from "../records.js";
import { insertStatements } from "./encoding.js";
import { EVENT_COLUMNS, eventRow } from "./rows.js";
import { agentEventUpdates, columnList } from "./statements.js";
import type { AgentEventSummary } from "./statements.js";
import { byTime, checkRecord, transact, type WriteContext } from "./write-context.js";

/**
 * Writes poll events, and each agent's state after them to its agents row, in one transaction;
 * the agents-row cache then knows that a sample must set those rows back.
 */
export async function writeEvents(
  context: WriteContext,
  db: Knex,
  events: ReadonlyArray<PollEvent>,
): Promise<void> {
  const valid: Array<{ event: PollEvent; ts: string }> = [];
  const firstTs = new Map<string, { firstTs: string }>();
  for (const event of events) {
    const ts = checkRecord(context, event.agent, event.ts, "event");
    if (ts === null) continue;
    valid.push({ event, ts });
    const first = firstTs.get(event.agent);
    if (first === undefined || ts < first.firstTs) firstTs.set(event.agent, { firstTs: ts });
  }
  if (valid.length === 0) return;
  await context.agentIds.resolve(db, firstTs);

  // each agent's state after its events, taken in time order
  valid.sort(byTime);
  const lines: string[] = [];
  const agents = new Map<string, AgentEventSummary>();
  for (const { event, ts } of valid) {
    const id = context.agentIds.get(event.agent) as number;
    lines.push(eventRow(id, ts, event));
    let summary = agents.get(event.agent);
    if (summary === undefined) {
      summary = { id, firstTs: ts, lastTs: ts, state: null, failures: 0, error: null };
      agents.set(event.agent, summary);
    }
    followEvent(summary, event, ts);
  }
  const head = `INSERT IGNORE INTO poll_events (${columnList(EVENT_COLUMNS)})`;
  await transact(context, db, [
    insertStatements(head, lines, context.chunkRows, context.chunkBytes).map((sql) => ({ sql })),
    agentEventUpdates([...agents.values()], context.chunkRows).map((sql) => ({ sql })),
  ]);
  context.agentRows.eventsWritten(agents);
}

/** The agent's state once `event` (the latest so far) happened. */
function followEvent(summary: AgentEventSummary, event: PollEvent, ts: string): void {
  summary.lastTs = ts;
  if (event.kind === "up") {
    summary.state = "up";
    summary.failures = 0;
    summary.error = null;
  } else {
    if (event.kind === "down") summary.state = "down";
    summary.failures = event.consecutive_failures;
    summary.error = event.error;
  }
}
