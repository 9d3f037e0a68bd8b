export type Phase = "read" | "downsample" | "render" | "write";
export type PhaseTimes = Partial<Record<Phase, number>>;

/** Wall time spent per phase, summed over the calls (ms). */
export class PhaseTimer {
  readonly times: PhaseTimes = {};

  async time<T>(phase: Phase, task: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.add(phase, performance.now() - started);
    }
  }

  add(phase: Phase, ms: number): void {
    this.times[phase] = (this.times[phase] ?? 0) + ms;
  }
}
