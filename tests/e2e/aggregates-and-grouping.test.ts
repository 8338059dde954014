import { afterAll, beforeAll, describe, it } from 'vitest';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer, Event, Order } from './support/shop-model.js';

// Aggregates and groupBy across shards: each shard computes partials the merge combines exactly,
// or the terminal runs on the merged rows. Every query runs on real SQLite shards and on the
// in-memory evaluator over the same rows; the answers must agree.

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const ordered = { ordered: true };
const unordered = { ordered: false };

describe('aggregates', () => {
  it('counts, sums, compares and averages exactly across shards', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.count(), ordered);
    await o.check(shop.ctx, Customer, (q) => q.count((c) => c.vip), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.region === 'EU').count(), ordered);
    await o.check(shop.ctx, Customer, (q) => q.sum((c) => c.score), ordered);
    await o.check(shop.ctx, Customer, (q) => q.min((c) => c.createdAt), ordered);
    await o.check(shop.ctx, Customer, (q) => q.max((c) => c.name), ordered);
    await o.check(shop.ctx, Customer, (q) => q.average((c) => c.score), ordered);
    await o.check(shop.ctx, Customer, (q) => q.select((c) => c.score).average(), ordered);
    // rating is nullable: sum and average skip nulls, all() counts a null as not matching.
    await o.check(shop.ctx, Customer, (q) => q.sum((c) => c.rating!), ordered);
    await o.check(shop.ctx, Customer, (q) => q.average((c) => c.rating!), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.rating !== null).all((c) => c.rating! >= 0), ordered);
    await o.check(shop.ctx, Event, (q) => q.sum((e) => e.amount), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.score > 1000).sum((c) => c.score), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.score > 1000).average((c) => c.score), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.score > 1000).min((c) => c.score), ordered);
  });

  it('min/max over strings, booleans, dates, bigints and all-null values', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.min((c) => c.name), ordered);
    await o.check(shop.ctx, Customer, (q) => q.max((c) => c.vip), ordered);
    await o.check(shop.ctx, Customer, (q) => q.min((c) => c.vip), ordered);
    await o.check(shop.ctx, Customer, (q) => q.max((c) => c.email), ordered);
    await o.check(shop.ctx, Order, (q) => q.max((o) => o.orderDate), ordered);
    await o.check(shop.ctx, Event, (q) => q.min((e) => e.amount), ordered);
    await o.check(shop.ctx, Customer, (q) => q.select((c) => c.createdAt).max(), ordered);
    await o.check(shop.ctx, Customer, (q) => q.max((c) => c.score > 100), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.email === null).max((c) => c.email), ordered);
  });

  it('sum/average of bigints on the client path and pushed down', async () => {
    await shop.oracle.check(
      shop.ctx,
      Event,
      (q) =>
        q
          .orderBy((e) => e.at)
          .take(50)
          .sum((e) => e.amount),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Event,
      (q) =>
        q
          .orderBy((e) => e.at)
          .take(50)
          .average((e) => e.amount),
      ordered,
    );
    await shop.oracle.check(shop.ctx, Event, (q) => q.average((e) => e.amount), ordered);
    await shop.oracle.check(
      shop.ctx,
      Event,
      (q) =>
        q
          .select((e) => e.amount)
          .distinct()
          .sum(),
      ordered,
    );
  });

  it('average of ints is not integer division, also inside groups', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.average((c) => c.score), ordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => c.region === 'EU').average((c) => c.score), ordered);
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.vip)
          .select((g) => ({ k: g.key, a: g.average((c) => c.score), b: g.sum((c) => c.score) / g.count() }))
          .toArray(),
      unordered,
    );
  });

  it('decides any and all, with and without predicates', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.any(), ordered);
    await o.check(shop.ctx, Customer, (q) => q.any((c) => c.score > 140), ordered);
    await o.check(shop.ctx, Customer, (q) => q.any((c) => c.score > 1000), ordered);
    await o.check(shop.ctx, Customer, (q) => q.all((c) => c.score >= -50), ordered);
    await o.check(shop.ctx, Customer, (q) => q.all((c) => c.email !== null), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.region === 'EU').all((c) => c.region === 'EU'), ordered);
  });

  it('count/any/all/sum after select compose params {outer, inner}', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) => q.select((c, p) => ({ s: c.score * p.k }), { k: 2 }).count((x, p) => x.s > p.k, { k: 50 }),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) => q.select((c, p) => ({ s: c.score * p.k }), { k: 2 }).any((x, p) => x.s > p.k, { k: 290 }),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) => q.select((c, p) => ({ s: c.score * p.k }), { k: 2 }).all((x, p) => x.s > p.k, { k: -101 }),
      ordered,
    );
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c, p) => ({ s: c.score * p.k }), { k: 2 }).sum((x) => x.s), ordered);
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c, p) => c.score * p.k, { k: 2 })
          .where((s, p) => s > p.k, { k: 0 })
          .average(),
      ordered,
    );
  });

  it('aggregates after paging on the merged page', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.name)
          .thenBy((c) => c.id)
          .take(25)
          .sum((c) => c.score),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.score)
          .skip(10)
          .take(5)
          .count(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => c.name)
          .distinct()
          .count(),
      ordered,
    );
  });

  it('min/max after paging on the client', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.id)
          .take(60)
          .max((c) => c.name),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.id)
          .take(60)
          .min((c) => c.email),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.id)
          .take(60)
          .select((c) => c.createdAt)
          .max(),
      ordered,
    );
  });
});

describe('groupBy', () => {
  it('merges partial groups, with average exact inside groups', async () => {
    const o = shop.oracle;
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.region)
          .select((g) => ({ region: g.key, n: g.count(), avg: g.average((c) => c.score) }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.name)
          .select((g) => ({ name: g.key, total: g.sum((c) => c.score), lo: g.min((c) => c.createdAt), hi: g.max((c) => c.email) }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .groupBy((o) => ({ status: o.status, year: o.orderDate.getUTCFullYear() }))
          .select((g) => ({ k: g.key, n: g.count(), mean: g.sum((o) => o.total) / g.count() }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .where((o) => o.status !== 'cancelled')
          .groupBy((o) => o.customerId)
          .select((g) => ({ c: g.key, t: g.sum((o) => o.total) }))
          .orderByDescending((x) => x.t)
          .thenBy((x) => x.c)
          .take(10)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Event,
      (q) =>
        q
          .groupBy((e) => e.kind)
          .select((g) => ({ kind: g.key, amount: g.sum((e) => e.amount) }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.region)
          .select((g) => ({ r: g.key, n: g.count() }))
          .where((x) => x.n > 30)
          .count(),
      ordered,
    );
  });

  it('group keys that are null, booleans, dates, bigints and computed', async () => {
    const o = shop.oracle;
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.email)
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.createdAt.getUTCFullYear())
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.score > 50)
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => ({ v: c.vip, m: c.createdAt.getUTCMonth() }))
          .select((g) => ({ k: g.key, n: g.count(), mx: g.max((c) => c.createdAt) }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .groupBy((o) => o.orderDate)
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Event,
      (q) =>
        q
          .groupBy((e) => e.amount)
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .groupBy((o) => o.note)
          .select((g) => ({ k: g.key, n: g.count() }))
          .orderBy((x) => x.k)
          .toArray(),
      ordered,
    );
  });
});
