import { DtdeContext, type ModelBuilder, type ShardsBuilder } from '../../src/index.js';
import {
  Account,
  Archive,
  BUCKETS,
  Customer,
  configureAccount,
  configureShop,
  Event,
  Order,
  Product,
  REGIONS,
  YEARS,
} from '../support/shop-model.js';

// The shop the T-SQL corpus (tsql-corpus.ts) is recorded from: the shared test model with orders in
// one database per year and database-generated ids, the archive's manual tables in a schema, an
// account with a concurrency token and a GUID-keyed badge; and the query shapes run on it, the
// planner's and the end-to-end tests' (routing, paging on one shard and on many, orderings,
// projections, distinct with ordering, predicates, terminals, group by), with the query shapes of
// the T-SQL defects a real engine found (Msg 145, 164, 8117, GUID order).

/** A value-sharded entity keyed by a GUID, for uuid parameters and ordering by a uuid across shards. */
export class Badge {
  id!: string;
  region!: string;
  issued!: Date;
}

export class CorpusShop extends DtdeContext {
  badges = this.set(Badge);
  customers = this.set(Customer);
  orders = this.set(Order);
  events = this.set(Event);
  products = this.set(Product);
  archive = this.set(Archive);
  accounts = this.set(Account);

  protected override onModelCreating(mb: ModelBuilder): void {
    // Orders in one database per year with database-generated ids (INSERT … OUTPUT INSERTED),
    // the archive's manual tables in a schema.
    configureShop(mb, { orders: { storage: 'databases', generatedIds: true }, archive: { schema: 'dbo' } })
      .entity(Account, configureAccount)
      .entity(Badge, (e) => {
        e.toTable('Badges');
        e.key((b) => b.id);
        e.property((b) => b.id).uuid();
        e.property((b) => b.region).string(8);
        e.property((b) => b.issued).dateTime();
        e.shardBy((b) => b.region).withStorageMode('tables');
      });
  }
}

export function corpusShards(s: ShardsBuilder): ShardsBuilder {
  return s
    .addShards(...REGIONS)
    .addShardGroup('years', (g) => {
      for (const year of YEARS) g.addShard(year, { database: `shop_${year}` });
    })
    .addShardGroup('buckets', (g) =>
      g
        .addTableShardInDatabase(BUCKETS[0], { database: 'events_a' })
        .addTableShardInDatabase(BUCKETS[1], { database: 'events_a' })
        .addTableShardInDatabase(BUCKETS[2], { database: 'events_b' })
        .addTableShardInDatabase(BUCKETS[3], { database: 'events_b' }),
    );
}

export const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Queries over the shop, each run to its end (streamed with toArray, or its terminal awaited). */
export type Shape = readonly [name: string, run: (ctx: CorpusShop) => Promise<unknown>];

export const SHAPES: readonly Shape[] = [
  // Rows: routing, paging on one shard and across shards, orderings, projections.
  [
    'one shard, ordered page',
    (c) =>
      c.customers
        .where((x) => x.region === 'US')
        .orderBy((x) => x.name)
        .skip(10)
        .take(5)
        .toArray(),
  ],
  [
    'one shard, take only',
    (c) =>
      c.customers
        .where((x) => x.region === 'EU')
        .take(3)
        .toArray(),
  ],
  [
    'one shard, skip only',
    (c) =>
      c.customers
        .where((x) => x.region === 'US')
        .skip(7)
        .toArray(),
  ],
  [
    'fan-out ordered page',
    (c) =>
      c.customers
        .orderBy((x) => x.name)
        .skip(20)
        .take(10)
        .toArray(),
  ],
  [
    'fan-out skip only',
    (c) =>
      c.customers
        .orderBy((x) => x.name)
        .skip(7)
        .toArray(),
  ],
  [
    'descending then thenBy',
    (c) =>
      c.customers
        .orderByDescending((x) => x.rating)
        .thenBy((x) => x.name)
        .thenByDescending((x) => x.vip)
        .take(7)
        .toArray(),
  ],
  [
    'computed order key',
    (c) =>
      c.customers
        .orderBy((x) => x.createdAt.getUTCFullYear())
        .thenBy((x) => x.score % 7)
        .take(5)
        .toArray(),
  ],
  ['client projection', (c) => c.customers.select((x) => ({ who: x.name, where: x.region.toLowerCase() })).toArray()],
  ['projection reading no column', (c) => c.customers.select(() => 'x').toArray()],
  [
    'order after select',
    (c) =>
      c.customers
        .select((x) => ({ n: x.name, s: x.score }))
        .orderBy((x) => x.s)
        .take(4)
        .toArray(),
  ],
  [
    'order by a dropped column',
    (c) =>
      c.customers
        .orderBy((x) => x.email)
        .select((x) => x.name)
        .skip(2)
        .take(4)
        .toArray(),
  ],
  [
    'where after select',
    (c) =>
      c.customers
        .select((x) => ({ n: x.name, r: x.region }))
        .where((x) => x.r === 'US')
        .toArray(),
  ],
  ['paging without order', (c) => c.customers.skip(5).take(5).toArray()],
  [
    'take then skip',
    (c) =>
      c.customers
        .orderBy((x) => x.name)
        .take(10)
        .skip(4)
        .toArray(),
  ],
  [
    'key order only',
    (c) =>
      c.customers
        .orderByDescending((x) => x.id)
        .take(5)
        .toArray(),
  ],
  // Distinct with and without ordering, on one shard and many (SQL Server Msg 145 cases included).
  [
    'distinct, ordered',
    (c) =>
      c.customers
        .select((x) => ({ r: x.region, n: x.name }))
        .distinct()
        .orderBy((x) => x.n)
        .toArray(),
  ],
  [
    'distinct scalar, unordered',
    (c) =>
      c.customers
        .select((x) => x.name)
        .distinct()
        .toArray(),
  ],
  [
    'distinct with take',
    (c) =>
      c.customers
        .select((x) => x.region)
        .distinct()
        .take(2)
        .toArray(),
  ],
  [
    'distinct page on one shard',
    (c) =>
      c.customers
        .where((x) => x.region === 'EU')
        .select((x) => x.name)
        .distinct()
        .skip(1)
        .take(2)
        .toArray(),
  ],
  [
    'distinct coalesce, ordered',
    (c) =>
      c.customers
        .select((x) => x.rating ?? -100)
        .distinct()
        .orderByDescending((x) => x)
        .take(5)
        .toArray(),
  ],
  [
    'distinct floor, ordered',
    (c) =>
      c.orders
        .select((o) => Math.floor(o.total / 100))
        .distinct()
        .orderBy((x) => x)
        .take(5)
        .toArray(),
  ],
  [
    'distinct concatenation, ordered',
    (c) =>
      c.customers
        .select((x) => x.name + '-' + x.region)
        .distinct()
        .orderBy((x) => x)
        .toArray(),
  ],
  [
    'distinct product, ordered page',
    (c) =>
      c.customers
        .select((x) => x.score * 2)
        .distinct()
        .orderBy((x) => x)
        .skip(1)
        .take(3)
        .toArray(),
  ],
  // Predicates: null semantics, strings, IN, dates, arithmetic, LIKE escapes, float %.
  ['startsWith with wildcards', (c) => c.customers.where((x) => x.name.startsWith('A_%*[')).toArray()],
  [
    'endsWith and includes from params',
    (c) => c.customers.where((x, p) => x.name.endsWith(p.s) || x.email!.includes(p.t), { s: 'son', t: '[vip]' }).toArray(),
  ],
  ['IN from a params array', (c) => c.customers.where((x, p) => p.ids.includes(x.id), { ids: [1, 2, 3] }).toArray()],
  ['NOT IN with null', (c) => c.customers.where((x, p) => !p.ratings.includes(x.rating), { ratings: [1, null] }).toArray()],
  ['!== on a nullable column', (c) => c.customers.where((x) => x.email !== 'vip').toArray()],
  ['=== null', (c) => c.customers.where((x) => x.rating === null || x.rating === undefined).toArray()],
  ['length, trim and case', (c) => c.customers.where((x) => x.name.length > 3 && x.name.trim().toUpperCase() === 'ADA').toArray()],
  [
    'dates and ranges',
    (c) =>
      c.orders.where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: utc('2024-03-01'), to: utc('2025-02-01') }).toArray(),
  ],
  ['date parts', (c) => c.orders.where((o) => o.orderDate.getUTCMonth() === 5 && o.orderDate.getUTCDate() > 10).toArray()],
  [
    'arithmetic and Math',
    (c) => c.orders.where((o) => Math.round(o.total / 3) > Math.abs(o.customerId - 10) && Math.ceil(o.total) % 2 === 0).toArray(),
  ],
  ['float remainder (Msg 8117)', (c) => c.orders.where((o) => o.total % 0.5 === 0 && (o.customerId / 4) % 1 > 0).toArray()],
  ['Math.min / Math.max', (c) => c.customers.where((x) => Math.max(x.score, x.rating ?? 0) > Math.min(x.id, 5)).toArray()],
  ['conditional and ??', (c) => c.customers.where((x) => (x.vip ? x.score : (x.rating ?? 0)) > 2).toArray()],
  ['bigint values', (c) => c.events.where((e, p) => e.amount > p.min && e.amount !== 9007199254740993n, { min: -5n }).toArray()],
  ['template literal', (c) => c.customers.where((x) => `${x.name}:${x.region}` === 'Ada:EU').toArray()],
  [
    'hash bucket',
    (c) =>
      c.events
        .where((e) => e.userId === 42)
        .orderBy((e) => e.at)
        .toArray(),
  ],
  [
    'manual tables in a schema',
    (c) =>
      c.archive
        .where((a, p) => a.orderDate >= p.since, { since: utc('2021-01-01') })
        .orderBy((a) => a.total)
        .take(3)
        .toArray(),
  ],
  [
    'uuid order across shards',
    (c) =>
      c.badges
        .where((b, p) => b.id !== p.id, { id: '6f9619ff-8b86-d011-b42d-00c04fc964ff' })
        .orderBy((b) => b.id)
        .take(5)
        .toArray(),
  ],
  [
    'unsharded table',
    (c) =>
      c.products
        .where((p) => p.category === null || p.price > 10)
        .orderBy((p) => p.name)
        .toArray(),
  ],
  // Terminals: aggregates, element operators, any/all, client terminals.
  ['count(predicate)', (c) => c.customers.count((x) => x.rating! > 3)],
  [
    'count after distinct',
    (c) =>
      c.customers
        .select((x) => x.name)
        .distinct()
        .count(),
  ],
  ['sum', (c) => c.customers.where((x) => x.region !== 'APAC').sum((x) => x.rating!)],
  ['sum of bigint', (c) => c.events.sum((e) => e.amount)],
  ['sum of decimal', (c) => c.orders.sum((o) => o.total)],
  ['min of a date', (c) => c.customers.min((x) => x.createdAt)],
  ['max of a projection', (c) => c.customers.select((x) => x.name).max()],
  ['average', (c) => c.customers.average((x) => x.rating!)],
  ['any(predicate)', (c) => c.customers.any((x) => x.name === 'Ada')],
  ['all(predicate)', (c) => c.customers.all((x) => x.rating! > 0)],
  [
    'all over a filtered projection',
    (c) =>
      c.customers
        .where((x) => x.vip)
        .select((x) => ({ r: x.rating }))
        .all((x) => x.r !== null),
  ],
  ['first after orderBy', (c) => c.customers.orderBy((x) => x.name).firstOrDefault()],
  ['single(predicate)', (c) => c.customers.singleOrDefault((x) => x.id === 3)],
  [
    'firstOrDefault(predicate) after select',
    (c) =>
      c.customers
        .select((x) => ({ n: x.name, r: x.rating }))
        .orderBy((x) => x.n)
        .firstOrDefault((x) => x.r === 2),
  ],
  [
    'first after skip on one shard',
    (c) =>
      c.customers
        .where((x) => x.region === 'US')
        .orderBy((x) => x.name)
        .skip(3)
        .firstOrDefault(),
  ],
  [
    'first after skip across shards',
    (c) =>
      c.customers
        .orderBy((x) => x.name)
        .skip(3)
        .firstOrDefault(),
  ],
  [
    'aggregate after take',
    (c) =>
      c.orders
        .orderBy((o) => o.total)
        .take(5)
        .sum((o) => o.total),
  ],
  // Group by: keys of every kind, aggregates, where, constant keys (Msg 164 cases included).
  [
    'group by a column',
    (c) =>
      c.orders
        .groupBy((o) => o.customerId)
        .select((g) => ({ id: g.key, n: g.count(), avg: g.average((o) => o.total) }))
        .toArray(),
  ],
  [
    'group by an object key',
    (c) =>
      c.orders
        .groupBy((o) => ({ s: o.status, c: o.customerId }))
        .select((g) => ({ k: g.key, sum: g.sum((o) => o.total), hi: g.max((o) => o.orderDate) }))
        .toArray(),
  ],
  [
    'group by a computed key',
    (c) =>
      c.orders
        .groupBy((o) => o.orderDate.getUTCFullYear())
        .select((g) => ({ y: g.key, lo: g.min((o) => o.total) }))
        .toArray(),
  ],
  [
    'group by after where',
    (c) =>
      c.orders
        .where((o, p) => o.orderDate >= p.a && o.orderDate < p.b, { a: utc('2024-02-01'), b: utc('2024-06-01') })
        .groupBy((o) => o.status)
        .select((g) => ({ s: g.key, n: g.count() }))
        .toArray(),
  ],
  [
    'group by then order and take',
    (c) =>
      c.orders
        .groupBy((o) => o.status)
        .select((g) => ({ s: g.key, n: g.count() }))
        .orderByDescending((x) => x.n)
        .take(2)
        .toArray(),
  ],
  [
    'group by a params key',
    (c) =>
      c.orders
        .groupBy((_o, p) => p.all, { all: 'all' })
        .select((g) => ({ k: g.key, n: g.count(), t: g.sum((o) => o.total) }))
        .toArray(),
  ],
  [
    'group by a params key part',
    (c) =>
      c.customers
        .groupBy((x, p) => ({ r: x.region, tag: p.tag }), { tag: 't' })
        .select((g) => ({ k: g.key, n: g.count() }))
        .toArray(),
  ],
  [
    'group by a bigint sum',
    (c) =>
      c.events
        .groupBy((e) => e.kind)
        .select((g) => ({ k: g.key, total: g.sum((e) => e.amount), n: g.count() }))
        .toArray(),
  ],
];
