import type { PollEvent } from "../storage/index.js";

export interface AgentHealth {
  name: string;
  state: "unknown" | "up" | "down";
  consecutiveFailures: number;
  lastSuccess: string | null;
  lastError: string | null;
  lastDurationMs: number | null;
}

/**
 * Up/down bookkeeping for one agent: down after `downAfter` consecutive failed polls, up again
 * at the first success. Returns the events to store: every failure, and each change of state.
 */
export class AgentState {
  readonly health: AgentHealth;

  constructor(
    name: string,
    private readonly downAfter: number,
    saved?: Partial<AgentHealth>,
  ) {
    this.health = {
      name,
      state: saved?.state ?? "unknown",
      consecutiveFailures: saved?.consecutiveFailures ?? 0,
      lastSuccess: saved?.lastSuccess ?? null,
      lastError: saved?.lastError ?? null,
      lastDurationMs: saved?.lastDurationMs ?? null,
    };
  }

  succeeded(ts: string, durationMs: number): PollEvent[] {
    const h = this.health;
    const events: PollEvent[] = [];
    if (h.state === "down") {
      events.push({
        agent: h.name,
        ts,
        kind: "up",
        error: null,
        consecutive_failures: h.consecutiveFailures,
        duration_ms: durationMs,
      });
    }
    h.state = "up";
    h.consecutiveFailures = 0;
    h.lastSuccess = ts;
    h.lastError = null;
    h.lastDurationMs = durationMs;
    return events;
  }

  failed(ts: string, durationMs: number, error: string): PollEvent[] {
    const h = this.health;
    h.consecutiveFailures++;
    h.lastError = error;
    h.lastDurationMs = durationMs;
    const base = {
      agent: h.name,
      ts,
      error,
      consecutive_failures: h.consecutiveFailures,
      duration_ms: durationMs,
    };
    const events: PollEvent[] = [{ ...base, kind: "poll_error" }];
    if (h.state !== "down" && h.consecutiveFailures >= this.downAfter) {
      h.state = "down";
      events.push({ ...base, kind: "down" });
    }
    return events;
  }
}
