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

/** One agent on the schedule: its poller (replaced when its config changes), next tick, running poll. */
interface Entry {
  poller: AgentPoller;
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
  /** Aborts this agent's running poll: at stop() after the grace, or when the agent is removed. */
  readonly cancel: AbortController;
}

/**
 * Polls every agent every interval at its own stable offset (no thundering herd), at most
 * `maxWorkers` at a time. An agent's tick is skipped while its previous poll still runs, so a
 * slow agent never overlaps itself, and it never holds the others: each poll has its own timeout,
 * bounded to end before the agent's next slot (see pollBudgetMs), so a hanging agent is still
 * polled on every tick.
 *
 * Agents can be added, removed and replaced while it runs (config reload): the slot of an agent
 * depends only on its name and the interval, so the others keep their schedule untouched.
 */
export class Scheduler {
  private readonly limiter: Limiter;
  private readonly entries = new Map<string, Entry>();
  private readonly budgetMs: number;
  private started = false;
  private stopped = false;
  readonly stats: SchedulerStats = { polls: 0, failures: 0, overruns: 0, lateness: [] };

  constructor(
    pollers: ReadonlyArray<AgentPoller>,
    private readonly intervalMs: number,
    maxWorkers: number,
    private readonly onOutcome: (outcome: PollOutcome) => void,
  ) {
    this.limiter = new Limiter(maxWorkers);
    this.budgetMs = pollBudgetMs(intervalMs);
    for (const poller of pollers) this.entries.set(poller.name, newEntry(poller));
  }

  get queued(): number {
    return this.limiter.queued;
  }

  /** The agents on the schedule now, in the order they were added. */
  get pollers(): AgentPoller[] {
    return [...this.entries.values()].map((entry) => entry.poller);
  }

  /** The lateness figures gathered since the last call. */
  takeLateness(): number[] {
    return this.stats.lateness.splice(0);
  }

  start(now = Date.now()): void {
    this.started = true;
    for (const entry of this.entries.values()) this.scheduleFirst(entry, now);
  }

  /** Puts a new agent on the schedule: its first poll comes at its next slot, within one interval. */
  add(poller: AgentPoller, now = Date.now()): void {
    if (this.entries.has(poller.name)) throw new Error(`agent ${poller.name} is already scheduled`);
    const entry = newEntry(poller);
    this.entries.set(poller.name, entry);
    if (this.started && !this.stopped) this.scheduleFirst(entry, now);
  }

  /**
   * Takes an agent off the schedule: no further tick; a poll of it still running is aborted and
   * records nothing. Resolves with its poller (to close) once that poll has settled.
   */
  async remove(name: string): Promise<AgentPoller | undefined> {
    const entry = this.entries.get(name);
    if (entry === undefined) return undefined;
    this.entries.delete(name);
    clearTimeout(entry.timer);
    entry.cancel.abort();
    await entry.inFlight;
    return entry.poller;
  }

  /**
   * Swaps the poller of a scheduled agent of the same name (its address or token changed): the
   * slot stays, the next tick uses the new poller. A poll of the old one still running finishes
   * and counts. Resolves with the old poller (to close) once that poll has settled.
   */
  async replace(poller: AgentPoller): Promise<AgentPoller> {
    const entry = this.entries.get(poller.name);
    if (entry === undefined) throw new Error(`agent ${poller.name} is not scheduled`);
    const old = entry.poller;
    entry.poller = poller;
    await entry.inFlight;
    return old;
  }

  /**
   * One poll of every agent, as fast as maxWorkers allows (--once); no next slot, so no bound.
   * Resolves with the outcomes of this cycle (an aborted poll has none).
   */
  async runOnce(): Promise<PollOutcome[]> {
    const outcomes: PollOutcome[] = [];
    await Promise.all(
      [...this.entries.values()].map((entry) =>
        this.pollNow(entry, Date.now(), undefined, (outcome) => outcomes.push(outcome)),
      ),
    );
    return outcomes;
  }

  /**
   * Stops ticking, drops polls still queued for a worker, waits up to `graceMs` for the running
   * ones, then aborts the rest. An aborted poll records nothing (no sample, no poll_error or down
   * event): being cut short at shutdown is not the agent's fault.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    const entries = [...this.entries.values()];
    for (const entry of entries) clearTimeout(entry.timer);
    const settled = Promise.allSettled(entries.map((entry) => entry.inFlight ?? Promise.resolve()));
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
    await Promise.race([settled, graceOver]);
    clearTimeout(graceTimer);
    for (const entry of entries) entry.cancel.abort();
    await settled;
  }

  private scheduleFirst(entry: Entry, now: number): void {
    // slots are aligned to the interval grid, so offsets stay stable across restarts and reloads
    const gridStart = now - (now % this.intervalMs);
    let slot = gridStart + pollOffsetMs(entry.poller.name, this.intervalMs);
    if (slot < now) slot += this.intervalMs;
    this.schedule(entry, slot);
  }

  private schedule(entry: Entry, slot: number): void {
    if (this.stopped || entry.cancel.signal.aborted) return;
    entry.timer = setTimeout(
      () => {
        entry.timer = undefined;
        this.schedule(entry, slot + this.intervalMs);
        if (entry.inFlight !== undefined) {
          this.stats.overruns++;
          return;
        }
        void this.pollNow(entry, slot, this.budgetMs);
      },
      Math.max(0, slot - Date.now()),
    );
  }

  private pollNow(
    entry: Entry,
    slot: number,
    timeoutMs: number | undefined,
    also?: (outcome: PollOutcome) => void,
  ): Promise<void> {
    const run = this.limiter
      .run(async () => {
        // queued behind max_workers when stop() came or the agent was removed: never started
        if (this.stopped || entry.cancel.signal.aborted) return null;
        if (this.stats.lateness.length < 1_000_000) this.stats.lateness.push(Date.now() - slot);
        return entry.poller.poll({ timeoutMs, signal: entry.cancel.signal });
      })
      .then((outcome) => {
        if (outcome === null) return;
        this.stats.polls++;
        if (outcome.error !== null) this.stats.failures++;
        this.onOutcome(outcome);
        also?.(outcome);
      })
      .finally(() => {
        if (entry.inFlight === run) entry.inFlight = undefined;
      });
    entry.inFlight = run;
    return run;
  }
}

function newEntry(poller: AgentPoller): Entry {
  return { poller, timer: undefined, inFlight: undefined, cancel: new AbortController() };
}
