import type { AgentPoller, PollOutcome } from "./agent-poller.js";
import { Limiter } from "./limiter.js";
import { pollBudgetMs } from "./poll-budget.js";
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
 * How long stop() lets running polls finish before aborting them. SIGTERM has ~10 s (systemd's
 * default before SIGKILL) and the storage flush after stop needs most of it.
 */
export const STOP_GRACE_MS = 1_000;

/**
 * Polls every agent every interval at its own stable offset (no thundering herd), at most
 * `maxWorkers` at a time. An agent's tick is skipped while its previous poll still runs, so a
 * slow agent never overlaps itself, and it never holds the others: each poll has its own timeout,
 * bounded to end before the agent's next slot (see pollBudgetMs), so a hanging agent is still
 * polled on every tick.
 */
export class Scheduler {
  private readonly limiter: Limiter;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Map<AgentPoller, Promise<void>>();
  /** Aborted by stop() once the grace is over: cancels the polls still running. */
  private readonly shutdown = new AbortController();
  private readonly budgetMs: number;
  private stopped = false;
  readonly stats: SchedulerStats = { polls: 0, failures: 0, overruns: 0, lateness: [] };

  constructor(
    private readonly pollers: ReadonlyArray<AgentPoller>,
    private readonly intervalMs: number,
    maxWorkers: number,
    private readonly onOutcome: (outcome: PollOutcome) => void,
  ) {
    this.limiter = new Limiter(maxWorkers);
    this.budgetMs = pollBudgetMs(intervalMs);
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

  /** One poll of every agent, as fast as maxWorkers allows (--once); no next slot, so no bound. */
  async runOnce(): Promise<void> {
    await Promise.all(this.pollers.map((poller) => this.pollNow(poller, Date.now(), undefined)));
  }

  /**
   * Stops ticking, drops polls still queued for a worker, waits up to `graceMs` for the running
   * ones, then aborts the rest. An aborted poll records nothing (no sample, no poll_error or down
   * event): being cut short at shutdown is not the agent's fault.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const settled = Promise.allSettled(this.inFlight.values());
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
    await Promise.race([settled, graceOver]);
    clearTimeout(graceTimer);
    this.shutdown.abort();
    await settled;
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
        void this.pollNow(poller, slot, this.budgetMs);
      },
      Math.max(0, slot - Date.now()),
    );
    this.timers.add(timer);
  }

  private pollNow(poller: AgentPoller, slot: number, timeoutMs: number | undefined): Promise<void> {
    const run = this.limiter
      .run(async () => {
        // queued behind max_workers when stop() came: never started, nothing to record
        if (this.stopped) return null;
        if (this.stats.lateness.length < 1_000_000) this.stats.lateness.push(Date.now() - slot);
        return poller.poll({ timeoutMs, signal: this.shutdown.signal });
      })
      .then((outcome) => {
        if (outcome === null) return;
        this.stats.polls++;
        if (outcome.error !== null) this.stats.failures++;
        this.onOutcome(outcome);
      })
      .finally(() => this.inFlight.delete(poller));
    this.inFlight.set(poller, run);
    return run;
  }
}
