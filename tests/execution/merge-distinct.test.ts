import { describe, expect, it } from 'vitest';
import { mergeRows } from '../../src/execution/merge-rows.js';
import { canonicalKey } from '../../src/execution/canonical-key.js';
import { collect, fakeShard, ShardLog } from './fake-shards.js';

describe('canonicalKey', () => {
  it('equates what the merge must equate and nothing else', () => {
    expect(canonicalKey(new Date(5))).toBe(canonicalKey(new Date(5)));
    expect(canonicalKey(new Date(5))).not.toBe(canonicalKey(5));
    expect(canonicalKey(1n)).toBe(canonicalKey(1));
    expect(canonicalKey(-0)).toBe(canonicalKey(0));
    expect(canonicalKey(1.5)).not.toBe(canonicalKey('1.5'));
    expect(canonicalKey('1')).not.toBe(canonicalKey(1));
    expect(canonicalKey(null)).toBe(canonicalKey(undefined));
    expect(canonicalKey(true)).not.toBe(canonicalKey(1));
    expect(canonicalKey({ a: 1, b: { c: new Date(1) } })).toBe(canonicalKey({ b: { c: new Date(1) }, a: 1n }));
    expect(canonicalKey({ a: 'x|y' })).not.toBe(canonicalKey({ a: 'x', b: 'y' }));
    expect(canonicalKey(new Uint8Array([1, 2]))).toBe(canonicalKey(Buffer.from([1, 2])));
  });
});

describe('distinct merge', () => {
  it('drops rows already seen on another shard, by value', async () => {
    const log = new ShardLog();
    const commands = [
      fakeShard(log, 'a', [
        { d: new Date(1), n: 1n, o: { x: 1, y: 2 } },
        { d: null, n: 2, o: null },
      ]),
      fakeShard(log, 'b', [
        { d: new Date(1), n: 1, o: { y: 2, x: 1 } },
        { d: null, n: 2, o: null },
        { d: null, n: 3, o: null },
      ]),
    ];
    const got = await collect(mergeRows({ kind: 'distinct' }, commands, { maxParallel: 2 }));
    expect(got).toHaveLength(3);
    expect(got.map((r) => Number(r.n)).sort()).toEqual([1, 2, 3]);
  });

  it('applies take after dedupe and stops early', async () => {
    const log = new ShardLog();
    const commands = [fakeShard(log, 'a', [{ v: 1 }, { v: 2 }, { v: 3 }]), fakeShard(log, 'b', [{ v: 1 }, { v: 2 }, { v: 4 }])];
    const got = await collect(mergeRows({ kind: 'distinct', take: 3 }, commands, { maxParallel: 1 }));
    expect(got).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
    expect(log.closed.sort()).toEqual(['a', 'b']);
  });

  it('ordered distinct keeps the merge order', async () => {
    const log = new ShardLog();
    const commands = [fakeShard(log, 'a', [{ v: 'a' }, { v: 'c' }]), fakeShard(log, 'b', [{ v: 'a' }, { v: 'b' }, { v: 'c' }])];
    const plan = { kind: 'ordered', keys: [{ field: 'v', descending: false }], distinct: true } as const;
    expect((await collect(mergeRows(plan, commands, { maxParallel: 2 }))).map((r) => r.v)).toEqual(['a', 'b', 'c']);
  });

  it('concat streams every row with paging and strips helper columns', async () => {
    const log = new ShardLog();
    const commands = [
      fakeShard(log, 'a', [{ v: 1, h: 0 }]),
      fakeShard(log, 'b', [
        { v: 2, h: 0 },
        { v: 3, h: 0 },
      ]),
    ];
    const got = await collect(mergeRows({ kind: 'concat', stripFields: ['h'] }, commands, { maxParallel: 2 }));
    expect(got.map((r) => r.v).sort()).toEqual([1, 2, 3]);
    expect(got.every((r) => !('h' in r))).toBe(true);
    expect(await collect(mergeRows({ kind: 'concat', skip: 1, take: 1 }, commands, { maxParallel: 2 }))).toHaveLength(1);
  });
});
