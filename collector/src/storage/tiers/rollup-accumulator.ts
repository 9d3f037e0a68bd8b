import type { Column } from "../columns.js";
import type { PollSample } from "../records.js";
import { Aggregates, ROLLUP_COLUMNS } from "./aggregates.js";
import { rollupSampleOf, type RollupSample } from "./rollup-sample.js";
import { AgentRollups } from "./agent-rollups.js";
import { resumedRollups, resumeReads, type ResumeReads, type StoredBucket } from "./rollup-resume.js";
import { ROLLUP_TIERS, bucketStart, type RollupTierName } from "./tiers.js";

/** A rollup bucket to store: new, or a correction of one emitted before. */
export interface EmittedBucket {
  readonly tier: RollupTierName;
  readonly agent: string;
  /** Epoch ms, see bucketStart. */
  readonly start: number;
  /** True when it replaces the bucket emitted before at (tier, agent, start): store it over that one. */
  readonly replaces: boolean;
  /** Do not modify: the accumulator keeps it to merge late samples into. */
  readonly aggregates: Aggregates;
}

/** What one call gave. */
export interface RollupOutput {
  /** In the order they must be stored (a bucket's correction after the bucket). */
  buckets: EmittedBucket[];
  /** Samples further back than lateWindowMs (rule 5): not rolled up here. */
  stale: RollupSample[];
  /** Samples counted before (same agent and ts), ignored (rule 4). */
  duplicates: number;
}

export interface RollupAccumulatorOptions {
  /** The columns of a sample's values (default ROLLUP_COLUMNS, the catalog's numeric columns). */
  columns?: readonly Column[];
  /** How long past its end a bucket of an agent that sent nothing newer waits for late samples (default 2 min). */
  graceMs?: number;
  /** How far behind its agent's newest sample a late one is still rolled up here (default 15 min, at least graceMs). */
  lateWindowMs?: number;
}

/**
 * Rolls samples up into the 5m, 1h and 1d tiers as they are written, each column as the
 * catalog's aggregation says (aggregates.ts), emitting each closed bucket once and a correction
 * of only the buckets a late sample falls into. Pure: no I/O, no clock (the caller passes `now`).
 *
 * The rules, per agent:
 * 1. Open bucket. Each tier has at most one open bucket: the one holding the agent's newest
 *    sample. A sample newer than the newest first closes every open bucket it is not in, finest
 *    first; a 5m bucket closes into its 1h bucket, a 1h bucket into its 1d bucket (merging the
 *    finer bucket's aggregates, never re-reading samples).
 * 2. Flush. flush(now) closes the open buckets with end + graceMs <= now, finest first: the
 *    buckets of an agent that went quiet (down, removed). graceMs (default 2 min) covers what a
 *    sample takes from its ts (the poll's start) to the store: the poll's timeout (up to 10 s by
 *    default), a batch interval and a slow write, so that a bucket normally closes on the next
 *    sample and is emitted once. A sample that comes later still is not lost: rule 3. Flush
 *    with the wall clock while writing live; during a spool replay, flush with the replay's
 *    newest ts (or not at all): a wall-clock flush would close the replayed agents' buckets
 *    under them, and each further replayed sample would then give corrections (exact, but one
 *    per sample).
 * 3. Late sample: one in a bucket that is no longer open (closed, or never opened: a gap
 *    filled by a replay). For each tier, finest first: if the tier's open bucket holds it, it is
 *    merged there (and goes up when that bucket closes), and the coarser tiers are left alone;
 *    if the tier's bucket was emitted, a replacing bucket is emitted: the emitted aggregates
 *    merged with the sample, which is exact for count, sum, avg, min and max, and for last
 *    because last is by time (it changes only when the late sample is newer); otherwise a new
 *    bucket of that one sample is emitted. Only the buckets holding the sample change.
 * 4. Duplicates. A sample whose (agent, ts) was counted already is ignored: the accumulator
 *    keeps the times counted in each 5m bucket it can still correct (rule 5). The store's
 *    (ts, agent) key keeps raw rows unique; the rollups see the batches, and a batch can come
 *    twice (a write that passed its deadline, then succeeded, and is replayed from the spool).
 * 5. Late window. A sample more than lateWindowMs (default 15 min) behind its agent's newest
 *    sample is stale: returned in `stale`, not rolled up, since whether it was counted before
 *    can no longer be told. The window moves with the agent's samples only, never with `now`:
 *    a replay of hours-old spooled samples is rolled up like live ones. Samples reach the
 *    store in time order per agent (the writer replays its spool in order, before new
 *    batches), so a stale sample takes a clock stepped back or a duplicate from far back; the
 *    store's raw rows are unique by their key, so its buckets can be made right by
 *    re-aggregating those rows (Aggregates). Kept per agent: the times of the last
 *    lateWindowMs, and the buckets (of every tier) ending in it.
 * 6. Restart. An open bucket is only in memory, so after a restart resume() rebuilds each
 *    agent's from the store: the open 5m bucket from its raw rows, an open 1h or 1d bucket
 *    from the stored buckets of the finer tier in it (an open bucket holds exactly its closed
 *    finer buckets), and the late window's times and buckets. This holds when the store has
 *    the buckets emitted for the samples it has: a batch's rollups stored with the batch.
 */
export class RollupAccumulator {
  private readonly agents = new Map<string, AgentRollups>();
  readonly columns: readonly Column[];
  private readonly graceMs: number;
  private readonly lateWindowMs: number;

  constructor(options: RollupAccumulatorOptions = {}) {
    this.columns = options.columns ?? ROLLUP_COLUMNS;
    this.graceMs = options.graceMs ?? 120_000;
    this.lateWindowMs = options.lateWindowMs ?? 15 * 60_000;
    if (!(this.graceMs >= 0) || !(this.lateWindowMs >= this.graceMs))
      throw new Error(
        `rollups need graceMs >= 0 and lateWindowMs >= graceMs, not ${this.graceMs} and ${this.lateWindowMs}`,
      );
  }

  /** Samples in the order the store takes them. */
  add(samples: Iterable<RollupSample>): RollupOutput {
    const out: RollupOutput = { buckets: [], stale: [], duplicates: 0 };
    for (const sample of samples) this.addOne(sample, out);
    return out;
  }

  /**
   * The samples a store's writeSamples takes, their values as the samples table stores them
   * (rollupSampleOf); one whose ts is no time is left out, as the store cannot keep it either.
   */
  addPollSamples(samples: Iterable<PollSample>): RollupOutput {
    const rows: RollupSample[] = [];
    for (const sample of samples) {
      const row = rollupSampleOf(sample, this.columns);
      if (row !== undefined) rows.push(row);
    }
    return this.add(rows);
  }

  /** What resume() needs read back from the store for an agent whose newest stored sample is at `newest`. */
  resumeFrom(newest: number): ResumeReads {
    return resumeReads(newest, this.lateWindowMs);
  }

  /**
   * Rule 6, after a restart: takes an agent up where the store left it, before its first
   * sample, from what resumeFrom says to read (the store's raw rows and the buckets stored).
   */
  resume(agent: string, samples: Iterable<RollupSample>, buckets: Iterable<StoredBucket>): void {
    if (this.agents.has(agent)) throw new Error(`rollups of ${agent} are running: resume comes first`);
    this.agents.set(agent, resumedRollups(this.columns, samples, buckets, this.lateWindowMs));
  }

  /** Rule 2: closes the buckets whose end + graceMs has passed at `now` (epoch ms). */
  flush(now: number): RollupOutput {
    const out: RollupOutput = { buckets: [], stale: [], duplicates: 0 };
    for (const [agent, state] of this.agents) {
      for (const [i, tier] of ROLLUP_TIERS.entries()) {
        const open = state.open[i];
        if (open !== undefined && open.start + tier.widthMs + this.graceMs <= now)
          this.close(agent, state, i, out);
      }
    }
    return out;
  }

  private addOne(sample: RollupSample, out: RollupOutput): void {
    const state = this.stateOf(sample.agent);
    const { t } = sample;
    if (!Number.isFinite(t) || t < state.horizon) {
      out.stale.push(sample);
      return;
    }
    if (!state.count(t)) {
      out.duplicates++;
      return;
    }
    if (t > state.newest) this.advance(sample.agent, state, t, out);
    const open = state.open[0];
    if (open?.start === bucketStart(ROLLUP_TIERS[0]!, t)) {
      open.aggregates.addSample(t, sample.values);
      return;
    }
    const one = new Aggregates(this.columns);
    one.addSample(t, sample.values);
    this.place(sample.agent, state, 0, t, one, out);
  }

  /** Rule 1 for a sample newer than the newest, then opens its buckets where none was emitted. */
  private advance(agent: string, state: AgentRollups, t: number, out: RollupOutput): void {
    for (const [i, tier] of ROLLUP_TIERS.entries()) {
      const open = state.open[i];
      if (open !== undefined && open.start !== bucketStart(tier, t)) this.close(agent, state, i, out);
    }
    state.newest = t;
    state.forget(t - this.lateWindowMs);
    for (const [i, tier] of ROLLUP_TIERS.entries()) {
      const start = bucketStart(tier, t);
      // a bucket closed by a flush and emitted gets the agent's return as corrections (rule 3)
      if (state.open[i] === undefined && !state.emitted[i]!.has(start))
        state.open[i] = { start, aggregates: new Aggregates(this.columns) };
    }
  }

  /** Emits tier i's open bucket and merges it into the coarser tier. */
  private close(agent: string, state: AgentRollups, i: number, out: RollupOutput): void {
    const open = state.open[i]!;
    state.open[i] = undefined;
    state.emitted[i]!.set(open.start, open.aggregates);
    out.buckets.push({
      tier: ROLLUP_TIERS[i]!.name,
      agent,
      start: open.start,
      replaces: false,
      aggregates: open.aggregates,
    });
    if (i + 1 < ROLLUP_TIERS.length) this.place(agent, state, i + 1, open.start, open.aggregates, out);
  }

  /** Rule 3: aggregates of time `t` into tier `from` and, unless an open bucket takes them, the coarser ones. */
  private place(
    agent: string,
    state: AgentRollups,
    from: number,
    t: number,
    aggregates: Aggregates,
    out: RollupOutput,
  ): void {
    for (let i = from; i < ROLLUP_TIERS.length; i++) {
      const tier = ROLLUP_TIERS[i]!;
      const start = bucketStart(tier, t);
      const open = state.open[i];
      if (open?.start === start) {
        open.aggregates.merge(aggregates);
        return;
      }
      const emitted = state.emitted[i]!.get(start);
      const next = emitted === undefined ? aggregates.copy() : emitted.copy();
      if (emitted !== undefined) next.merge(aggregates);
      state.emitted[i]!.set(start, next);
      out.buckets.push({ tier: tier.name, agent, start, replaces: emitted !== undefined, aggregates: next });
    }
  }

  private stateOf(agent: string): AgentRollups {
    let state = this.agents.get(agent);
    if (state === undefined) {
      state = new AgentRollups();
      this.agents.set(agent, state);
    }
    return state;
  }
}
