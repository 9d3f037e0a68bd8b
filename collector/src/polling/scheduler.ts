import type { AgentPoller, PollOutcome } from "./agent-poller.js";
import { Limiter } from "./limiter.js";
import { pollOffsetMs } from "./shard.js";

export interface SchedulerStats {
  polls: number;
  failures: number;
  /** Ticks skipped because the agent's previous poll was still running. */
  overruns: number;
  /** How late polls started against their slot, ms (reset by takeLateness). */
  lateness: number[];
}

/**
 * Polls every agent every interval at its own stable offset (no thundering herd), at most
 * `maxWorkers` at a time. An agent's tick is skipped while its previous poll still runs, so a
 * slow agent never overlaps itself, and it never holds the others: each poll has its own timeout.
 */
export class Scheduler {
  private readonly limiter: Limiter;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Map<AgentPoller, Promise<void>>();
  private stopped = false;
  readonly stats: SchedulerStats = { polls: 0, failures: 0, overruns: 0, lateness: [] };

  constructor(
    private readonly pollers: ReadonlyArray<AgentPoller>,
    private readonly intervalMs: number,
    maxWorkers: number,
    private readonly onOutcome: (outcome: PollOutcome) => void,
  ) {
    this.limiter = new Limiter(maxWorkers);
  }

  get queued(): number {
    return this.limiter.queued;
  }

  /** The lateness figures gathered since the last call. */
  takeLateness(): number[] {
    return this.stats.lateness.splice(0);
  }

  start(now = Date.now()): void {
    // slots are aligned to the interval grid, so offsets stay stable across restarts
    const gridStart = now - (now % this.intervalMs);
    for (const poller of this.pollers) {
      let slot = gridStart + pollOffsetMs(poller.name, this.intervalMs);
      if (slot < now) slot += this.intervalMs;
      this.schedule(poller, slot);
    }
  }

  /** One poll of every agent, as fast as maxWorkers allows (--once). */
  async runOnce(): Promise<void> {
    await Promise.all(this.pollers.map((poller) => this.pollNow(poller, Date.now())));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled(this.inFlight.values());
  }

  private schedule(poller: AgentPoller, slot: number): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.schedule(poller, slot + this.intervalMs);
        if (this.inFlight.has(poller)) {
          this.stats.overruns++;
          return;
        }
        void this.pollNow(poller, slot);
      },
      Math.max(0, slot - Date.now()),
    );
    this.timers.add(timer);
  }

  private pollNow(poller: AgentPoller, slot: number): Promise<void> {
    const run = this.limiter
      .run(() => {
        if (this.stats.lateness.length < 1_000_000) this.stats.lateness.push(Date.now() - slot);
        return poller.poll();
      })
      .then((outcome) => {
        this.stats.polls++;
        if (outcome.error !== null) this.stats.failures++;
        this.onOutcome(outcome);
      })
      .finally(() => this.inFlight.delete(poller));
    this.inFlight.set(poller, run);
    return run;
  }
}
