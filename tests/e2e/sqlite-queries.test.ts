import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/index.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Archive, Customer, Event, Order, Product } from './support/shop-model.js';

// Every query runs on real SQLite shards and on the in-memory evaluator over the same rows;
// the answers must agree (in order where the query is ordered).

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
  it('routes an equality on the shard key', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => c.region === 'EU').toArray(), unordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c, p) => c.region === p.r, { r: 'US' }).orderBy((c) => c.name).toArray(), ordered);
  });

  it('fans out an ordered query and pages it once across shards', async () => {
    for (const [skip, take] of [[0, 10], [5, 10], [37, 25], [110, 20], [200, 5]]) {
      await shop.oracle.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.name).skip(skip).take(take).toArray(), ordered);
    }
  });

  it('orders descending, then by more keys, with nulls where the database puts them', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.orderByDescending((c) => c.email).thenBy((c) => c.score).take(50).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.vip).thenByDescending((c) => c.createdAt).skip(3).take(40).toArray(), ordered);
  });

  it('orders by a computed key', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.score % 7).thenBy((c) => c.id).take(30).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Order, (q) => q.orderBy((o) => o.orderDate.getUTCMonth()).thenBy((o) => o.id).skip(10).take(30).toArray(), ordered);
  });

  it('pages without an ordering by the primary key', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.id).skip(7).take(9).toArray(), ordered);
    const page = await shop.ctx.customers.skip(7).take(9).toArray();
    expect(page.map((c) => c.id)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
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
      (q: Queryable<Customer>) => q.where((c, p) => c.createdAt >= p.from && c.createdAt < p.to, { from: new Date('2023-01-01T00:00:00Z'), to: new Date('2023-07-01T00:00:00Z') }).toArray(),
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

  it('prunes ranges on date shards and reads each year from its own file', async () => {
    await shop.oracle.check(
      shop.ctx,
      Order,
      (q) => q.where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: new Date('2024-06-01T00:00:00Z'), to: new Date('2025-02-01T00:00:00Z') }).orderBy((o) => o.orderDate).toArray(),
      ordered,
    );
    await shop.oracle.check(shop.ctx, Order, (q) => q.where((o) => o.note !== 'gift').orderByDescending((o) => o.total).take(15).toArray(), ordered);
  });

  it('reads hash buckets spread over two files, and bigint values exactly', async () => {
    await shop.oracle.check(shop.ctx, Event, (q) => q.where((e) => e.userId === 7).toArray(), unordered);
    await shop.oracle.check(shop.ctx, Event, (q) => q.where((e, p) => p.ids.includes(e.userId), { ids: [1, 2, 3, -4] }).orderBy((e) => e.amount).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Event, (q) => q.orderByDescending((e) => e.amount).thenBy((e) => e.id).skip(20).take(20).toArray(), ordered);
  });

  it('reads manual tables and unsharded tables', async () => {
    await shop.oracle.check(shop.ctx, Archive, (q) => q.where((a, p) => a.orderDate < p.d, { d: new Date('2019-06-01T00:00:00Z') }).orderBy((a) => a.orderDate).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Archive, (q) => q.orderBy((a) => a.total).take(12).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Product, (q) => q.where((p) => p.category !== 'toys').orderBy((p) => p.price).skip(2).take(10).toArray(), ordered);
  });
});

describe('projections and distinct', () => {
  it('projects on the client and orders or filters by projected values', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => ({ id: c.id, label: `${c.name} <${c.email ?? '-'}>` })).toArray(), unordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => ({ n: c.name, s: c.score })).orderBy((x) => x.n).thenBy((x) => x.s).take(30).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => ({ r: c.region, n: c.name })).where((x) => x.r === 'APAC').toArray(), unordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => c.score).orderByDescending((s) => s).take(10).toArray(), ordered);
  });

  it('dedupes across shards', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => c.name).distinct().toArray(), unordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => ({ n: c.name, v: c.vip })).distinct().orderBy((x) => x.n).thenBy((x) => x.v).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Order, (q) => q.select((o) => o.status).distinct().orderBy((s) => s).skip(1).take(2).toArray(), ordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => c.name.toUpperCase()).distinct().toArray(), unordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => c.vip).select((c) => c).distinct().orderBy((c) => c.id).toArray(), ordered);
  });
});

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
    await o.check(shop.ctx, Event, (q) => q.sum((e) => e.amount), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.score > 1000).sum((c) => c.score), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.score > 1000).average((c) => c.score), ordered);
    await o.check(shop.ctx, Customer, (q) => q.where((c) => c.score > 1000).min((c) => c.score), ordered);
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

  it('aggregates after paging on the merged page', async () => {
    await shop.oracle.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.name).thenBy((c) => c.id).take(25).sum((c) => c.score), ordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.score).skip(10).take(5).count(), ordered);
    await shop.oracle.check(shop.ctx, Customer, (q) => q.select((c) => c.name).distinct().count(), ordered);
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
    await o.check(shop.ctx, Customer, (q) => q.orderBy((c) => c.id).take(3).first((c) => c.id > 1), ordered);
  });
});

describe('groupBy', () => {
  it('merges partial groups, with average exact inside groups', async () => {
    const o = shop.oracle;
    await o.check(shop.ctx, Customer, (q) => q.groupBy((c) => c.region).select((g) => ({ region: g.key, n: g.count(), avg: g.average((c) => c.score) })).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.groupBy((c) => c.name).select((g) => ({ name: g.key, total: g.sum((c) => c.score), lo: g.min((c) => c.createdAt), hi: g.max((c) => c.email) })).toArray(), unordered);
    await o.check(shop.ctx, Order, (q) => q.groupBy((o) => ({ status: o.status, year: o.orderDate.getUTCFullYear() })).select((g) => ({ k: g.key, n: g.count(), mean: g.sum((o) => o.total) / g.count() })).toArray(), unordered);
    await o.check(shop.ctx, Order, (q) => q.where((o) => o.status !== 'cancelled').groupBy((o) => o.customerId).select((g) => ({ c: g.key, t: g.sum((o) => o.total) })).orderByDescending((x) => x.t).thenBy((x) => x.c).take(10).toArray(), ordered);
    await o.check(shop.ctx, Event, (q) => q.groupBy((e) => e.kind).select((g) => ({ kind: g.key, amount: g.sum((e) => e.amount) })).toArray(), unordered);
    await o.check(shop.ctx, Customer, (q) => q.groupBy((c) => c.region).select((g) => ({ r: g.key, n: g.count() })).where((x) => x.n > 30).count(), ordered);
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
