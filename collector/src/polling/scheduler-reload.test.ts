import { describe, expect, it } from "vitest";
import type { AgentPoller, PollOutcome } from "./agent-poller.js";
import type { CallLimits } from "./client/agent-client.js";
import { Scheduler } from "./scheduler.js";

/** An agent answering after `durationMs`, or resolving null when its poll is aborted (as AgentPoller does). */
function agent(name: string, durationMs = 5) {
  const fake = {
    name,
    calls: [] as number[],
    aborted: 0,
    poll(limits: CallLimits = {}): Promise<PollOutcome | null> {
      fake.calls.push(Date.now());
      return new Promise((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          fake.aborted++;
          resolve(null);
        };
        const timer = setTimeout(() => {
          limits.signal?.removeEventListener("abort", onAbort);
          resolve({ agent: name, sample: null, events: [], durationMs, error: null });
        }, durationMs);
        limits.signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
  return fake;
}
type Fake = ReturnType<typeof agent>;
const asPoller = (fake: Fake) => fake as unknown as AgentPoller;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("scheduler changed while it runs", () => {
  it("adds an agent on its slot within one interval, and leaves the others' slots alone", async () => {
    const interval = 200;
    const kept = agent("kept");
    const outcomes: string[] = [];
    const scheduler = new Scheduler([asPoller(kept)], interval, 4, (o) => outcomes.push(o.agent));
    scheduler.start();
    await sleep(interval * 2 + 50);
    const keptBefore = [...kept.calls];
    const added = agent("added");
    const addedAt = Date.now();
    scheduler.add(asPoller(added));
    await sleep(interval * 3);
    await scheduler.stop(0);
    expect(added.calls.length).toBeGreaterThanOrEqual(2);
    expect((added.calls[0] ?? Infinity) - addedAt).toBeLessThan(interval + 30);
    // the kept agent's polls stay one interval apart, across the add
    const gaps = kept.calls.slice(1).map((t, i) => t - (kept.calls[i] ?? 0));
    expect(kept.calls.length).toBeGreaterThan(keptBefore.length + 2);
    for (const gap of gaps) expect(Math.abs(gap - interval)).toBeLessThan(40);
    expect(scheduler.pollers.map((p) => p.name)).toEqual(["kept", "added"]);
    expect(() => scheduler.add(asPoller(agent("kept")))).toThrow(/already scheduled/);
  });

  it("removes an agent: its running poll is aborted and records nothing, and it is not polled again", async () => {
    const slow = agent("slow", 10_000);
    const outcomes: string[] = [];
    const scheduler = new Scheduler([asPoller(slow)], 100, 4, (o) => outcomes.push(o.agent));
    scheduler.start();
    await sleep(150);
    expect(slow.calls).toHaveLength(1);
    const started = performance.now();
    const removed = await scheduler.remove("slow");
    expect(performance.now() - started).toBeLessThan(50);
    expect(removed).toBe(asPoller(slow));
    expect(slow.aborted).toBe(1);
    await sleep(250);
    expect(slow.calls).toHaveLength(1);
    expect(outcomes).toEqual([]);
    expect(scheduler.pollers).toEqual([]);
    expect(await scheduler.remove("slow")).toBeUndefined();
    await scheduler.stop(0);
  });

  it("replaces an agent's poller: the running poll of the old one counts, the next tick uses the new one", async () => {
    const interval = 150;
    const old = agent("web", 100);
    const outcomes: string[] = [];
    const scheduler = new Scheduler([asPoller(old)], interval, 4, (o) => outcomes.push(o.agent));
    scheduler.start();
    await sleep(interval + 20);
    const oldCalls = old.calls.length;
    const fresh = agent("web", 5);
    const replaced = scheduler.replace(asPoller(fresh));
    expect(await replaced).toBe(asPoller(old));
    await sleep(interval * 2);
    await scheduler.stop(0);
    expect(old.calls).toHaveLength(oldCalls);
    expect(old.aborted).toBe(0);
    expect(fresh.calls.length).toBeGreaterThanOrEqual(1);
    expect(outcomes.length).toBe(old.calls.length + fresh.calls.length);
    await expect(scheduler.replace(asPoller(agent("nobody")))).rejects.toThrow(/not scheduled/);
  });

  it("runOnce resolves with the outcomes of that cycle", async () => {
    const scheduler = new Scheduler([asPoller(agent("a")), asPoller(agent("b"))], 10_000, 4, () => {});
    const outcomes = await scheduler.runOnce();
    expect(outcomes.map((o) => o.agent).sort()).toEqual(["a", "b"]);
  });
});
