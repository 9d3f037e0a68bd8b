import type { AgentPoller } from "./polling/agent-poller.js";
import type { Scheduler } from "./polling/scheduler.js";
import type { StorageWriter } from "./storage/storage-writer.js";

export interface HealthReport {
  pollsPerSecond: number;
  failures: number;
  overruns: number;
  up: number;
  down: number;
  latenessP99Ms: number;
  storeLagRecords: number;
  spooledBatches: number;
}

/** The collector's own health over the last period, from the scheduler and the writer. */
export class HealthMonitor {
  private lastPolls = 0;
  private lastFailures = 0;
  private lastOverruns = 0;
  private lastAt = Date.now();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly pollers: ReadonlyArray<AgentPoller>,
    private readonly writer: StorageWriter,
  ) {}

  report(now = Date.now()): HealthReport {
    const { polls, failures, overruns } = this.scheduler.stats;
    const seconds = Math.max(0.001, (now - this.lastAt) / 1000);
    const lateness = this.scheduler.takeLateness().sort((a, b) => a - b);
    const report: HealthReport = {
      pollsPerSecond: Math.round(((polls - this.lastPolls) / seconds) * 10) / 10,
      failures: failures - this.lastFailures,
      overruns: overruns - this.lastOverruns,
      up: this.pollers.filter((p) => p.state.health.state === "up").length,
      down: this.pollers.filter((p) => p.state.health.state === "down").length,
      latenessP99Ms: lateness[Math.floor(lateness.length * 0.99)] ?? 0,
      storeLagRecords: this.writer.lag.records,
      spooledBatches: this.writer.lag.spooledBatches,
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
    `store lag ${r.storeLagRecords} records + ${r.spooledBatches} spooled batches`
  );
}
