/**
 * The rollups equal a brute-force aggregation of the raw samples, bucket by bucket, for every
 * tier and column, whatever the stream: several agents, gaps (an agent down for part of a
 * bucket or for days), nulls, late samples out of order, duplicates, flushes in between, and
 * restarts that resume from what the store holds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Aggregate, Column } from "../columns.js";
import type { RollupSample } from "./rollup-sample.js";
import { RollupAccumulator, type EmittedBucket } from "./rollup-accumulator.js";
import { ROLLUP_TIERS, bucketStart } from "./tiers.js";

const RUNS = { numRuns: 300, seed: 20_261_204 };
const GRACE = 120_000;
const WINDOW = 15 * 60_000;
/** A Monday 23:00 UTC: streams cross hours and UTC midnights. */
const BASE = Date.UTC(2026, 10, 30, 23, 0, 0);

const column = (name: string, aggregate: Aggregate): Column => ({
  name,
  path: ["test", name],
  sql: "DOUBLE",
  unit: "count",
  aggregate,
});
/** One column of each aggregation (the catalog has no `sum` column yet). */
const COLUMNS = [column("a", "avg"), column("m", "max"), column("l", "last"), column("s", "sum")];

type Step = { kind: "sample"; sample: RollupSample } | { kind: "flush"; now: number } | { kind: "restart" };

/**
 * Each agent's samples on a grid (10 s to 2 h apart, by run) with holes, delivered in time order
 * except for late ones (moved later in the stream by up to `lateBy` places), copies delivered
 * again, and flushes at the newest time delivered plus up to 10 minutes.
 */
const streams = fc
  .record({
    stepMs: fc.constantFrom(10_000, 60_000, 7 * 60_000, 2 * 3_600_000),
    samples: fc.array(
      fc.record({
        agent: fc.constantFrom("a1", "a2", "a3"),
        slot: fc.integer({ min: 0, max: 400 }),
        jitter: fc.integer({ min: 0, max: 999 }),
        values: fc.tuple(
          ...COLUMNS.map(() =>
            fc.oneof(fc.constant(Number.NaN), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
          ),
        ),
      }),
      { maxLength: 150 },
    ),
    late: fc.array(fc.record({ at: fc.nat(), by: fc.integer({ min: 1, max: 40 }) }), { maxLength: 10 }),
    copies: fc.array(fc.record({ at: fc.nat(), by: fc.integer({ min: 0, max: 60 }) }), { maxLength: 10 }),
    flushes: fc.array(fc.record({ at: fc.nat(), ahead: fc.integer({ min: 0, max: 600_000 }) }), {
      maxLength: 15,
    }),
    restarts: fc.array(fc.nat(), { maxLength: 3 }),
  })
  .map(({ stepMs, samples, late, copies, flushes, restarts }) => {
    const unique = new Map<string, RollupSample>();
    for (const s of samples) {
      const t = BASE + s.slot * stepMs + s.jitter;
      unique.set(`${s.agent}@${t}`, { agent: s.agent, t, values: s.values });
    }
    const order = [...unique.values()].sort((x, y) => x.t - y.t);
    const moveLater = (list: RollupSample[], at: number, by: number, keep: boolean) => {
      if (list.length === 0) return;
      const i = at % list.length;
      const sample = list[i]!;
      if (!keep) list.splice(i, 1);
      list.splice(Math.min(list.length, i + by), 0, sample);
    };
    for (const { at, by } of late) moveLater(order, at, by, false);
    for (const { at, by } of copies) moveLater(order, at, by, true);
    const steps: Step[] = order.map((sample) => ({ kind: "sample", sample }));
    for (const { at, ahead } of flushes) {
      const i = steps.length === 0 ? 0 : at % (steps.length + 1);
      let newest = BASE;
      for (const step of steps.slice(0, i))
        if (step.kind === "sample") newest = Math.max(newest, step.sample.t);
      steps.splice(i, 0, { kind: "flush", now: newest + ahead });
    }
    for (const at of restarts) steps.splice(at % (steps.length + 1), 0, { kind: "restart" });
    return { steps, unique: [...unique.values()] };
  });

interface Brute {
  samples: number;
  count: number[];
  sum: number[];
  min: number[];
  max: number[];
  last: number[];
  lastAt: number[];
}

/** Every bucket of every tier, aggregated from its samples directly. */
function bruteForce(samples: readonly RollupSample[]): Map<string, Brute> {
  const buckets = new Map<string, Brute>();
  for (const tier of ROLLUP_TIERS)
    for (const sample of samples) {
      const key = `${tier.name} ${sample.agent} ${bucketStart(tier, sample.t)}`;
      let b = buckets.get(key);
      if (b === undefined) {
        const n = () => COLUMNS.map(() => 0);
        b = { samples: 0, count: n(), sum: n(), min: n(), max: n(), last: n(), lastAt: n() };
        buckets.set(key, b);
      }
      b.samples++;
      for (let c = 0; c < COLUMNS.length; c++) {
        const v = sample.values[c]!;
        if (Number.isNaN(v)) continue;
        const first = b.count[c] === 0;
        b.count[c]!++;
        b.sum[c]! += v;
        b.min[c] = first ? v : Math.min(b.min[c]!, v);
        b.max[c] = first ? v : Math.max(b.max[c]!, v);
        if (first || sample.t > b.lastAt[c]!) {
          b.last[c] = v;
          b.lastAt[c] = sample.t;
        }
      }
    }
  return buckets;
}

describe("rollups of a sample stream", { timeout: 60_000 }, () => {
  it("equal a brute-force aggregation of the samples rolled up, bucket by bucket, every tier and column", () => {
    fc.assert(
      fc.property(streams, ({ steps, unique }) => {
        const options = { columns: COLUMNS, graceMs: GRACE, lateWindowMs: WINDOW };
        let rollups = new RollupAccumulator(options);
        /** The raw rows: (agent, ts) unique, as the store's key keeps them. */
        const raw = new Map<string, RollupSample>();
        const stored = new Map<string, EmittedBucket>();
        const store = (buckets: EmittedBucket[]) => {
          for (const bucket of buckets) {
            const key = `${bucket.tier} ${bucket.agent} ${bucket.start}`;
            // each bucket once, then only corrections of it
            expect(bucket.replaces, key).toBe(stored.has(key));
            stored.set(key, bucket);
          }
        };
        const newest = new Map<string, number>();
        const counted = new Set<string>();
        let duplicates = 0;
        let expectedDuplicates = 0;
        for (const step of steps) {
          if (step.kind === "flush") {
            store(rollups.flush(step.now).buckets);
            continue;
          }
          if (step.kind === "restart") {
            rollups = new RollupAccumulator(options);
            for (const [agent, newestT] of newest) {
              const from = rollups.resumeFrom(newestT);
              rollups.resume(
                agent,
                [...raw.values()].filter((s) => s.agent === agent && s.t >= from.raw),
                [...stored.values()].filter((b) => b.agent === agent && b.start >= from.buckets[b.tier]),
              );
            }
            continue;
          }
          const { sample } = step;
          const key = `${sample.agent}@${sample.t}`;
          if (!raw.has(key)) raw.set(key, sample);
          const isStale = sample.t < (newest.get(sample.agent) ?? -Infinity) - WINDOW;
          if (!isStale && counted.has(key)) expectedDuplicates++;
          if (!isStale) counted.add(key);
          const out = rollups.add([sample]);
          store(out.buckets);
          duplicates += out.duplicates;
          // stale exactly when further back than the window from the agent's newest
          expect(out.stale).toEqual(isStale ? [sample] : []);
          newest.set(sample.agent, Math.max(newest.get(sample.agent) ?? -Infinity, sample.t));
        }
        store(rollups.flush(Number.POSITIVE_INFINITY).buckets);
        expect(duplicates).toBe(expectedDuplicates);

        // the samples rolled up: all, less those only ever delivered stale
        const expected = bruteForce(unique.filter((s) => counted.has(`${s.agent}@${s.t}`)));
        expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [key, want] of expected) {
          const got = stored.get(key)!.aggregates;
          expect(got.samples, key).toBe(want.samples);
          for (let c = 0; c < COLUMNS.length; c++) {
            const where = `${key} ${COLUMNS[c]!.name}`;
            expect(got.count[c], where).toBe(want.count[c]);
            if (want.count[c] === 0) {
              expect(got.value(c), where).toBeNaN();
              continue;
            }
            expect(got.low(c), where).toBe(want.min[c]);
            expect(got.high(c), where).toBe(want.max[c]);
            expect(got.last[c], where).toBe(want.last[c]);
            // sums in another order: equal up to float rounding
            expect(got.sum[c]!, where).toBeCloseTo(want.sum[c]!, 3);
          }
        }
      }),
      RUNS,
    );
  });
});
