import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueryShardMessage } from '../../src/index.js';
import { hashBucket } from '../../src/routing/stable-hash.js';
import { listenDiagnostics, type DiagnosticsLog } from './support/listen-diagnostics.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { reopenShop } from './support/reopen-shop.js';
import { BUCKETS, REGIONS, YEARS } from '../support/shop-model.js';
import { Archive, ARCHIVE_SPLIT, Customer, Event, Order, Product } from './support/shop-model.js';

// Pruning proved from the outside: a diagnostics_channel subscriber, as a user would attach one,
// sees exactly the shards a routed query must read, one message per shard command, and one end.
// Routed answers are also checked against the in-memory evaluator (which publishes nothing).

let shop: OpenShop;
let log: DiagnosticsLog;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});
afterEach(() => log?.stop());

const ordered = { ordered: true };
const unordered = { ordered: false };
const d = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

/** The shard ids the subscriber saw: the plan's, and the shard commands' (in plan order). */
function shardsSeen(): { planned: readonly string[]; ran: string[] } {
  expect(log.plans).toHaveLength(1);
  const planned = log.plans[0]!.shardIds;
  const ran = log.shards.map((s) => s.shardId).sort((a, b) => planned.indexOf(a) - planned.indexOf(b));
  return { planned, ran };
}

/** One clean, finished shard command: no error, not cancelled, a duration that is a number. */
function expectFinished(message: QueryShardMessage): void {
  expect(message.error).toBeUndefined();
  expect(message.cancelled).toBeUndefined();
  expect(typeof message.durationMs).toBe('number');
  expect(message.durationMs).toBeGreaterThanOrEqual(0);
}

describe('a subscriber sees exactly the shards a routed query needs', () => {
  it('routes an equality on the value key to its one table shard', async () => {
    log = listenDiagnostics();
    const rows = await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => c.region === 'EU').toArray(), unordered);
    const expected = shop.data.customers.filter((c) => c.region === 'EU');

    expect(shardsSeen()).toEqual({ planned: ['EU'], ran: ['EU'] });
    expect(rows.map((c) => c.id).sort((a, b) => a - b)).toEqual(expected.map((c) => c.id));
    expect(log.shards[0]!.rowCount).toBe(expected.length);
    expect(log.done).toHaveLength(1);
    expect(log.done[0]).toMatchObject({ entity: 'Customer', rowCount: expected.length });
  });

  it('routes a parameter array of keys to those shards only', async () => {
    log = listenDiagnostics();
    const rows = await shop.oracle.check(
      shop.ctx,
      Customer,
      (q) => q.where((c, p) => p.regions.includes(c.region), { regions: ['EU', 'APAC'] }).toArray(),
      unordered,
    );

    expect(shardsSeen()).toEqual({ planned: ['EU', 'APAC'], ran: ['EU', 'APAC'] });
    expect(rows).toHaveLength(shop.data.customers.filter((c) => c.region !== 'US').length);
    expect(new Set(rows.map((c) => c.region))).toEqual(new Set(['EU', 'APAC']));
  });

  it('reads every shard when the filter is on a column that is not the shard key', async () => {
    log = listenDiagnostics();
    const rows = await shop.oracle.check(shop.ctx, Customer, (q) => q.where((c) => c.name === 'EU').toArray(), unordered);

    expect(shardsSeen()).toEqual({ planned: [...REGIONS], ran: [...REGIONS] });
    expect(rows).toEqual([]);
    for (const message of log.shards) expect(message.rowCount).toBe(0);
  });

  it('routes a date range inside one year to that year’s file', async () => {
    log = listenDiagnostics();
    const params = { from: d('2024-03-01'), to: d('2024-09-01') };
    const n = await shop.oracle.check(
      shop.ctx,
      Order,
      (q) => q.where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, params).count(),
      ordered,
    );

    expect(shardsSeen()).toEqual({ planned: ['years::2024'], ran: ['years::2024'] });
    expect(n).toBe(shop.data.orders.filter((o) => o.orderDate >= params.from && o.orderDate < params.to).length);
    expect(log.shards[0]!.rowCount).toBe(1); // one COUNT row
    expect(log.done[0]).toMatchObject({ entity: 'Order', rowCount: 1 });
  });

  it('routes a date range across a year boundary to the two years it covers', async () => {
    log = listenDiagnostics();
    const params = { from: d('2024-06-01'), to: d('2025-02-01') };
    const rows = await shop.oracle.check(
      shop.ctx,
      Order,
      (q) =>
        q
          .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, params)
          .orderBy((o) => o.orderDate)
          .toArray(),
      ordered,
    );
    const expected = shop.data.orders.filter((o) => o.orderDate >= params.from && o.orderDate < params.to);

    expect(shardsSeen()).toEqual({ planned: ['years::2024', 'years::2025'], ran: ['years::2024', 'years::2025'] });
    expect(rows).toHaveLength(expected.length);
    const perYear = (year: number): number => expected.filter((o) => o.orderDate.getUTCFullYear() === year).length;
    expect(log.shards.find((s) => s.shardId === 'years::2024')!.rowCount).toBe(perYear(2024));
    expect(log.shards.find((s) => s.shardId === 'years::2025')!.rowCount).toBe(perYear(2025));
  });

  it('routes a hash key to the one bucket the stable hash names', async () => {
    log = listenDiagnostics();
    const bucket = `buckets::${BUCKETS[hashBucket(7, BUCKETS.length)]}`;
    const rows = await shop.oracle.check(shop.ctx, Event, (q) => q.where((e) => e.userId === 7).toArray(), unordered);
    const expected = shop.data.events.filter((e) => e.userId === 7);

    expect(expected.length).toBeGreaterThan(0); // the data set has rows for this key
    expect(shardsSeen()).toEqual({ planned: [bucket], ran: [bucket] });
    expect(rows.map((e) => e.id).sort((a, b) => a - b)).toEqual(expected.map((e) => e.id));
    expect(log.shards[0]!.rowCount).toBe(expected.length);
  });

  it('runs no shard command at all for contradictory predicates', async () => {
    log = listenDiagnostics();
    const rows = await shop.ctx.customers.where((c, p) => c.region === p.a && c.region === p.b, { a: 'EU', b: 'US' }).toArray();

    expect(rows).toEqual([]);
    expect(log.plans).toEqual([
      { entity: 'Customer', shardIds: [], noShardMatched: true, reason: 'the filters on shard key region allow no shard of Customer' },
    ]);
    expect(log.shards).toEqual([]);
    expect(log.done).toHaveLength(1);
    expect(log.done[0]).toMatchObject({ entity: 'Customer', rowCount: 0 });

    log.clear();
    // A date range before the first year file: no shard can hold it.
    await expect(shop.ctx.orders.where((o, p) => o.orderDate < p.before, { before: d('2020-01-01') }).count()).resolves.toBe(0);
    expect(log.plans).toEqual([
      { entity: 'Order', shardIds: [], noShardMatched: true, reason: 'the filters on shard key orderDate allow no shard of Order' },
    ]);
    expect(log.shards).toEqual([]);
  });

  it('reads only the manual table whose predicate can match', async () => {
    log = listenDiagnostics();
    const before = d('2019-06-01');
    const rows = await shop.oracle.check(
      shop.ctx,
      Archive,
      (q) => q.where((a, p) => a.orderDate < p.before, { before }).toArray(),
      unordered,
    );

    expect(before < ARCHIVE_SPLIT).toBe(true);
    expect(shardsSeen()).toEqual({ planned: ['ArchiveOld'], ran: ['ArchiveOld'] });
    expect(rows).toHaveLength(shop.data.archive.filter((a) => a.orderDate < before).length);
    expect(log.shards[0]!.rowCount).toBe(rows.length);
  });

  it('reads the single table of an unsharded entity', async () => {
    log = listenDiagnostics();
    const rows = await shop.oracle.check(shop.ctx, Product, (q) => q.where((p) => p.price > 100).toArray(), unordered);

    expect(shardsSeen()).toEqual({ planned: ['Products'], ran: ['Products'] });
    expect(log.shards[0]!.rowCount).toBe(rows.length);
    expect(rows).toHaveLength(shop.data.products.filter((p) => p.price > 100).length);
  });
});

describe('messages of a fanned-out query', () => {
  it('publishes one message per table shard with its SQL and the rows it returned', async () => {
    log = listenDiagnostics();
    const query = shop.ctx.customers.where((c) => c.score > 0);
    const rows = await query.toArray();
    const sqlOf = new Map(query.explain().commands.map((c) => [c.shardId, c.sql]));

    expect(shardsSeen()).toEqual({ planned: [...REGIONS], ran: [...REGIONS] });
    for (const message of log.shards) {
      expectFinished(message);
      expect(message.sql).toBe(sqlOf.get(message.shardId));
      expect(message.sql).toContain(`FROM "Customers_${message.shardId}"`);
      expect(message.rowCount).toBe(shop.data.customers.filter((c) => c.region === message.shardId && c.score > 0).length);
    }
    expect(log.done).toHaveLength(1);
    expect(log.done[0]!.rowCount).toBe(rows.length);
    expect(typeof log.done[0]!.durationMs).toBe('number');
    expect(log.done[0]!.error).toBeUndefined();
  });

  it('names database-mode shards group::id, one message per year file', async () => {
    log = listenDiagnostics();
    const rows = await shop.ctx.orders.orderByDescending((o) => o.total).toArray();

    const years = YEARS.map((y) => `years::${y}`);
    expect(shardsSeen()).toEqual({ planned: years, ran: years });
    for (const message of log.shards) {
      expectFinished(message);
      expect(message.sql).toContain('FROM "Orders"');
      const year = Number(message.shardId.slice('years::'.length));
      expect(message.rowCount).toBe(shop.data.orders.filter((o) => o.orderDate.getUTCFullYear() === year).length);
    }
    expect(log.done[0]!.rowCount).toBe(rows.length);
    expect(rows).toHaveLength(shop.data.orders.length);
  });

  it('names table shards of another file group::id, with each bucket’s rows', async () => {
    log = listenDiagnostics();
    await shop.ctx.events.toArray();

    const buckets = BUCKETS.map((b) => `buckets::${b}`);
    expect(shardsSeen()).toEqual({ planned: buckets, ran: buckets });
    for (const message of log.shards) {
      expectFinished(message);
      const bucket = (BUCKETS as readonly string[]).indexOf(message.shardId.slice('buckets::'.length));
      expect(message.sql).toContain(`FROM "Events_${BUCKETS[bucket]}"`);
      expect(message.rowCount).toBe(shop.data.events.filter((e) => hashBucket(e.userId, BUCKETS.length) === bucket).length);
    }
  });

  it('counts one row per shard for an aggregate and one value at the end', async () => {
    log = listenDiagnostics();
    const n = await shop.ctx.customers.count((c) => c.vip);

    expect(n).toBe(shop.data.customers.filter((c) => c.vip).length);
    expect(log.shards.map((s) => s.rowCount)).toEqual([1, 1, 1]);
    expect(log.shards.every((s) => /COUNT\(\*\)/.test(s.sql))).toBe(true);
    expect(log.done).toHaveLength(1);
    expect(log.done[0]).toMatchObject({ entity: 'Customer', rowCount: 1 });
  });

  it('sends each shard of a paged ordered query at most skip + take rows', async () => {
    log = listenDiagnostics();
    const page = await shop.ctx.orders
      .orderBy((o) => o.total)
      .skip(3)
      .take(4)
      .toArray();

    expect(page).toHaveLength(4);
    expect(log.shards).toHaveLength(3);
    for (const message of log.shards) {
      expect(message.error).toBeUndefined();
      // A shard the merge no longer needed may be cancelled part-way; one that finished sent its limit.
      if (message.cancelled === true) expect(message.rowCount).toBeLessThanOrEqual(7);
      else expect(message.rowCount).toBe(7);
    }
    expect(log.done[0]!.rowCount).toBe(4);
  });
});

describe('toQueryString and explain, without I/O', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dtde-e2e-noio-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders per-shard SQL in both dialects over a folder with no database in it', async () => {
    const { ctx } = reopenShop(dir); // never ensureCreated: no file exists
    try {
      const routed = ctx.customers
        .where((c) => c.region === 'EU')
        .orderBy((c) => c.name)
        .skip(10)
        .take(5);
      const cols = (a: string, q: (s: string) => string): string =>
        ['id', 'region', 'name', 'email', 'createdAt', 'vip', 'score', 'rating'].map((c) => `${q(a)}.${q(c)} AS ${q(c)}`).join(', ');
      const dq = (s: string): string => `"${s}"`;
      const br = (s: string): string => `[${s}]`;

      // One shard: sent whole, with its own paging, and without the region test every row of
      // Customers_EU passes by construction.
      expect(routed.toQueryString()).toBe(
        '-- shard EU ("Customers_EU")\n' +
          `SELECT ${cols('c', dq)} FROM "Customers_EU" AS "c" ORDER BY "c"."name" ASC, "c"."id" ASC LIMIT 5 OFFSET 10;`,
      );
      expect(routed.toQueryString({ dialect: 'mssql' })).toBe(
        '-- shard EU ([Customers_EU])\n' +
          `SELECT ${cols('c', br)} FROM [Customers_EU] AS [c] ORDER BY [c].[name] ASC, [c].[id] ASC OFFSET @p0 ROWS FETCH NEXT @p1 ROWS ONLY;`,
      );

      // Two year files: each gets skip + take rows, no offset; the merge pages once.
      const fanned = ctx.orders
        .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: d('2024-06-01'), to: d('2025-02-01') })
        .orderByDescending((o) => o.total)
        .skip(10)
        .take(5);
      const orderCols = (q: (s: string) => string): string =>
        ['id', 'customerId', 'orderDate', 'total', 'status', 'note'].map((c) => `${q('o')}.${q(c)} AS ${q(c)}`).join(', ');
      // Each year keeps only the bound that cuts into it: 2024 lies wholly before 2025-02-01.
      const sqliteOrders = (op: string) =>
        `SELECT ${orderCols(dq)} FROM "Orders" AS "o" WHERE "o"."orderDate" ${op} ? ORDER BY "o"."total" DESC, "o"."id" ASC LIMIT 15;`;
      const mssqlOrders = (op: string) =>
        `SELECT TOP (@p0) ${orderCols(br)} FROM [Orders] AS [o] WHERE [o].[orderDate] ${op} @p1 ORDER BY [o].[total] DESC, [o].[id] ASC;`;
      expect(fanned.toQueryString()).toBe(
        `-- shard years::2024 ("Orders")\n${sqliteOrders('>=')}\n\n-- shard years::2025 ("Orders")\n${sqliteOrders('<')}`,
      );
      expect(fanned.toQueryString({ dialect: 'mssql' })).toBe(
        `-- shard years::2024 ([Orders])\n${mssqlOrders('>=')}\n\n-- shard years::2025 ([Orders])\n${mssqlOrders('<')}`,
      );

      // No shard can match: said so, still without I/O.
      const none = ctx.customers.where((c, p) => c.region === p.a && c.region === p.b, { a: 'EU', b: 'US' });
      expect(none.toQueryString()).toMatch(/^-- no shard can hold matching rows/);

      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('explains the shards, their SQL and parameters, and the merge kind', async () => {
    const { ctx } = reopenShop(dir);
    try {
      const fanned = ctx.orders
        .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: d('2024-06-01'), to: d('2025-02-01') })
        .orderByDescending((o) => o.total)
        .skip(10)
        .take(5)
        .explain();
      expect(fanned.entity).toBe('Order');
      expect(fanned.dialect).toBe('sqlite');
      expect(fanned.terminal).toBe('stream');
      expect(fanned.commands.map((c) => [c.shardId, c.table])).toEqual([
        ['years::2024', '"Orders"'],
        ['years::2025', '"Orders"'],
      ]);
      // Each year keeps only the bound that cuts into it (all of 2024 is before 2025-02-01).
      expect(fanned.commands[0]!.parameters).toEqual(['2024-06-01T00:00:00.000Z']);
      expect(fanned.commands[1]!.parameters).toEqual(['2025-02-01T00:00:00.000Z']);
      expect(fanned.merge).toMatchObject({
        kind: 'ordered',
        keys: [
          { field: 'total', descending: true },
          { field: 'id', descending: false },
        ],
        skip: 10,
        take: 5,
      });

      const routed = ctx.customers.where((c) => c.region === 'APAC').explain({ dialect: 'mssql' });
      expect(routed.dialect).toBe('mssql');
      expect(routed.commands.map((c) => [c.shardId, c.table])).toEqual([['APAC', '[Customers_APAC]']]);
      expect(routed.merge.kind).toBe('concat');

      expect(
        ctx.customers
          .select((c) => c.name)
          .distinct()
          .explain().merge.kind,
      ).toBe('distinct');
      expect(ctx.customers.explain().commands.map((c) => c.shardId)).toEqual([...REGIONS]);

      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('toQueryString and explain for several shapes, both dialects', async () => {
    const qs = [
      shop.ctx.customers
        .where((c) => c.region === 'EU')
        .orderBy((c) => c.name)
        .skip(2)
        .take(3),
      shop.ctx.customers
        .select((c) => ({ n: c.name }))
        .distinct()
        .orderBy((x) => x.n)
        .take(3),
      shop.ctx.customers.groupBy((c) => c.region).select((g) => ({ r: g.key, n: g.count() })),
      shop.ctx.orders.where((o, p) => o.orderDate >= p.d, { d: new Date('2025-01-01T00:00:00Z') }),
      shop.ctx.customers.take(0),
    ];
    for (const q of qs) {
      expect(typeof q.toQueryString()).toBe('string');
      expect(typeof q.toQueryString({ dialect: 'mssql' })).toBe('string');
      q.explain();
    }
  });
});
