import type { MetricsSnapshot } from "../../../common/src/contract/protocol.js";
import type { PollEvent, PollEventKind, PollSample } from "../../src/storage/records.js";

/** Builders for the evaluator's tests (partial families, as a third-party agent may send). */

export const T0 = new Date("2026-11-22T06:00:00.000Z");

/** T0 + seconds. */
export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export type SnapshotParts = Partial<Record<keyof MetricsSnapshot, unknown>>;

export function snapshot(parts: SnapshotParts = {}): MetricsSnapshot {
  return {
    timestamp: T0.toISOString(),
    agent: { name: "x" },
    collector_status: [],
    ...parts,
  } as MetricsSnapshot;
}

export function sample(agent: string, parts: SnapshotParts, when: Date = T0): PollSample {
  return { agent, ts: when.toISOString(), duration_ms: 5, snapshot: snapshot(parts) };
}

export const cpu = (usage: number | null | undefined): SnapshotParts => ({ cpu: { usage_percent: usage } });
export const disks = (usage: Record<string, number>): SnapshotParts => ({
  disks: Object.entries(usage).map(([mount, usage_percent]) => ({ mount, usage_percent })),
});

export function event(
  agent: string,
  kind: PollEventKind,
  failures: number,
  when: Date = T0,
  error: string | null = kind === "up" ? null : "timeout",
): PollEvent {
  return { agent, ts: when.toISOString(), kind, error, consecutive_failures: failures, duration_ms: 10_000 };
}
