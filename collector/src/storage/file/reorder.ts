interface Entry<T> {
  time: number;
  seq: number;
  value: T;
}

/**
 * Sorts a nearly sorted stream by time, holding at most `size` values: a value is released once
 * `size` later ones have arrived. Records that are out of order by fewer than `size` positions
 * (samples of one poll cycle finishing in a different order than they started) come out sorted.
 */
export class ReorderWindow<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  constructor(private readonly size: number) {}

  /** Adds a value; returns the oldest one when the window is full. */
  push(time: number, value: T): T | undefined {
    this.insert({ time, seq: this.seq++, value });
    return this.heap.length > this.size ? this.pop() : undefined;
  }

  *drain(): Generator<T> {
    while (this.heap.length > 0) yield this.pop();
  }

  private insert(entry: Entry<T>): void {
    const heap = this.heap;
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent] as Entry<T>)) break;
      heap[i] = heap[parent] as Entry<T>;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): T {
    const heap = this.heap;
    const top = heap[0] as Entry<T>;
    const last = heap.pop() as Entry<T>;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child =
          right < heap.length && before(heap[right] as Entry<T>, heap[left] as Entry<T>) ? right : left;
        if (!before(heap[child] as Entry<T>, last)) break;
        heap[i] = heap[child] as Entry<T>;
        i = child;
      }
      heap[i] = last;
    }
    return top.value;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
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
