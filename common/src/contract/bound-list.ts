/**
 * How many entries one list of the get_metrics snapshot may hold, unless configured otherwise
 * (agent `limits.max_list_items`, collector `max_list_items`). One place for both, so that the
 * agent and the collector agree on what "bounded" means.
 */
export const DEFAULT_MAX_LIST_ITEMS = 50;

/**
 * per_core_percent is positional (index = core), so it can only be cut at the end, and every
 * core matters to the per-core load threshold: the cap sits far above real hosts (the largest
 * x86 servers have a few hundred logical CPUs) and is only there so that no host, or foreign
 * agent, can make a sample unbounded. cpu.count still says how many cores there are.
 */
export const DEFAULT_MAX_CPU_CORES = 1024;

/** Negative when `a` is more important than `b` (Array.prototype.sort's convention). */
export type Rank<T> = (a: T, b: T) => number;

export interface Bounded<T> {
  /** At most `max` entries, in the order they came in. */
  items: T[];
  /** How many entries there were before the cut. */
  total: number;
}

/**
 * The `max` most important of `items` by `rank` (ties: the earlier one), kept in their input
 * order so that a list under the limit comes out exactly as it went in. Without `rank` the
 * first `max` are kept, which is right for positional lists and for lists already sorted by
 * importance.
 */
export function boundList<T>(items: readonly T[], max: number, rank?: Rank<T>): Bounded<T> {
  const total = items.length;
  const limit = Math.max(0, Math.floor(max));
  if (total <= limit) return { items: [...items], total };
  if (rank === undefined) return { items: items.slice(0, limit), total };
  const kept = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item, b.item) || a.index - b.index)
    .slice(0, limit)
    .sort((a, b) => a.index - b.index);
  return { items: kept.map((entry) => entry.item), total };
}

/** A rank that puts larger keys first; a missing or non-finite key (a foreign agent's) counts as the least. */
export function byDescending<T>(key: (item: T) => number | null | undefined): Rank<T> {
  const value = (item: T): number => {
    const k = key(item);
    return typeof k === "number" && Number.isFinite(k) ? k : Number.NEGATIVE_INFINITY;
  };
  return (a, b) => {
    const ka = value(a);
    const kb = value(b);
    return ka === kb ? 0 : kb > ka ? 1 : -1;
  };
}
