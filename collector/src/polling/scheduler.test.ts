import { describe, expect, it } from "vitest";
import type { AgentPoller, PollOutcome } from "./agent-poller.js";
import { Scheduler } from "./scheduler.js";

interface FakePoller {
  name: string;
  calls: number[];
  poll(): Promise<PollOutcome>;
}

let concurrent = 0;
let peak = 0;

function fakePoller(name: string, durationMs: number): FakePoller {
  const fake: FakePoller = {
    name,
    calls: [],
    async poll() {
      fake.calls.push(Date.now());
      concurrent++;
      peak = Math.max(peak, concurrent);
      await new Promise((resolve) => setTimeout(resolve, durationMs));
      concurrent--;
      return { agent: name, sample: null, events: [], durationMs, error: null };
    },
  };
  return fake;
}

const asPollers = (fakes: FakePoller[]) => fakes as unknown as AgentPoller[];

describe("scheduler", () => {
  it("polls each agent once per interval, and a slow agent never overlaps itself nor delays the others", async () => {
    const slow = fakePoller("slow", 250);
    const fast = Array.from({ length: 5 }, (_, i) => fakePoller(`fast-${i}`, 5));
    const outcomes: string[] = [];
    const scheduler = new Scheduler(asPollers([slow, ...fast]), 100, 4, (o) => outcomes.push(o.agent));
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 620));
    await scheduler.stop();
    for (const f of fast) expect(f.calls.length).toBeGreaterThanOrEqual(5);
    expect(slow.calls.length).toBeLessThanOrEqual(3);
    expect(scheduler.stats.overruns).toBeGreaterThan(0);
    const gaps = slow.calls.slice(1).map((t, i) => t - (slow.calls[i] ?? 0));
    expect(gaps.every((gap) => gap >= 240)).toBe(true);
    expect(outcomes.length).toBe(scheduler.stats.polls);
  });

  it("runs at most max_workers polls at once", async () => {
    peak = 0;
    const fakes = Array.from({ length: 12 }, (_, i) => fakePoller(`a${i}`, 20));
    const scheduler = new Scheduler(asPollers(fakes), 10_000, 3, () => {});
    await scheduler.runOnce();
    expect(peak).toBe(3);
    expect(fakes.every((f) => f.calls.length === 1)).toBe(true);
    expect(scheduler.takeLateness()).toHaveLength(12);
    expect(scheduler.takeLateness()).toHaveLength(0);
  });
});
