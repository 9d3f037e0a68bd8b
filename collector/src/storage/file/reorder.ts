/**
 * Sorts a nearly sorted stream by time, holding at most `size` values: a value is released once
 * `size` later ones have arrived. Records that are out of order by fewer than `size` positions
 * (samples of one poll cycle finishing in a different order than they started) come out sorted;
 * equal times keep their order of arrival.
 *
 * The waiting values are kept sorted, and a new one goes in from the back: a nearly sorted stream
 * costs a comparison or two per value.
 */
export class ReorderWindow<T> {
  private times: number[] = [];
  private values: T[] = [];
  /** Where the waiting values start in the arrays (released ones before it). */
  private head = 0;

  constructor(private readonly size: number) {}

  /** Adds a value; returns the oldest one when the window is full. */
  push(time: number, value: T): T | undefined {
    const { times, values } = this;
    let at = times.length;
    while (at > this.head && (times[at - 1] as number) > time) at--;
    if (at === times.length) {
      times.push(time);
      values.push(value);
    } else {
      times.splice(at, 0, time);
      values.splice(at, 0, value);
    }
    return times.length - this.head > this.size ? this.shift() : undefined;
  }

  *drain(): Generator<T> {
    while (this.head < this.times.length) yield this.shift();
  }

  private shift(): T {
    const value = this.values[this.head] as T;
    this.values[this.head] = undefined as T; // not kept alive by the array
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
    return value;
  }
}

/** The last `size` keys seen: a bounded memory for dropping replayed duplicates. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  /** False when the key was seen recently. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    if (this.size <= 0) return true;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.keys.delete(evicted);
    this.ring[this.next] = key;
    this.next = (this.next + 1) % this.size;
    this.keys.add(key);
    return true;
  }
}
