/**
 * A min-heap over an array, ordered by `compare` (negative: `a` comes first). Used by the k-way
 * merge to hold one head row per shard, so every step costs O(log shards).
 *
 * @example
 * const heap = new BinaryHeap<number>((a, b) => a - b);
 * heap.push(3); heap.push(1);
 * heap.pop(); // 1
 */
export class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  /** The smallest item, or undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  /** Removes and returns the smallest item, or undefined when empty. */
  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Replaces the smallest item (cheaper than pop + push: the merge's common step). */
  replaceTop(item: T): void {
    if (this.items.length === 0) {
      this.items.push(item);
      return;
    }
    this.items[0] = item;
    this.siftDown(0);
  }

  private siftUp(index: number): void {
    const items = this.items;
    const item = items[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(item, items[parent]) >= 0) break;
      items[index] = items[parent];
      index = parent;
    }
    items[index] = item;
  }

  private siftDown(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.compare(items[right], items[left]) < 0 ? right : left;
      if (this.compare(items[child], item) >= 0) break;
      items[index] = items[child];
      index = child;
    }
    items[index] = item;
  }
}
