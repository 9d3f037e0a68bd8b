import type { MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import type { AlertRecord, PollEvent, PollSample, Store } from "../../../collector/src/storage/index.js";
import { makeSnapshot } from "../../../common/src/contract/example-snapshot.js";

export interface SyntheticOptions {
  agents: number;
  /** Range, epoch ms. */
  from: number;
  to: number;
  intervalMs: number;
  /** Agent names: `${prefix}-01` ... (default "web"). */
  prefix?: string;
}

/**
 * A believable history for demos, tests and benchmarks: daily CPU and memory waves with noise,
 * slowly filling disks, every fourth agent without a temperature sensor, the second agent down
 * for an hour in the middle of the range, the last one down at the end, the first one under
 * SSH brute force, with the matching down/up events and alerts.
 */
export class SyntheticHistory {
  readonly names: string[];

  constructor(private readonly options: SyntheticOptions) {
    const prefix = options.prefix ?? "web";
    this.names = Array.from(
      { length: options.agents },
      (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}`,
    );
  }

  /** Whether agent i answered at time t. */
  isUp(i: number, t: number): boolean {
    const { from, to } = this.options;
    const middle = from + (to - from) / 2;
    if (i === 1 && this.options.agents > 2 && t >= middle && t < middle + 3_600_000) return false;
    if (i === this.options.agents - 1 && this.options.agents > 1 && t >= to - 15 * 60_000) return false;
    return true;
  }

  /** Samples in time order, in batches as the collector writes them. */
  *sampleBatches(batchSize = 1000): Generator<PollSample[]> {
    const { from, to, intervalMs } = this.options;
    let batch: PollSample[] = [];
    let seed = 0;
    for (let t = from; t < to; t += intervalMs) {
      for (let i = 0; i < this.names.length; i++) {
        const at = t + ((i * 137) % intervalMs);
        if (at >= to || !this.isUp(i, at)) continue;
        const ts = new Date(at).toISOString();
        batch.push({
          agent: this.names[i]!,
          ts,
          duration_ms: 3 + (seed % 20),
          snapshot: this.snapshot(i, at, seed++),
        });
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  events(): PollEvent[] {
    const events: PollEvent[] = [];
    const { from, to, intervalMs } = this.options;
    for (let i = 0; i < this.names.length; i++) {
      let up = true;
      for (let t = from; t < to; t += intervalMs) {
        const now = this.isUp(i, t);
        if (now === up) continue;
        up = now;
        events.push({
          agent: this.names[i]!,
          ts: new Date(t + 3 * intervalMs).toISOString(),
          kind: now ? "up" : "down",
          error: now ? null : "timeout",
          consecutive_failures: now ? 0 : 3,
          duration_ms: now ? 4 : 5000,
        });
      }
    }
    return events.sort((a, b) => a.ts.localeCompare(b.ts));
  }

  alerts(): AlertRecord[] {
    const { from, to } = this.options;
    const at = (fraction: number) => new Date(from + (to - from) * fraction).toISOString();
    const first = this.names[0]!;
    const records: AlertRecord[] = [];
    const record = (
      kind: AlertRecord["kind"],
      ts: string,
      agent: string,
      metric: AlertRecord["alert"]["metric"],
      severity: "warning" | "critical",
      value: number,
      threshold: number,
      state: "firing" | "resolved",
      started: string,
    ) =>
      records.push({
        ts,
        kind,
        message: `${agent} ${metric} ${kind}: ${value} (threshold ${threshold})`,
        alert: {
          id: `${agent}/${metric}/${Date.parse(started)}`,
          key: `${agent}/${metric}`,
          agent,
          metric,
          severity,
          state,
          value,
          threshold,
          started_at: started,
          resolved_at: state === "resolved" ? ts : null,
          last_notified_at: ts,
        },
      });
    record("firing", at(0.3), first, "cpu_usage", "warning", 86.5, 80, "firing", at(0.3));
    record("escalated", at(0.32), first, "cpu_usage", "critical", 96.1, 95, "firing", at(0.3));
    record("resolved", at(0.4), first, "cpu_usage", "critical", 41.2, 95, "resolved", at(0.3));
    record("firing", at(0.9), first, "security_issues", "warning", 1, 1, "firing", at(0.9));
    if (this.names.length > 1) {
      const last = this.names[this.names.length - 1]!;
      const down = new Date(to - 14 * 60_000).toISOString();
      record("firing", down, last, "agent_down", "critical", 3, 3, "firing", down);
    }
    return records;
  }

  /** Writes the whole history into a store, as the collector would have. */
  async writeTo(store: Store, onBatch?: (written: number) => void): Promise<number> {
    let written = 0;
    for (const batch of this.sampleBatches()) {
      await store.writeSamples(batch);
      written += batch.length;
      onBatch?.(written);
    }
    await store.writeEvents(this.events());
    await store.writeAlerts(this.alerts());
    await store.flush();
    return written;
  }

  private snapshot(i: number, t: number, seed: number): MetricsSnapshot {
    const s = makeSnapshot(this.names[i]!, new Date(t).toISOString(), seed);
    const day = ((t % 86_400_000) / 86_400_000) * 2 * Math.PI;
    const noise = (k: number) => ((Math.sin(seed * 12.9898 + k * 78.233) * 43_758.5453) % 1) * 0.5 + 0.5;
    const wave = (base: number, amplitude: number, k: number) =>
      round(Math.min(100, Math.max(0, base + amplitude * Math.sin(day + i) + 8 * noise(k))));
    const cpu = wave(25 + (i % 5) * 8, 20, 1);
    s.cpu = {
      ...s.cpu!,
      usage_percent: cpu,
      per_core_percent: s.cpu!.per_core_percent.map((_, k) => wave(cpu - 10, 25, k + 10)),
    };
    s.load = {
      load_1: round((cpu / 100) * 8 * noise(2)),
      load_5: round((cpu / 100) * 6),
      load_15: round((cpu / 100) * 5),
    };
    s.memory = {
      ...s.memory!,
      usage_percent: wave(40 + (i % 3) * 10, 10, 3),
      swap_percent: round(5 + 3 * noise(4)),
      // the page cache fills what the applications leave, as on a long-running host
      cached_bytes: Math.round(s.memory!.total_bytes * (0.3 + 0.1 * noise(5))),
      buffers_bytes: Math.round(s.memory!.total_bytes * 0.02),
    };
    const fill = (t - this.options.from) / Math.max(1, this.options.to - this.options.from);
    s.disks = s.disks!.map((disk, k) => ({
      ...disk,
      usage_percent: round(Math.min(99, disk.usage_percent * (k === 0 ? 1 : 0.9) + 10 * fill)),
    }));
    s.network = {
      ...s.network!,
      rx_bytes_per_s: round(2e6 * noise(5) * (1 + Math.sin(day))),
      tx_bytes_per_s: round(6e5 * noise(6)),
    };
    if (i % 4 === 3) s.temperature = { cpu_celsius: null, max_celsius: null, sensors: [] };
    else s.temperature = { ...s.temperature!, cpu_celsius: round(40 + cpu / 3 + 2 * noise(7)) };
    if (i !== 0)
      s.security = {
        ...s.security!,
        status: "ok",
        issue_count: 0,
        ssh_failed_logins: { window_s: 900, total: 0, sources: [] },
      };
    return s;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
