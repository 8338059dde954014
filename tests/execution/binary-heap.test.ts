import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap } from '../../src/execution/binary-heap.js';
import { Deque } from '../../src/execution/deque.js';

describe('BinaryHeap', () => {
  it('pops in sorted order under any mix of push, pop and replaceTop (fast-check)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), v: fc.integer({ min: -50, max: 50 }) }),
      fc.record({ kind: fc.constant('pop' as const) }),
      fc.record({ kind: fc.constant('replace' as const), v: fc.integer({ min: -50, max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new BinaryHeap<number>((a, b) => a - b);
        const model: number[] = [];
        for (const o of ops) {
          model.sort((a, b) => a - b);
          if (o.kind === 'push') {
            heap.push(o.v);
            model.push(o.v);
          } else if (o.kind === 'pop') {
            expect(heap.pop()).toBe(model.shift());
          } else {
            heap.replaceTop(o.v);
            if (model.length > 0) model.shift();
            model.push(o.v);
          }
          expect(heap.size).toBe(model.length);
          expect(heap.peek()).toBe([...model].sort((a, b) => a - b)[0]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Deque', () => {
  it('is FIFO across compactions', () => {
    const deque = new Deque<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      deque.push(i);
      if (i % 3 === 0) out.push(deque.shift()!);
    }
    while (deque.length > 0) out.push(deque.shift()!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(deque.shift()).toBeUndefined();
  });
});
