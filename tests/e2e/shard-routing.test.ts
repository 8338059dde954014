import { afterAll, beforeAll, describe, it } from 'vitest';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Archive, Customer, Event, Order, Product } from './support/shop-model.js';

// Routing on real shards: each query runs on the sharded SQLite shop and on the in-memory evaluator
// over the same rows, so a shard pruned by mistake shows as missing rows. (Which shards a query
// reads is proved in diagnostics.test.ts.)

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const ordered = { ordered: true };
const unordered = { ordered: false };

describe('value shards', () => {
  it('routes an equality on the shard key', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => c.region === 'EU').toArray(), unordered);
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c, p) => c.region === p.r, { r: 'US' })
          .orderBy((c) => c.name)
          .toArray(),
      ordered,
    );
  });
});

describe('date shards', () => {
  it('prunes ranges on date shards and reads each year from its own file', async () => {
    await shop.oracle.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, {
            from: new Date('2024-06-01T00:00:00Z'),
            to: new Date('2025-02-01T00:00:00Z'),
          })
          .orderBy((o) => o.orderDate)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .where((o) => o.note !== 'gift')
          .orderByDescending((o) => o.total)
          .take(15)
          .toArray(),
      ordered,
    );
  });

  it('prunes year shards at the interval boundaries', async () => {
    for (const d of ['2024-01-01T00:00:00.000Z', '2023-12-31T23:59:59.999Z', '2025-01-01T00:00:00.000Z']) {
      const p = { d: new Date(d) };
      await shop.oracle.check(shop.ctx, Order, (q) => q.where((o, p) => o.orderDate < p.d, p).count(), ordered);
      await shop.oracle.check(shop.ctx, Order, (q) => q.where((o, p) => o.orderDate <= p.d, p).count(), ordered);
      await shop.oracle.check(shop.ctx, Order, (q) => q.where((o, p) => o.orderDate > p.d, p).count(), ordered);
      await shop.oracle.check(shop.ctx, Order, (q) => q.where((o, p) => o.orderDate >= p.d, p).count(), ordered);
      await shop.oracle.check(shop.ctx, Order, (q) => q.where((o, p) => !(o.orderDate >= p.d), p).count(), ordered);
      await shop.oracle.check(shop.ctx, Order, (q) => q.where((o, p) => o.orderDate !== p.d, p).count(), ordered);
    }
  });

  it('rows exactly on a year boundary are found by =, <, <=, >, >= and IN', async () => {
    const s2 = await openShop();
    try {
      const extra = ['2024-01-01T00:00:00.000Z', '2023-12-31T23:59:59.999Z', '2025-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z'].map(
        (d, i) =>
          Object.assign(new Order(), { id: 10_000 + i, customerId: 1, orderDate: new Date(d), total: 1, status: 'new', note: null }),
      );
      await s2.ctx.bulkInsert(Order, extra);
      s2.data.orders.push(...extra);
      for (const e of extra) {
        const p = { d: e.orderDate };
        await s2.oracle.check(s2.ctx, Order, (q) => q.where((o, p) => o.orderDate === p.d, p).toArray(), unordered);
        await s2.oracle.check(s2.ctx, Order, (q) => q.where((o, p) => o.orderDate < p.d, p).count(), ordered);
        await s2.oracle.check(s2.ctx, Order, (q) => q.where((o, p) => o.orderDate <= p.d, p).count(), ordered);
        await s2.oracle.check(s2.ctx, Order, (q) => q.where((o, p) => o.orderDate > p.d, p).count(), ordered);
        await s2.oracle.check(s2.ctx, Order, (q) => q.where((o, p) => o.orderDate >= p.d, p).count(), ordered);
        await s2.oracle.check(s2.ctx, Order, (q) => q.where((o, p) => p.ds.includes(o.orderDate), { ds: [p.d] }).count(), ordered);
      }
    } finally {
      await s2.close();
    }
  });
});

describe('hash shards', () => {
  it('reads hash buckets spread over two files, and bigint values exactly', async () => {
    await shop.oracle.check(shop.ctx, Event, (q) => q.where((e) => e.userId === 7).toArray(), unordered);
    await shop.oracle.check(
      shop.ctx,
      Event,
      (q) =>
        q
          .where((e, p) => p.ids.includes(e.userId), { ids: [1, 2, 3, -4] })
          .orderBy((e) => e.amount)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Event,
      (q) =>
        q
          .orderByDescending((e) => e.amount)
          .thenBy((e) => e.id)
          .skip(20)
          .take(20)
          .toArray(),
      ordered,
    );
  });

  it('routes a hash key compared with a bigint params value', async () => {
    await shop.oracle.check(
      shop.ctx,
      Event,
      (q) => q.where((e, p) => e.userId === p.id, { id: 7n as number | bigint }).toArray(),
      unordered,
    );
  });

  it('routes a hash key IN a params list of bigints and null', async () => {
    await shop.oracle.check(
      shop.ctx,
      Event,
      (q) => q.where((e, p) => p.ids.includes(e.userId), { ids: [7n, 3n, null] as unknown as (number | null)[] }).toArray(),
      unordered,
    );
  });
});

describe('manual and unsharded tables', () => {
  it('reads manual tables and unsharded tables', async () => {
    await shop.oracle.check(
      shop.ctx,
      Archive,
      (q) =>
        q
          .where((a, p) => a.orderDate < p.d, { d: new Date('2019-06-01T00:00:00Z') })
          .orderBy((a) => a.orderDate)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Archive,
      (q) =>
        q
          .orderBy((a) => a.total)
          .take(12)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Product,
      (q) =>
        q
          .where((p) => p.category !== 'toys')
          .orderBy((p) => p.price)
          .skip(2)
          .take(10)
          .toArray(),
      ordered,
    );
  });
});

describe('predicates of every shape', () => {
  it('routes predicates of many shapes without losing rows', async () => {
    const o = shop.oracle;
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ r: c.region, id: c.id }))
          .where((x) => x.r !== 'EU')
          .toArray(),
      unordered,
    );
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.region === 'EU' || c.score > 100).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => !(c.region === 'EU')).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.region < 'F').toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.region.toLowerCase() === 'eu').toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.region === (c.vip ? 'EU' : 'US')).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => ['EU', null].includes(c.region)).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => (c.score && c.region === 'EU') as boolean).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => !(c.score || c.region !== 'EU')).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => (c.region === 'EU') === false).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => (c.region === 'EU' ? c.vip : c.region === 'US')).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.region + '' === 'EU').toArray(), unordered);
    await o.check(shop.ctx, Event, (q) => q.where((e) => e.userId === 7.5).toArray(), unordered);
    await o.check(shop.ctx, Event, (q) => q.where((e) => e.userId !== 7.5).count(), ordered);
    await o.check(shop.ctx, Event, (q) => q.where((e) => e.userId > 40 || e.userId === -4).toArray(), unordered);
    await o.check(shop.ctx, Event, (q) => q.where((e) => -e.userId === 4).toArray(), unordered);
    await o.check(shop.ctx, Event, (q) => q.where((e) => e.userId === -(-4)).toArray(), unordered);
    await o.check(shop.ctx, Event, (q) => q.where((e, p) => e.userId === p.x, { x: 2 ** 40 }).toArray(), unordered);
    await o.check(shop.ctx, Order, (q) => q.where((o) => o.orderDate.getUTCFullYear() === 2024).count(), ordered);
    await o.check(shop.ctx, Order, (q) => q.where((o, p) => o.orderDate !== p.d, { d: shop.data.orders[0].orderDate }).count(), ordered);
    await o.check(
      shop.ctx,
      Order,
      (q) => q.where((o, p) => o.orderDate === p.d, { d: shop.data.orders[0].orderDate }).toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Archive,
      (q) => q.where((a, p) => a.orderDate <= p.d || a.total > 90, { d: new Date('2018-01-01T00:00:00Z') }).toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Archive,
      (q) => q.where((a, p) => !(a.orderDate < p.d), { d: new Date('2020-01-01T00:00:00Z') }).toArray(),
      unordered,
    );
  });
});
