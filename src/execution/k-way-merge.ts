import { BinaryHeap } from './binary-heap.js';

interface Head<T> {
  readonly value: T;
  readonly source: number;
}

/**
 * Merges sources that are each sorted by `compare` into one sorted stream. Holds one head per
 * source in a binary heap; equal values come out in source order, so the result equals a stable
 * sort of the sources' concatenation. Stops pulling as soon as the consumer stops, and then
 * calls `return()` on every source that has not ended. The first `skip` merged values are
 * dropped here, not yielded: a page deep into the merge passes its skipped rows through no
 * further generator.
 *
 * @example
 * for await (const row of kWayMerge(run.streams, compareRowsBy(plan.keys))) ...
 */
export async function* kWayMerge<T>(
  sources: readonly AsyncIterable<T>[],
  compare: (a: T, b: T) => number,
  skip = 0,
): AsyncGenerator<T, void, undefined> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const open = new Set(iterators.keys());
  try {
    const heap = new BinaryHeap<Head<T>>((a, b) => compare(a.value, b.value) || a.source - b.source);
    // Every head is needed before the first row can be yielded; ask for them all at once.
    const firsts = await Promise.all(iterators.map((it) => it.next()));
    firsts.forEach((result, source) => {
      if (result.done) open.delete(source);
      else heap.push({ value: result.value, source });
    });
    let skipped = 0;
    while (heap.size > 0) {
      const head = heap.peek()!;
      if (skipped < skip) skipped++;
      else yield head.value;
      const result = await iterators[head.source].next();
      if (result.done) {
        open.delete(head.source);
        heap.pop();
      } else {
        heap.replaceTop({ value: result.value, source: head.source });
      }
    }
  } finally {
    await Promise.all([...open].map((i) => iterators[i].return?.()));
  }
}
