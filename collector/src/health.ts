import type { Scheduler } from "./polling/scheduler.js";
import type { StorageWriter, StoreLag } from "./delivery/index.js";

export interface HealthReport {
  pollsPerSecond: number;
  failures: number;
  overruns: number;
  up: number;
  down: number;
  latenessP99Ms: number;
  /** Records not yet in the store, by where they wait. */
  notStored: StoreLag;
  /** Records the store refused one by one, set aside since start. */
  deadLettered: number;
  /** Seconds the store has been away, when it is. */
  storeAwayS: number | undefined;
}

/** The collector's own health over the last period, from the scheduler and the writer. */
export class HealthMonitor {
  private lastPolls = 0;
  private lastFailures = 0;
  private lastOverruns = 0;
  private lastAt = Date.now();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly writer: StorageWriter,
  ) {}

  report(now = Date.now()): HealthReport {
    const { polls, failures, overruns } = this.scheduler.stats;
    const seconds = Math.max(0.001, (now - this.lastAt) / 1000);
    const lateness = this.scheduler.takeLateness().sort((a, b) => a - b);
    // the agents polled now: a reload adds and removes some
    const pollers = this.scheduler.pollers;
    const report: HealthReport = {
      pollsPerSecond: Math.round(((polls - this.lastPolls) / seconds) * 10) / 10,
      failures: failures - this.lastFailures,
      overruns: overruns - this.lastOverruns,
      up: pollers.filter((p) => p.state.health.state === "up").length,
      down: pollers.filter((p) => p.state.health.state === "down").length,
      latenessP99Ms: lateness[Math.floor(lateness.length * 0.99)] ?? 0,
      notStored: this.writer.lag,
      deadLettered: this.writer.stats.deadLettered,
      storeAwayS: since(this.writer.unavailableSince, now),
    };
    this.lastPolls = polls;
    this.lastFailures = failures;
    this.lastOverruns = overruns;
    this.lastAt = now;
    return report;
  }
}

export function formatHealth(r: HealthReport): string {
  return (
    `health: ${r.pollsPerSecond} polls/s, ${r.failures} failed, ${r.overruns} overruns, ` +
    `${r.up} up, ${r.down} down, start lateness p99 ${r.latenessP99Ms} ms, ` +
    `${formatNotStored(r.notStored)}${r.storeAwayS === undefined ? "" : ` (store away for ${r.storeAwayS} s)`}` +
    (r.deadLettered > 0 ? `, ${plural(r.deadLettered, "record")} set aside as dead letters` : "")
  );
}

/** "not yet stored: 12 records (12 in memory, 0 being written, 0 spooled)" — every record not durable in the store. */
export function formatNotStored(lag: StoreLag): string {
  const total = lag.inMemory + lag.inFlight + lag.spooledRecords;
  const spooled =
    lag.spooledBatches > 0
      ? `${lag.spooledRecords} spooled in ${plural(lag.spooledBatches, "batch", "batches")}`
      : "0 spooled";
  return `not yet stored: ${plural(total, "record")} (${lag.inMemory} in memory, ${lag.inFlight} being written, ${spooled})`;
}

function since(start: number | undefined, now: number): number | undefined {
  return start === undefined ? undefined : Math.round((now - start) / 1000);
}

/** `1 agent`, `2 agents`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
