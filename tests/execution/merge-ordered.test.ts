import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareValues } from '../../src/linq/evaluate/compare-values.js';
import { mergeRows } from '../../src/execution/merge-rows.js';
import { kWayMerge } from '../../src/execution/k-way-merge.js';
import type { MergeOrderKey, MergeRow, OrderedMergePlan } from '../../src/planner/merge-plan.js';
import { DtdeShardError } from '../../src/errors/dtde-shard-error.js';
import { collect, deferred, fakeShard, flush, ShardLog } from './fake-shards.js';

/** The oracle: stable sort of the shards' concatenation (so ties keep shard order), then paging. */
function expected(shards: MergeRow[][], keys: readonly MergeOrderKey[], skip: number, take: number | undefined): MergeRow[] {
  const all = shards.flat();
  all.sort((a, b) => {
    for (const k of keys) {
      const c = compareValues(a[k.field], b[k.field]);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  });
  return all.slice(skip, take === undefined ? undefined : skip + take);
}

// One value type per column, as in a real table; numbers and bigints mix (drivers do that).
const columnTypes: fc.Arbitrary<unknown>[] = [
  fc.oneof(fc.integer({ min: -5, max: 5 }), fc.bigInt({ min: -5n, max: 5n }), fc.double({ noNaN: true, min: -5, max: 5 })),
  fc.string({ maxLength: 3, unit: fc.constantFrom('a', 'B', 'é', '𝒳', 'z') }),
  fc.date({ min: new Date(0), max: new Date(10_000), noInvalidDate: true }),
  fc.boolean(),
];
const columnValues = fc.constantFrom(...columnTypes);

const scenario = fc.tuple(columnValues, columnValues).chain(([a, b]) =>
  fc.record({
    shards: fc.array(fc.array(fc.record({ a: fc.option(a, { nil: null }), b: fc.option(b, { nil: null }) }), { maxLength: 12 }), {
      minLength: 0,
      maxLength: 6,
    }),
    descA: fc.boolean(),
    descB: fc.boolean(),
    skip: fc.nat({ max: 10 }),
    take: fc.option(fc.nat({ max: 15 }), { nil: undefined }),
    maxParallel: fc.integer({ min: 1, max: 7 }),
    highWaterMark: fc.integer({ min: 1, max: 4 }),
  }),
);

describe('ordered merge', () => {
  it('equals a stable sort of all rows with skip/take applied once (fast-check, 1,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ shards, descA, descB, skip, take, maxParallel, highWaterMark }) => {
        const keys: MergeOrderKey[] = [
          { field: 'a', descending: descA },
          { field: 'b', descending: descB },
        ];
        // Tag rows so identity (and tie order) is checked, then sort each shard as its SQL would.
        const tagged = shards.map((rows, s) => expected([rows.map((r, i) => ({ ...r, tag: `${s}:${i}` }))], keys, 0, undefined));
        const log = new ShardLog();
        const plan: OrderedMergePlan = { kind: 'ordered', keys, skip, take, stripFields: [] };
        const commands = tagged.map((rows, s) => fakeShard(log, `s${s}`, rows));
        const got = await collect(mergeRows(plan, commands, { maxParallel, highWaterMark }));
        expect(got.map((r) => r.tag)).toEqual(expected(tagged, keys, skip, take).map((r) => r.tag));
        expect(log.maxInFlight).toBeLessThanOrEqual(maxParallel);
        expect(log.inFlight).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('puts nulls first ascending and last descending, compares dates and bigints exactly', async () => {
    const log = new ShardLog();
    const plan: OrderedMergePlan = { kind: 'ordered', keys: [{ field: 'v', descending: true }] };
    const big = 2n ** 60n;
    const commands = [
      fakeShard(log, 'a', [{ v: big + 1n }, { v: 3 }, { v: null }]),
      fakeShard(log, 'b', [{ v: big }, { v: 2.5 }, { v: null }]),
    ];
    const got = await collect(mergeRows(plan, commands, { maxParallel: 2 }));
    expect(got.map((r) => r.v)).toEqual([big + 1n, big, 3, 2.5, null, null]);

    const dates = [new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 1))];
    const ascending: OrderedMergePlan = { kind: 'ordered', keys: [{ field: 'd', descending: false }] };
    const got2 = await collect(
      mergeRows(ascending, [fakeShard(log, 'a', [{ d: dates[1] }]), fakeShard(log, 'b', [{ d: null }, { d: dates[0] }])], {
        maxParallel: 1,
      }),
    );
    expect(got2.map((r) => r.d)).toEqual([null, dates[0], dates[1]]);
  });

  it('strips helper columns and applies distinct on the stripped rows before paging', async () => {
    const log = new ShardLog();
    const plan: OrderedMergePlan = {
      kind: 'ordered',
      keys: [
        { field: 'name', descending: false },
        { field: 'id', descending: false },
      ],
      stripFields: ['id'],
      distinct: true,
      skip: 1,
      take: 2,
    };
    const commands = [
      fakeShard(log, 'a', [
        { name: 'ann', id: 1 },
        { name: 'bob', id: 4 },
        { name: 'dan', id: 5 },
      ]),
      fakeShard(log, 'b', [
        { name: 'ann', id: 2 },
        { name: 'cat', id: 3 },
      ]),
    ];
    const got = await collect(mergeRows(plan, commands, { maxParallel: 2 }));
    expect(got).toEqual([{ name: 'bob' }, { name: 'cat' }]);
  });

  it('stops pulling after take and closes every shard iterator, also on break', async () => {
    const log = new ShardLog();
    const big = (s: number) => Array.from({ length: 10_000 }, (_, i) => ({ n: i * 3 + s }));
    const commands = [0, 1, 2].map((s) => fakeShard(log, `s${s}`, big(s)));
    const plan: OrderedMergePlan = { kind: 'ordered', keys: [{ field: 'n', descending: false }], take: 5 };
    expect((await collect(mergeRows(plan, commands, { maxParallel: 3 }))).map((r) => r.n)).toEqual([0, 1, 2, 3, 4]);
    expect([...log.closed].sort()).toEqual(['s0', 's1', 's2']);

    const log2 = new ShardLog();
    const commands2 = [0, 1, 2].map((s) => fakeShard(log2, `s${s}`, big(s)));
    for await (const row of mergeRows({ ...plan, take: undefined }, commands2, { maxParallel: 2 })) {
      if (row.n === 10) break;
    }
    expect([...log2.closed].sort()).toEqual(['s0', 's1', 's2']);
    expect(log2.inFlight).toBe(0);
    expect(log2.signals.get('s0')!.aborted).toBe(true);
  });

  it('a failing drained shard (more shards than slots) fails the merge and closes every shard', async () => {
    const log = new ShardLog();
    const rows = (s: number) => Array.from({ length: 20 }, (_, i) => ({ n: i * 4 + s }));
    const cause = new Error('database is locked');
    const commands = [
      fakeShard(log, 'a', rows(0)),
      fakeShard(log, 'b', rows(1)),
      fakeShard(log, 'c', rows(2), { failAt: 10, error: cause }),
      fakeShard(log, 'd', rows(3)),
    ];
    const plan: OrderedMergePlan = { kind: 'ordered', keys: [{ field: 'n', descending: false }] };
    const error = await collect(mergeRows(plan, commands, { maxParallel: 2, highWaterMark: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeShardError);
    expect((error as DtdeShardError).shardId).toBe('c');
    expect((error as DtdeShardError).cause).toBe(cause);
    expect(log.maxInFlight).toBeLessThanOrEqual(2);
    expect(log.inFlight).toBe(0);
    expect(log.started).not.toContain('d'); // never started: the failure came first
  });

  it('a user abort during an ordered merge rejects with the reason and closes the shards', async () => {
    const log = new ShardLog();
    const never = deferred();
    const controller = new AbortController();
    const commands = [
      fakeShard(log, 'a', [{ n: 1 }, { n: 3 }], { before: (i) => (i === 1 ? never.promise : undefined) }),
      fakeShard(log, 'b', [{ n: 2 }]),
    ];
    const plan: OrderedMergePlan = { kind: 'ordered', keys: [{ field: 'n', descending: false }] };
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const row of mergeRows(plan, commands, { maxParallel: 2, signal: controller.signal })) seen.push(row.n);
    })();
    await flush();
    controller.abort(new Error('stop'));
    await expect(done).rejects.toThrow('stop');
    expect(seen).toEqual([1]); // 2 cannot come out before shard a's next head is known
    expect([...log.closed].sort()).toEqual(['a', 'b']);
  });

  it('kWayMerge breaks ties by source index', async () => {
    async function* from<T>(items: T[]): AsyncGenerator<T> {
      yield* items;
    }
    const rows = [
      [
        { k: 1, s: 0 },
        { k: 2, s: 0 },
      ],
      [
        { k: 1, s: 1 },
        { k: 2, s: 1 },
      ],
    ];
    const merged = await collect(kWayMerge(rows.map(from), (a, b) => a.k - b.k));
    expect(merged.map((r) => `${r.k}/${r.s}`)).toEqual(['1/0', '1/1', '2/0', '2/1']);
  });
});
