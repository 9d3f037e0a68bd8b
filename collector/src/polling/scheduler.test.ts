import { describe, expect, it } from "vitest";
import type { AgentPoller, PollOutcome } from "./agent-poller.js";
import type { CallLimits } from "./client/agent-client.js";
import { PollError } from "./client/poll-error.js";
import { pollBudgetMs } from "./poll-budget.js";
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

interface HangingPoller {
  name: string;
  calls: number[];
  budgets: Array<number | undefined>;
  poll(limits?: CallLimits): Promise<PollOutcome | null>;
}

/**
 * An agent that never answers, behaving as AgentPoller over AgentClient does: it fails with a
 * timeout after min(its own timeout, the call's), and resolves null when the call is aborted.
 */
function hangingPoller(name: string, ownTimeoutMs: number): HangingPoller {
  const fake: HangingPoller = {
    name,
    calls: [],
    budgets: [],
    poll(limits = {}) {
      fake.calls.push(Date.now());
      fake.budgets.push(limits.timeoutMs);
      const timeoutMs = Math.min(ownTimeoutMs, limits.timeoutMs ?? Infinity);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          limits.signal?.removeEventListener("abort", onAbort);
          const error = new PollError("timeout", `timeout after ${timeoutMs} ms`);
          resolve({ agent: name, sample: null, events: [], durationMs: timeoutMs, error });
        }, timeoutMs);
        const onAbort = () => {
          clearTimeout(timer);
          resolve(null);
        };
        limits.signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
  return fake;
}

const hanging = (fakes: HangingPoller[]) => fakes as unknown as AgentPoller[];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("scheduler with timeout equal to poll_interval", () => {
  it("bounds a poll to end before the next slot: 5 % of the interval, at most 1 s", () => {
    expect(pollBudgetMs(30_000)).toBe(29_000);
    expect(pollBudgetMs(10_000)).toBe(9_500);
    expect(pollBudgetMs(200)).toBe(190);
  });

  it("polls a hanging agent on every tick, none skipped as an overrun", async () => {
    const interval = 200;
    const agent = hangingPoller("hung", interval);
    const outcomes: PollOutcome[] = [];
    const scheduler = new Scheduler(hanging([agent]), interval, 4, (o) => outcomes.push(o));
    scheduler.start();
    const giveUp = Date.now() + 15 * interval;
    while (agent.calls.length < 6 && Date.now() < giveUp) await sleep(20);
    await scheduler.stop(0);
    // six polls are five intervals; without the bound, every other tick is an overrun
    expect(agent.calls).toHaveLength(6);
    expect(scheduler.stats.overruns).toBe(0);
    const gaps = agent.calls.slice(1).map((t, i) => t - (agent.calls[i] ?? 0));
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(interval - 30);
      expect(gap).toBeLessThan(interval + 60);
    }
    expect(agent.budgets.every((budget) => budget === 190)).toBe(true);
    expect(outcomes).toHaveLength(5);
    expect(outcomes.every((o) => o.error?.message === "timeout after 190 ms")).toBe(true);
  });
});

describe("scheduler.stop", () => {
  it("waits out the grace for running polls, then aborts them and records nothing for them", async () => {
    const hung = hangingPoller("hung", 10_000);
    const quick = fakePoller("quick", 50);
    const outcomes: string[] = [];
    const scheduler = new Scheduler([...hanging([hung]), ...asPollers([quick])], 10_000, 4, (o) =>
      outcomes.push(o.agent),
    );
    const once = scheduler.runOnce();
    await sleep(10);
    const started = performance.now();
    await scheduler.stop(300);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(300 + 200);
    await once;
    // the quick poll finished within the grace and counts; the aborted one left no trace
    expect(outcomes).toEqual(["quick"]);
    expect(scheduler.stats.polls).toBe(1);
    expect(scheduler.stats.failures).toBe(0);
  });

  it("returns at once when no poll runs, and never starts a poll still queued for a worker", async () => {
    const first = hangingPoller("first", 10_000);
    const queued = hangingPoller("queued", 10_000);
    const outcomes: string[] = [];
    const scheduler = new Scheduler(hanging([first, queued]), 10_000, 1, (o) => outcomes.push(o.agent));
    const once = scheduler.runOnce();
    await sleep(10);
    expect(scheduler.queued).toBe(1);
    await scheduler.stop(50);
    await once;
    expect(first.calls).toHaveLength(1);
    expect(queued.calls).toHaveLength(0);
    expect(outcomes).toEqual([]);
    const started = performance.now();
    await scheduler.stop();
    expect(performance.now() - started).toBeLessThan(50);
  });
});
