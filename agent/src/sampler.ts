import { setImmediate as yieldToLoop } from "node:timers/promises";
import { DEFAULT_SNAPSHOT_LIMITS, boundSnapshot } from "./limits/bound-snapshot.js";
import type { SnapshotLimits } from "./limits/bound-snapshot.js";
import type { FamilyCollector } from "./metrics/family.js";
import type {
  AgentInfo,
  FamilyStatus,
  MetricFamily,
  MetricsSnapshot,
} from "../../common/src/contract/protocol.js";
import { METRIC_FAMILIES } from "../../common/src/contract/protocol.js";

export interface SamplerOptions {
  collectors: FamilyCollector[];
  enabled: Readonly<Record<MetricFamily, boolean>>;
  intervalMs: number;
  agentInfo(): AgentInfo;
  /** How long each list of the snapshot may be (config `limits`). Default DEFAULT_SNAPSHOT_LIMITS. */
  limits?: SnapshotLimits;
  /** A family taking longer than this is reported as failed for that sample. */
  familyTimeoutMs?: number;
  onSampleError?(family: MetricFamily, error: Error): void;
}

/** The first snapshot shows since-boot averages; the second one, this soon after start, real deltas. */
const FIRST_DELTA_MS = 1_000;

/**
 * Samples every enabled family in the background and keeps the latest snapshot, so that a
 * get_metrics call never waits on the system. Families run one after another with a yield to
 * the event loop between them; a failing family is left out and reported in collector_status.
 */
export class Sampler {
  private snapshot: MetricsSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly lastErrors = new Map<MetricFamily, string>();
  private readonly byFamily: Map<MetricFamily, FamilyCollector>;
  private enabled: Readonly<Record<MetricFamily, boolean>>;

  constructor(private readonly options: SamplerOptions) {
    this.byFamily = new Map(options.collectors.map((collector) => [collector.family, collector]));
    this.enabled = options.enabled;
  }

  /** A reloaded config's `metrics.enable_*`: the next sample takes (or leaves out) those families. */
  setEnabled(enabled: Readonly<Record<MetricFamily, boolean>>): void {
    this.enabled = enabled;
  }

  /** A family's collector made anew (its options changed); a sample already running keeps the old one. */
  replaceCollector(collector: FamilyCollector): void {
    this.byFamily.set(collector.family, collector);
  }

  latest(): MetricsSnapshot | undefined {
    return this.snapshot;
  }

  /** Takes the first sample, then keeps sampling every interval until stop(). */
  async start(): Promise<void> {
    await this.sampleOnce();
    this.schedule(Math.min(FIRST_DELTA_MS, this.options.intervalMs));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  async sampleOnce(): Promise<MetricsSnapshot> {
    const enabled = this.enabled;
    const statuses: FamilyStatus[] = [];
    const snapshot: MetricsSnapshot = {
      timestamp: new Date().toISOString(),
      agent: this.options.agentInfo(),
      collector_status: statuses,
    };
    for (const family of METRIC_FAMILIES) {
      const collector = this.byFamily.get(family);
      if (!enabled[family] || collector === undefined) {
        statuses.push({
          name: family,
          ok: false,
          duration_ms: 0,
          error: enabled[family] ? "unsupported" : "disabled",
        });
        continue;
      }
      const started = performance.now();
      try {
        Object.assign(snapshot, await this.withTimeout(collector.collect(), family));
        statuses.push({ name: family, ok: true, duration_ms: elapsed(started), error: null });
        this.lastErrors.delete(family);
      } catch (cause) {
        const error = cause instanceof Error ? cause : new Error(String(cause));
        statuses.push({ name: family, ok: false, duration_ms: elapsed(started), error: error.message });
        if (this.lastErrors.get(family) !== error.message) this.options.onSampleError?.(family, error);
        this.lastErrors.set(family, error.message);
      }
      await yieldToLoop();
    }
    const bounded = boundSnapshot(snapshot, this.options.limits ?? DEFAULT_SNAPSHOT_LIMITS);
    this.snapshot = bounded;
    return bounded;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      void this.sampleOnce().finally(() => {
        this.schedule(Math.max(0, this.options.intervalMs - (Date.now() - started)));
      });
    }, delayMs);
    this.timer.unref();
  }

  private withTimeout<T>(work: Promise<T>, family: MetricFamily): Promise<T> {
    const limit = this.options.familyTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${family} did not answer within ${limit} ms`)), limit);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
