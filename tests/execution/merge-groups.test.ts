import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeRows } from '../../src/execution/merge-rows.js';
import type { GroupByMergePlan, MergeRow } from '../../src/planner/merge-plan.js';
import { collect, fakeShard, ShardLog } from './fake-shards.js';

const plan: GroupByMergePlan = {
  kind: 'groupBy',
  keys: [{ field: 'k' }],
  aggregates: [
    { output: 'n', op: 'count', countField: 'p_n' },
    { output: 'total', op: 'sum', sumField: 'p_s' },
    { output: 'lo', op: 'min', valueField: 'p_min' },
    { output: 'hi', op: 'max', valueField: 'p_max' },
    { output: 'avg', op: 'average', sumField: 'p_s', countField: 'p_c' },
  ],
};

interface Item {
  readonly k: string | number | null;
  readonly v: number | null;
}

/** What one shard's SQL returns: GROUP BY k with the partial columns (insertion order of keys). */
function partialGroups(items: readonly Item[]): MergeRow[] {
  const groups = new Map<unknown, Item[]>();
  for (const item of items) groups.set(item.k, [...(groups.get(item.k) ?? []), item]);
  return [...groups].map(([k, members]) => {
    const values = members.map((m) => m.v).filter((v): v is number => v !== null);
    return {
      k,
      p_n: String(members.length), // as PostgreSQL returns COUNT(*)
      p_s: values.length ? values.reduce((a, b) => a + b, 0) : null,
      p_min: values.length ? Math.min(...values) : null,
      p_max: values.length ? Math.max(...values) : null,
      p_c: values.length,
    };
  });
}

/** The oracle: group all rows at once and aggregate directly. */
function directGroups(items: readonly Item[]): Map<unknown, MergeRow> {
  const out = new Map<unknown, MergeRow>();
  const keys = [...new Set(items.map((i) => i.k))];
  for (const k of keys) {
    const members = items.filter((i) => i.k === k);
    const values = members.map((m) => m.v).filter((v): v is number => v !== null);
    out.set(k, {
      k,
      n: members.length,
      total: values.reduce((a, b) => a + b, 0),
      lo: values.length ? Math.min(...values) : null,
      hi: values.length ? Math.max(...values) : null,
      avg: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    });
  }
  return out;
}

describe('groupBy merge', () => {
  it('merging per-shard partial groups equals grouping all rows (fast-check)', async () => {
    const item = fc.record({
      k: fc.option(fc.constantFrom('EU', 'US', 'APAC', 1, 2), { nil: null }),
      v: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(item, { maxLength: 10 }), { maxLength: 5 }), async (data) => {
        const log = new ShardLog();
        const commands = data.map((items, s) => fakeShard(log, `s${s}`, partialGroups(items)));
        const got = await collect(mergeRows(plan, commands, { maxParallel: 2 }));
        const want = directGroups(data.flat());
        expect(got).toHaveLength(want.size);
        for (const row of got) {
          const expected = want.get(row.k)!;
          expect({ ...row, avg: undefined }).toEqual({ ...expected, avg: undefined });
          if (expected.avg === null) expect(row.avg).toBeNull();
          else expect(row.avg).toBeCloseTo(expected.avg as number, 9);
        }
        // Without an order, first appearance in shard order.
        const firstSeen = [...new Set(data.flat().map((i) => i.k))];
        expect(got.map((r) => r.k)).toEqual(firstSeen);
      }),
      { numRuns: 300 },
    );
  });

  it('treats dates by time, 1n and 1 as the same key, and null as its own group', async () => {
    const log = new ShardLog();
    const t = Date.UTC(2024, 5, 1);
    const commands = [
      fakeShard(log, 'a', [
        { d: new Date(t), i: 1n, p_n: 2n },
        { d: null, i: null, p_n: 1 },
      ]),
      fakeShard(log, 'b', [
        { d: new Date(t), i: 1, p_n: 3 },
        { d: null, i: null, p_n: '4' },
      ]),
    ];
    const byDate: GroupByMergePlan = {
      kind: 'groupBy',
      keys: [{ field: 'd' }, { field: 'i' }],
      aggregates: [{ output: 'n', op: 'count', countField: 'p_n' }],
    };
    expect(await collect(mergeRows(byDate, commands, { maxParallel: 1 }))).toEqual([
      { d: new Date(t), i: 1n, n: 5 },
      { d: null, i: null, n: 5 },
    ]);
  });

  it('orders groups by output fields, then pages and strips', async () => {
    const log = new ShardLog();
    const commands = [
      fakeShard(log, 'a', [
        { r: 'EU', p_n: 5 },
        { r: 'US', p_n: 1 },
      ]),
      fakeShard(log, 'b', [
        { r: 'APAC', p_n: 3 },
        { r: 'US', p_n: 3 },
      ]),
    ];
    const ordered: GroupByMergePlan = {
      kind: 'groupBy',
      keys: [{ field: 'r' }],
      aggregates: [{ output: 'n', op: 'count', countField: 'p_n' }],
      order: [
        { field: 'n', descending: true },
        { field: 'r', descending: false },
      ],
      skip: 1,
      take: 2,
      stripFields: ['r'],
    };
    // Counts: EU 5, US 4, APAC 3 → skip EU.
    expect(await collect(mergeRows(ordered, commands, { maxParallel: 2 }))).toEqual([{ n: 4 }, { n: 3 }]);
  });
});
