import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCacheStats } from '../../src/planner/plan-cache.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer, Event, Order } from './support/shop-model.js';

// A repeated query shape is planned once and then only bound to its values: no value of one
// execution may reach another. Each shape below runs with values that change the SQL beyond
// binding (null, IN lists of other lengths, other shard keys, folded tests), on real SQLite
// shards, and every answer is the in-memory evaluator's over the same rows.

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const ordered = { ordered: true };
const unordered = { ordered: false };

/** Runs `run`, and expects that it bound at least `hits` plans from the cache. */
async function expectHits(hits: number, run: () => Promise<void>): Promise<void> {
  const before = planCacheStats().hits;
  await run();
  expect(planCacheStats().hits - before).toBeGreaterThanOrEqual(hits);
}

describe('cached plans bind each execution to its own values', () => {
  it('lookups routed by region and id, another shard every time, and regions no shard holds', async () => {
    const picks = shop.data.customers.filter((_, i) => i % 7 === 0).slice(0, 12);
    // One plan per region (a shard-key value is folded into the plan), bound to each id.
    await expectHits(9, async () => {
      for (const c of [...picks, { region: 'XX', id: 1 }, { region: 'EU', id: -1 }]) {
        await shop.oracle.check(
          shop.ctx,
          Customer,
          (q) => q.where((x, p) => x.region === p.region && x.id === p.id, { region: c.region, id: c.id }).toArray(),
          unordered,
        );
      }
    });
  });

  it('equality with null and with a value, in turn', async () => {
    await expectHits(3, async () => {
      for (const rating of [null, 3, null, 4, 5, null]) {
        await shop.oracle.check(
          shop.ctx,
          Customer,
          (q) =>
            q
              .where((x, p) => x.rating === p.rating, { rating })
              .orderBy((x) => x.id)
              .toArray(),
          ordered,
        );
      }
    });
  });

  it('IN lists of different lengths, with null, and empty', async () => {
    const ids = shop.data.customers.map((c) => c.id);
    // A list's values are folded into the plan (an IN list is not bound yet): only a repeated list hits.
    const lists: (number | null)[][] = [[ids[0]!], ids.slice(3, 8), [], [null, ids[9]!], ids.slice(10, 12), [ids[20]!], ids.slice(3, 8)];
    await expectHits(1, async () => {
      for (const list of lists) {
        await shop.oracle.check(shop.ctx, Customer, (q) => q.where((x, p) => p.ids.includes(x.id), { ids: list }).count(), ordered);
      }
    });
  });

  it('date ranges that reach other year shards, and a hashed key', async () => {
    const ranges = [
      ['2023-03-01', '2023-09-01'],
      ['2024-01-01', '2025-01-01'],
      ['2023-06-01', '2025-06-01'],
      ['2024-02-01', '2024-03-01'],
      ['2023-03-01', '2023-09-01'],
    ];
    // Range ends on the shard key pick the shards: only a repeated range hits.
    await expectHits(1, async () => {
      for (const [from, to] of ranges) {
        await shop.oracle.check(
          shop.ctx,
          Order,
          (q) =>
            q
              .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: new Date(from!), to: new Date(to!) })
              .orderBy((o) => o.orderDate)
              .thenBy((o) => o.id)
              .take(25)
              .toArray(),
          ordered,
        );
      }
    });
    for (const user of [1, 2, 3, 1, 7]) {
      await shop.oracle.check(shop.ctx, Event, (q) => q.where((e, p) => e.userId === p.user, { user }).count(), ordered);
    }
  });

  it('folded tests of params values: a flag, two values compared, a prefix', async () => {
    for (const [all, a, b, prefix] of [
      [0, 1, 1, 'A'],
      [1, 1, 2, 'B'],
      [0, 1, 2, 'C'],
      [0, 2, 2, ''],
      [2, null, null, 'Ad'],
    ] as const) {
      await shop.oracle.check(
        shop.ctx,
        Customer,
        (q) => q.where((x, p) => !!p.all || (p.a === p.b && x.name.startsWith(p.prefix)), { all, a, b, prefix }).count(),
        ordered,
      );
    }
  });

  it('client-side projections, group selects and terminal predicates read the values of their own execution', async () => {
    await expectHits(6, async () => {
      for (const [bonus, min] of [
        [10, 200],
        [1000, 1500],
        [-5, 0],
      ]) {
        await shop.oracle.check(
          shop.ctx,
          Customer,
          (q) =>
            q
              .select((x, p) => ({ id: x.id, bonus: x.score + p.bonus, tag: `${p.bonus}:${x.region}` }), { bonus })
              .where((x, p) => x.bonus > p.min, { min })
              .orderBy((x) => x.bonus)
              .thenBy((x) => x.id)
              .skip(2)
              .take(15)
              .toArray(),
          ordered,
        );
        await shop.oracle.check(
          shop.ctx,
          Customer,
          (q) =>
            q
              .groupBy((x) => x.region)
              .select((g) => ({ region: g.key, n: g.count() }))
              .where((r, p) => r.n > p.min, { min: min / 100 })
              .orderBy((r) => r.region)
              .toArray(),
          ordered,
        );
        await shop.oracle.check(
          shop.ctx,
          Customer,
          (q) =>
            q
              .orderBy((x) => x.id)
              .take(40)
              .count((x, p) => x.score > p.min, { min }),
          ordered,
        );
      }
    });
  });
});
