import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DtdeContext, type ModelBuilder, type Queryable } from '../../src/index.js';
import { planCacheStats } from '../../src/planner/plan-cache.js';
import { postgres } from '../../src/providers/postgres/postgres-provider.js';
import { sqlite } from '../../src/providers/sqlite/sqlite-provider.js';
import { Customer, configureCustomer, REGIONS } from '../support/shop-model.js';

// A repeated query shape renders its planned statements once; a query bound from the cached plan
// gets that text with its own values (execution/render-command.ts). Here each shape runs warm (a
// cached plan, bound to new values) in one context and cold (planned for those very values, then
// rendered whole) in a fresh one: text and parameters must be the same.

class Shop extends DtdeContext {
  customers = this.set(Customer);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => configureCustomer(e));
  }
}

type Shape = (q: Shop['customers'], v: Values) => Queryable<unknown>;
interface Values {
  readonly id: number;
  readonly name: string;
  readonly at: Date;
  readonly k: number;
  readonly vip: boolean;
  readonly big: bigint;
}

const values = (i: number): Values => ({
  id: 100 + i,
  name: `name-${i}'"`,
  at: new Date(Date.UTC(2020 + i, i % 12, 1 + i, i, i)),
  k: i + 2,
  vip: i % 2 === 0,
  big: 2n ** 40n + BigInt(i),
});

const shapes: Record<string, Shape> = {
  'routed primary-key lookup': (q, v) => q.where((c, p) => c.region === 'EU' && c.id === p.id, { id: v.id }),
  'fan-out filter on a string, a date and a boolean': (q, v) =>
    q.where((c, p) => c.name !== p.name && c.createdAt >= p.at && c.vip === p.vip, { name: v.name, at: v.at, vip: v.vip }),
  // (An IN list pins its values: such a shape is planned afresh, not bound.)
  'arithmetic, ordering by a computed key, paging': (q, v) =>
    q
      .where((c, p) => c.score * p.k > p.id, { k: v.k, id: v.id })
      .orderBy((c, p) => c.score % p.k, { k: v.k })
      .thenBy((c) => c.name)
      .skip(3)
      .take(7),
  'a distinct projection with a parameter': (q, v) =>
    q
      .where((c) => c.region === 'US')
      .select((c, p) => ({ n: c.name, s: c.score + p.k }), { k: v.k })
      .distinct()
      .orderBy((x) => x.s)
      .take(5),
  'a group key and an aggregate over parameters': (q, v) =>
    q
      .where((c, p) => c.id < p.big, { big: v.big })
      .groupBy((c, p) => c.score > p.k, { k: v.k })
      .select((g) => ({ key: g.key, n: g.count(), top: g.max((c) => c.score) })),
  'a value that is null, then a value (another plan)': (q, v) => q.where((c, p) => c.rating === p.rating, { rating: v.vip ? null : v.k }),
};

function rendered(q: Queryable<unknown>) {
  return q.explain().commands.map((c) => ({ shard: c.shardId, sql: c.sql, parameters: c.parameters }));
}

describe.each([
  // A file never opened: explain() plans and renders only.
  ['sqlite', () => sqlite({ file: join(tmpdir(), 'dtde-render-command-never-opened.db') })],
  ['postgres', () => postgres('postgres://nobody:secret@127.0.0.1:1/nowhere')],
] as const)('%s: a cached plan bound to new values renders as a fresh plan of them', (_name, provider) => {
  const warm = new Shop({ provider: provider(), shards: (s) => s.addShards(...REGIONS) });
  afterAll(() => warm.close());

  it.each(Object.entries(shapes))('%s', async (_shape, shape) => {
    rendered(shape(warm.customers, values(0)));
    const hits = planCacheStats().hits;
    for (let i = 1; i <= 4; i++) {
      const cold = new Shop({ provider: provider(), shards: (s) => s.addShards(...REGIONS) });
      try {
        expect(rendered(shape(warm.customers, values(i)))).toEqual(rendered(shape(cold.customers, values(i))));
      } finally {
        await cold.close();
      }
    }
    // The warm context bound cached plans (the cold ones each planned their first query).
    expect(planCacheStats().hits - hits).toBeGreaterThanOrEqual(2);
  });

  it('a first query whose value cannot be written does not spoil the shape for the next ones', async () => {
    const ctx = new Shop({ provider: provider(), shards: (s) => s.addShards(...REGIONS) });
    const cold = new Shop({ provider: provider(), shards: (s) => s.addShards(...REGIONS) });
    try {
      const since = (q: Shop['customers'], at: Date) => q.where((c, p) => c.region === 'EU' && c.createdAt >= p.at, { at });
      // Year 10000: neither SQLite's ISO text nor PostgreSQL's timestamptz can hold it.
      expect(() => rendered(since(ctx.customers, new Date(Date.UTC(10000, 0, 1))))).toThrow(/10000/);
      const ok = new Date('2020-01-01T00:00:00.000Z');
      expect(rendered(since(ctx.customers, ok))).toEqual(rendered(since(cold.customers, ok)));
    } finally {
      await ctx.close();
      await cold.close();
    }
  });
});
