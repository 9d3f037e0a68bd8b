import { fromDbTime } from "./connection.js";
import { agentInfoKey } from "./statements.js";
import type { AgentEventSummary, AgentSampleSummary } from "./statements.js";

/** What this process last wrote to an agents row, to skip rewriting it for every sample. */
interface KnownAgentRow {
  firstSeen: string;
  /** The sample time last written to last_seen / last_sample_at (epoch ms). */
  touchedMs: number;
  /** The metadata last written (agentInfoKey). */
  info: string;
  /** The row's state is what a sample sets (up, no failures, no error) and no event came since. */
  settled: boolean;
  /** The latest event time this process wrote for the agent ("" when none). */
  eventTs: string;
}

/**
 * The agents rows as this process last wrote them. A sample batch rewrites an agents row only
 * when it is stale (see isStale): rewriting every row of every batch would cost as much as
 * the samples themselves. Cleared at close, with the agent ids.
 */
export class AgentRows {
  private readonly rows = new Map<string, KnownAgentRow>();

  /** `touchIntervalMs`: how far last_seen / last_sample_at may lag the samples. */
  constructor(private readonly touchIntervalMs: number) {}

  /** Whether the agents row needs this batch's update: new metadata, a state to settle, or last_seen due. */
  isStale(summary: AgentSampleSummary): boolean {
    const known = this.rows.get(summary.name);
    return (
      known === undefined ||
      !known.settled ||
      summary.firstTs < known.firstSeen ||
      epochMs(summary.lastTs) - known.touchedMs >= this.touchIntervalMs ||
      agentInfoKey(summary.last) !== known.info
    );
  }

  /** The stale rows were rewritten from these summaries. */
  samplesWritten(stale: readonly AgentSampleSummary[]): void {
    for (const summary of stale) {
      const known = this.rows.get(summary.name);
      const eventTs = known?.eventTs ?? "";
      this.rows.set(summary.name, {
        firstSeen:
          known === undefined || summary.firstTs < known.firstSeen ? summary.firstTs : known.firstSeen,
        touchedMs: Math.max(known?.touchedMs ?? 0, epochMs(summary.lastTs)),
        info: agentInfoKey(summary.last),
        settled: summary.lastTs >= eventTs,
        eventTs,
      });
    }
  }

  /** Events changed these agents' state: the next sample must set it back. */
  eventsWritten(agents: ReadonlyMap<string, AgentEventSummary>): void {
    for (const [name, summary] of agents) {
      const known = this.rows.get(name);
      if (known === undefined) continue;
      known.settled = false;
      if (summary.lastTs > known.eventTs) known.eventTs = summary.lastTs;
    }
  }

  clear(): void {
    this.rows.clear();
  }
}

/** A DATETIME value (as toDbTime makes them) in epoch ms: once per agent and batch, not per sample. */
function epochMs(dbTime: string): number {
  return Date.parse(fromDbTime(dbTime));
}
