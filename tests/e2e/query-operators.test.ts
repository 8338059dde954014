import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/index.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer, Event, Order } from './support/shop-model.js';

// Query operators across shards: every query runs on real SQLite shards and on the in-memory
// evaluator over the same rows; the answers must agree (in order where the query is ordered).

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const ordered = { ordered: true };
const unordered = { ordered: false };

describe('rows: filters, ordering and paging', () => {
  it('fans out an ordered query and pages it once across shards', async () => {
    for (const [skip, take] of [
      [0, 10],
      [5, 10],
      [37, 25],
      [110, 20],
      [200, 5],
    ]) {
      await shop.oracle.check(
        shop.ctx,
        Customer,
        (q) =>
          q
            .orderBy((c) => c.name)
            .skip(skip)
            .take(take)
            .toArray(),
        ordered,
      );
    }
  });

  it('orders descending, then by more keys, with nulls where the database puts them', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderByDescending((c) => c.email)
          .thenBy((c) => c.score)
          .take(50)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.vip)
          .thenByDescending((c) => c.createdAt)
          .skip(3)
          .take(40)
          .toArray(),
      ordered,
    );
  });

  it('orders by boolean and nullable columns descending across shards', async () => {
    const o = shop.oracle;
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderByDescending((c) => c.vip)
          .thenByDescending((c) => c.email)
          .skip(5)
          .take(60)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .orderByDescending((o) => o.note)
          .thenBy((o) => o.total)
          .skip(100)
          .take(60)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .orderBy((o) => o.note ?? 'zzz')
          .take(60)
          .toArray(),
      ordered,
    );
  });

  it('orders by a computed key', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.score % 7)
          .thenBy((c) => c.id)
          .take(30)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .orderBy((o) => o.orderDate.getUTCMonth())
          .thenBy((o) => o.id)
          .skip(10)
          .take(30)
          .toArray(),
      ordered,
    );
  });

  it('thenBy after a select that renames fields, paged across shards', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ a: c.score, b: c.name, id: c.id }))
          .orderBy((x) => x.b)
          .thenBy((x) => x.a)
          .skip(3)
          .take(40)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ a: c.score % 5, b: c.name }))
          .orderBy((x) => x.a)
          .thenByDescending((x) => x.b)
          .skip(7)
          .take(30)
          .toArray(),
      ordered,
    );
  });

  it('pages without an ordering by the primary key', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.id)
          .skip(7)
          .take(9)
          .toArray(),
      ordered,
    );
    const page = await shop.ctx.customers.skip(7).take(9).toArray();
    expect(page.map((c) => c.id)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('take(0), skip beyond the end, take then skip', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.take(0).toArray(), ordered);
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.name)
          .skip(500)
          .take(5)
          .toArray(),
      ordered,
    );
    await o.check(shop.ctx, Customer, (q) => q.skip(500).count(), ordered);
    await o.check(shop.ctx, Customer, (q) => q.take(0).max((c) => c.score), ordered);
    await o.check(shop.ctx, Customer, (q) => q.take(0).firstOrDefault(), ordered);
    await o.check(shop.ctx, Customer, (q) => q.take(5).skip(10).toArray(), ordered);
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.region === 'US')
          .skip(500)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.region === 'US')
          .take(3)
          .skip(1)
          .toArray(),
      ordered,
    );
    await o.check(shop.ctx, Customer, (q) => q.skip(3).take(3).skip(1).toArray(), ordered);
  });

  it('filters with null semantics, strings, IN, dates and arithmetic', async () => {
    const cases = [
      (q: Queryable<Customer>) => q.where((c) => c.email === null).toArray(),
      (q: Queryable<Customer>) => q.where((c) => c.email !== 'user3@example.com').toArray(),
      (q: Queryable<Customer>) => q.where((c) => !(c.email === 'user3@example.com') && c.score > 0).toArray(),
      (q: Queryable<Customer>) => q.where((c) => c.name.startsWith('A')).toArray(),
      (q: Queryable<Customer>) => q.where((c) => c.name.endsWith('b') || c.name.includes('%_')).toArray(),
      (q: Queryable<Customer>) => q.where((c) => c.name.includes('[b]*?')).toArray(),
      (q: Queryable<Customer>) => q.where((c) => c.name.toLowerCase() === 'ada').toArray(),
      (q: Queryable<Customer>) => q.where((c, p) => p.regions.includes(c.region) && c.vip, { regions: ['EU', 'APAC'] }).toArray(),
      (q: Queryable<Customer>) => q.where((c) => ['Bob', 'Eve'].includes(c.name)).toArray(),
      (q: Queryable<Customer>) =>
        q
          .where((c, p) => c.createdAt >= p.from && c.createdAt < p.to, {
            from: new Date('2023-01-01T00:00:00Z'),
            to: new Date('2023-07-01T00:00:00Z'),
          })
          .toArray(),
      (q: Queryable<Customer>) => q.where((c) => c.createdAt.getUTCFullYear() === 2022 && c.createdAt.getUTCMonth() === 11).toArray(),
      (q: Queryable<Customer>) => q.where((c) => Math.abs(c.score - 50) < 10 || c.score * 2 > 250).toArray(),
      (q: Queryable<Customer>) => q.where((c) => (c.vip ? c.score : -c.score) > 20).toArray(),
      (q: Queryable<Customer>) => q.where((c) => (c.email ?? 'none') === 'none').toArray(),
      (q: Queryable<Customer>) => q.where((c) => c.name.length > 4).toArray(),
      (q: Queryable<Customer>) => q.where((c) => !c.vip).toArray(),
      (q: Queryable<Customer>) => q.where((c, p) => c.region === p.a && c.region === p.b, { a: 'EU', b: 'US' }).toArray(),
    ];
    for (const build of cases) await shop.oracle.check(shop.ctx, Customer, build, unordered);
  });

  it('params values that are Dates, bigints and arrays with null', async () => {
    const o = shop.oracle;
    const d = shop.data.customers.slice(0, 5).map((c) => c.createdAt);
    await o.check(shop.ctx, Customer, (q) => q.where((c, p) => p.ds.includes(c.createdAt), { ds: [...d, null] }).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c, p) => p.ids.includes(c.id), { ids: [1n, 2, 3n] }).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c, p) => c.score > p.x, { x: 10n }).toArray(), unordered);
    await o.check(shop.ctx, Event, (q) => q.where((e, p) => e.amount > p.x, { x: 5_000_000_000_000 }).toArray(), unordered);
    await o.check(shop.ctx, Event, (q) => q.where((e, p) => e.amount === p.x, { x: shop.data.events[3].amount }).toArray(), unordered);
    await o.check(
      shop.ctx,
      Customer,
      (q) => q.where((c, p) => p.ns.includes(c.email), { ns: [null] as (string | null)[] }).toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) => q.where((c, p) => !p.ns.includes(c.email), { ns: [null, 'user3@example.com'] }).toArray(),
      unordered,
    );
    await o.check(shop.ctx, Customer, (q) => q.where((c, p) => !p.ns.includes(c.region), { ns: ['EU'] }).toArray(), unordered);
    await o.check(
      shop.ctx,
      Customer,
      (q) => q.where((c, p) => !p.ns.includes(c.email), { ns: ['user3@example.com'] as (string | null)[] }).toArray(),
      unordered,
    );
  });
});

describe('projections and distinct', () => {
  it('projects on the client and orders or filters by projected values', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) => q.select((c) => ({ id: c.id, label: `${c.name} <${c.email ?? '-'}>` })).toArray(),
      unordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ n: c.name, s: c.score }))
          .orderBy((x) => x.n)
          .thenBy((x) => x.s)
          .take(30)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ r: c.region, n: c.name }))
          .where((x) => x.r === 'APAC')
          .toArray(),
      unordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => c.score)
          .orderByDescending((s) => s)
          .take(10)
          .toArray(),
      ordered,
    );
  });

  it('dedupes across shards', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => c.name)
          .distinct()
          .toArray(),
      unordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ n: c.name, v: c.vip }))
          .distinct()
          .orderBy((x) => x.n)
          .thenBy((x) => x.v)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .select((o) => o.status)
          .distinct()
          .orderBy((s) => s)
          .skip(1)
          .take(2)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => c.name.toUpperCase())
          .distinct()
          .toArray(),
      unordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.vip)
          .select((c) => c)
          .distinct()
          .orderBy((c) => c.id)
          .toArray(),
      ordered,
    );
  });

  it('distinct with skip/take on one shard and on many', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.region === 'EU')
          .select((c) => c.name)
          .distinct()
          .orderBy((n) => n)
          .skip(2)
          .take(3)
          .toArray(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ n: c.name, v: c.vip }))
          .distinct()
          .orderByDescending((x) => x.v)
          .thenBy((x) => x.n)
          .skip(2)
          .take(5)
          .toArray(),
      ordered,
    );
  });

  it('projections, paging and terminals in combination', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.select((c) => c.email).count((e) => e !== null), ordered);
    await o.check(shop.ctx, Customer, (q) => q.select((c) => c.name.toUpperCase()).max(), ordered);
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ row: c, n: c.name }))
          .orderBy((x) => x.row.score)
          .thenBy((x) => x.n)
          .take(20)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ n: c.name, s: c.score }))
          .select((x) => ({ m: x.n, t: x.s * 2 }))
          .distinct()
          .orderBy((y) => y.t)
          .thenBy((y) => y.m)
          .take(10)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ e: c.email === null, v: c.vip }))
          .distinct()
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c, p) => c.score > p.t, { t: 5 })
          .select((g) => ({ k: g.key, n: g.count() }))
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .groupBy((c) => c.region)
          .select((g, p) => ({ r: g.key, n: g.sum((c) => c.score * p.k) }), { k: 2 })
          .toArray(),
      unordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.score > 1000)
          .select((c) => c.score)
          .average(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.name)
          .select((c) => c.name)
          .distinct()
          .take(4)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => c.score)
          .orderBy((s) => s)
          .take(10)
          .skip(3)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.score)
          .take(10)
          .select((c) => c.score)
          .toArray(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.score)
          .skip(5)
          .take(10)
          .all((c) => c.score < 0),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.score)
          .skip(5)
          .take(10)
          .min((c) => c.name),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ n: c.name, s: c.score }))
          .orderBy((x) => x.s)
          .skip(3)
          .take(10)
          .single((x) => x.s === -50),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.region === 'EU')
          .orderBy((c) => c.score)
          .skip(2)
          .first(),
      ordered,
    );
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .where((c) => c.region === 'EU')
          .orderBy((c) => c.score)
          .skip(2)
          .take(5)
          .count(),
      ordered,
    );
  });
});

describe('element operators', () => {
  it('first, single and their OrDefault forms, including their errors', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.createdAt).first(), ordered);
    await o.check(shop.ctx, Customer, (q) => q.orderByDescending((c) => c.score).first((c) => c.region === 'US'), ordered);
    await o.check(shop.ctx, Customer, (q) => q.single((c) => c.id === 17), ordered);
    await o.check(shop.ctx, Customer, (q) => q.singleOrDefault((c) => c.id === 9999), ordered);
    await o.check(shop.ctx, Customer, (q) => q.firstOrDefault((c) => c.score > 1000), ordered);
    await o.check(shop.ctx, Customer, (q) => q.first((c) => c.score > 1000), ordered);
    await o.check(shop.ctx, Customer, (q) => q.single((c) => c.vip), ordered);
    await o.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .orderBy((c) => c.id)
          .take(3)
          .first((c) => c.id > 1),
      ordered,
    );
  });

  it('first/single after select, with params on both lambdas', async () => {
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) =>
        q
          .select((c) => ({ n: c.name, s: c.score }))
          .orderBy((x) => x.s)
          .first(),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) => q.select((c, p) => ({ n: c.name, s: c.score + p.k }), { k: 3 }).first((x, p) => x.s > p.m, { m: 100 }),
      ordered,
    );
    await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) => q.select((c, p) => ({ n: c.name, s: c.score + p.k, id: c.id }), { k: 3 }).single((x, p) => x.id === p.m, { m: 10 }),
      ordered,
    );
  });
});

describe('streaming', () => {
  it('yields merged rows with for await and stops the shards on break', async () => {
    const seen: number[] = [];
    for await (const c of shop.ctx.customers.orderBy((c) => c.id)) {
      seen.push(c.id);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const all: Customer[] = [];
    for await (const c of shop.ctx.customers.where((c) => c.vip)) all.push(c);
    expect(all.length).toBe(shop.data.customers.filter((c) => c.vip).length);
    expect(all[0]).toBeInstanceOf(Customer);
  });
});

describe('parallelism', () => {
  it('answers the same with maxParallelShards 1 and 4', async () => {
    const one = await openShop({ maxParallelShards: 1 });
    try {
      const queries: ((q: Queryable<Event>) => Promise<unknown>)[] = [
        (q) =>
          q
            .orderByDescending((e) => e.amount)
            .thenBy((e) => e.id)
            .skip(20)
            .take(20)
            .toArray(),
        (q) =>
          q
            .groupBy((e) => e.kind)
            .select((g) => ({ k: g.key, s: g.sum((e) => e.amount), a: g.average((e) => e.amount) }))
            .orderBy((x) => x.k)
            .toArray(),
        (q) =>
          q
            .select((e) => e.kind)
            .distinct()
            .orderBy((k) => k)
            .toArray(),
        (q) => q.where((e) => e.userId > 30).first(),
        (q) => q.any((e) => e.userId === 7),
      ];
      for (const build of queries) {
        await one.oracle.check(one.ctx, Event, build, ordered);
        const a = await build(one.ctx.set(Event) as unknown as Queryable<Event>);
        const b = await build(shop.ctx.set(Event) as unknown as Queryable<Event>);
        expect(a).toEqual(b);
      }
    } finally {
      await one.close();
    }
  });
});
