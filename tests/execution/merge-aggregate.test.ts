import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeValue } from '../../src/execution/merge-value.js';
import { countResult, ExactSum, toCount } from '../../src/execution/exact-sum.js';
import { toFlag } from '../../src/execution/merge-aggregate.js';
import { DtdeInvalidOperationError } from '../../src/errors/dtde-invalid-operation-error.js';
import type { MergeRow, ValueMergePlan } from '../../src/planner/merge-plan.js';
import { deferred, fakeShard, ShardLog } from './fake-shards.js';

function shards(log: ShardLog, rows: MergeRow[][]) {
  return rows.map((r, i) => fakeShard(log, `s${i}`, r));
}

async function value(plan: ValueMergePlan, rows: MergeRow[][]): Promise<unknown> {
  return mergeValue(plan, shards(new ShardLog(), rows), { maxParallel: 2 });
}

describe('exact sums and counts', () => {
  it('normalises counts from number, bigint and string', () => {
    expect(toCount(3)).toBe(3n);
    expect(toCount(3n)).toBe(3n);
    expect(toCount('12')).toBe(12n);
    expect(toCount(null)).toBe(0n);
    expect(() => toCount('x')).toThrow(DtdeInvalidOperationError);
    expect(countResult(5n)).toBe(5);
    expect(countResult(2n ** 60n)).toBe(2n ** 60n);
  });

  it('adds bigints exactly, decimal strings exactly, numbers plainly; nulls are 0', () => {
    const big = new ExactSum();
    for (const v of [2n ** 62n, null, 2n ** 62n, 1n]) big.add(v);
    expect(big.result()).toBe(2n ** 63n + 1n);

    const dec = new ExactSum();
    for (const v of ['0.1', '0.20', null, '-1', 2n]) dec.add(v);
    expect(dec.result()).toBe('1.30');

    const num = new ExactSum();
    num.add(1.5);
    num.add(null);
    num.add(2);
    expect(num.result()).toBe(3.5);

    const mixed = new ExactSum();
    mixed.add(2n ** 60n);
    mixed.add(3);
    expect(mixed.result()).toBe(2n ** 60n + 3n);

    expect(new ExactSum().result()).toBe(0);
  });

  it('divides bigint sums before converting to a number', () => {
    const sum = new ExactSum();
    sum.add(2n ** 60n + 3n);
    expect(sum.divide(2n)).toBe(Number(2n ** 59n) + 1.5);
  });

  it('reads driver booleans', () => {
    expect([true, 1, 1n, '1', 't', 'true'].map(toFlag)).toEqual([true, true, true, true, true, true]);
    expect([false, 0, 0n, '0', 'f', 'false', null].map(toFlag)).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('aggregate merge', () => {
  it('count sums per-shard counts of any driver type', async () => {
    expect(await value({ kind: 'aggregate', op: 'count', countField: 'n' }, [[{ n: 2 }], [{ n: 3n }], [{ n: '4' }], []])).toBe(9);
  });

  it('sum keeps bigint exact and treats NULL partials (empty shards) as 0', async () => {
    const plan: ValueMergePlan = { kind: 'aggregate', op: 'sum', sumField: 's' };
    expect(await value(plan, [[{ s: 2n ** 62n }], [{ s: null }], [{ s: 2n ** 62n + 7n }]])).toBe(2n ** 63n + 7n);
    expect(await value(plan, [[{ s: null }], [{ s: null }]])).toBe(0);
    expect(await value(plan, [])).toBe(0);
  });

  it('min and max ignore empty shards; all empty throws, or gives null when asked', async () => {
    const min: ValueMergePlan = { kind: 'aggregate', op: 'min', valueField: 'v' };
    const max: ValueMergePlan = { kind: 'aggregate', op: 'max', valueField: 'v' };
    const d = (ms: number) => new Date(ms);
    const rows = [[{ v: d(5) }], [{ v: null }], [{ v: d(2) }], [{ v: d(9) }]];
    expect(await value(min, rows)).toEqual(d(2));
    expect(await value(max, rows)).toEqual(d(9));
    await expect(value(min, [[{ v: null }], []])).rejects.toBeInstanceOf(DtdeInvalidOperationError);
    expect(await value({ ...min, onEmpty: 'null' }, [[{ v: null }]])).toBeNull();
  });

  it('with a row count, only no rows at all is empty; rows holding only nulls give null', async () => {
    const min: ValueMergePlan = { kind: 'aggregate', op: 'min', valueField: 'v', rowCountField: 'rows' };
    expect(await value(min, [[{ v: null, rows: 0 }], [{ v: null, rows: '2' }]])).toBeNull();
    await expect(value(min, [[{ v: null, rows: 0 }], []])).rejects.toBeInstanceOf(DtdeInvalidOperationError);
    const avg: ValueMergePlan = { kind: 'aggregate', op: 'average', sumField: 's', countField: 'c', rowCountField: 'rows' };
    expect(await value(avg, [[{ s: null, c: 0, rows: 3n }]])).toBeNull();
  });

  it('average is total sum over total count, never an average of averages', async () => {
    const plan: ValueMergePlan = { kind: 'aggregate', op: 'average', sumField: 's', countField: 'c' };
    // Averages of averages would be (1 + 10) / 2 = 5.5; the true average is 13 / 4.
    expect(await value(plan, [[{ s: 3, c: '3' }], [{ s: 10n, c: 1n }], [{ s: null, c: 0 }]])).toBe(3.25);
    await expect(value(plan, [[{ s: null, c: 0 }]])).rejects.toThrow('Sequence contains no elements');
  });

  it('average of per-shard partials equals the direct average (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 8 }), { maxLength: 5 }), async (data) => {
        const all = data.flat();
        fc.pre(all.length > 0);
        const partials = data.map((values) => [{ s: values.length ? BigInt(values.reduce((a, b) => a + b, 0)) : null, c: values.length }]);
        const plan: ValueMergePlan = { kind: 'aggregate', op: 'average', sumField: 's', countField: 'c' };
        expect(await value(plan, partials)).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 9);
      }),
      { numRuns: 200 },
    );
  });

  it('any returns true at the first true shard and cancels the rest', async () => {
    const log = new ShardLog();
    const never = deferred();
    const commands = [
      fakeShard(log, 'a', [{ e: 0 }], { end: never.promise }),
      fakeShard(log, 'b', [{ e: 1 }]),
      fakeShard(log, 'c', [], { end: never.promise }),
    ];
    expect(await mergeValue({ kind: 'aggregate', op: 'any', field: 'e' }, commands, { maxParallel: 3 })).toBe(true);
    expect(log.signals.get('a')!.aborted).toBe(true);
    expect(log.signals.get('c')!.aborted).toBe(true);
    expect([...log.closed].sort()).toEqual(['a', 'b', 'c']);
  });

  it('all returns false at the first shard whose flag is false, and any/all handle row presence', async () => {
    const log = new ShardLog();
    const never = deferred();
    const commands = [fakeShard(log, 'a', [{ ok: false }]), fakeShard(log, 'b', [], { end: never.promise })];
    expect(await mergeValue({ kind: 'aggregate', op: 'all', field: 'ok' }, commands, { maxParallel: 2 })).toBe(false);
    expect(log.closed.sort()).toEqual(['a', 'b']);

    expect(await value({ kind: 'aggregate', op: 'all', field: 'ok' }, [[{ ok: 1 }], [{ ok: true }]])).toBe(true);
    expect(await value({ kind: 'aggregate', op: 'any' }, [[], []])).toBe(false);
    expect(await value({ kind: 'aggregate', op: 'any' }, [[], [{ one: 1 }]])).toBe(true);
    // Without a field, a row from an `all` query is a counterexample.
    expect(await value({ kind: 'aggregate', op: 'all' }, [[], [{ one: 1 }]])).toBe(false);
    expect(await value({ kind: 'aggregate', op: 'all' }, [[], []])).toBe(true);
  });
});

describe('element operators', () => {
  const ordered = { kind: 'ordered', keys: [{ field: 'v', descending: true }], take: 3 } as const;
  const rows = [
    [{ v: 9 }, { v: 4 }, { v: 1 }],
    [{ v: 7 }, { v: null }],
  ];

  it('first, single and their OrDefault variants', async () => {
    expect(await value({ kind: 'element', op: 'first', source: ordered }, rows)).toEqual({ v: 9 });
    expect(await value({ kind: 'element', op: 'firstOrDefault', source: ordered }, [[], []])).toBeNull();
    await expect(value({ kind: 'element', op: 'first', source: ordered }, [[]])).rejects.toThrow('no elements');
    await expect(value({ kind: 'element', op: 'single', source: ordered }, rows)).rejects.toThrow('more than one element');
    expect(await value({ kind: 'element', op: 'singleOrDefault', source: { kind: 'concat' } }, [[], [{ v: 1 }]])).toEqual({ v: 1 });
  });
});
