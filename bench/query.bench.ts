// Query speed: dtde over shards against the raw driver on one unsharded table, same rows, same run.
//
// Built once in a temp folder: customers value-sharded over 4 table shards in shop.db, orders
// date-sharded over 3 yearly files (orders-2023.db ...), both loaded with bulkLoad; and the same
// rows in one "Customers" and one "Orders" table in baseline.db. Per scenario, a benchmark.js
// Suite times: raw better-sqlite3 prepared statements on the unsharded table (the baseline), dtde
// (maxParallelShards 8), dtde with maxParallelShards 1 where several shards answer, and dtde's
// query building + planning alone (explain(), no I/O) to show how much of the cost is planning.
// Every scenario's answers are checked against the baseline before it is timed.
//
//   npm run bench            (both benchmarks)
//   BENCH_CUSTOMERS=20000 BENCH_ORDERS=60000 BENCH_MAX_TIME=0.5 npm run bench   (a quick run)
import { deepStrictEqual } from 'node:assert/strict';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { QueryExplanation } from '../src/index.js';
import { buildShop, type Customer, type ShopContext, YEARS } from './shop-fixture.js';
import { type BenchCase, describeEnvironment, envNumber, runSuite, type SuiteOptions } from './run-suite.js';

const CUSTOMERS = envNumber('BENCH_CUSTOMERS', 100_000);
const ORDERS = envNumber('BENCH_ORDERS', 300_000);
const options: SuiteOptions = { maxTime: envNumber('BENCH_MAX_TIME', 1.5), minSamples: envNumber('BENCH_MIN_SAMPLES', 10) };

const CUSTOMER_COLUMNS = `"id", "region", "name", "email", "createdAt"`;
const ORDER_COLUMNS = `"id", "customerId", "orderDate", "total", "status"`;
const FROM = new Date('2024-07-01T00:00:00Z');
const TO = new Date('2025-07-01T00:00:00Z');

interface Scenario {
  readonly title: string;
  /** The raw-driver baseline; returns what is compared with dtde's answer. */
  readonly baseline: () => unknown;
  /** The dtde query on a context (parallel or sequential). */
  readonly dtde: (ctx: ShopContext) => Promise<unknown>;
  /** Builds and plans the same query without I/O; omitted for terminal operators (count). */
  readonly planOnly?: (ctx: ShopContext) => unknown;
  /** The per-shard SQL dtde sends, run with the raw driver one after another, no merge. */
  readonly rawShards: () => unknown;
  /** Several shards answer, so maxParallelShards matters. */
  readonly fanOut: boolean;
  /** Normalises an answer for the correctness check (dates as ISO text, rounding). */
  readonly normalize: (answer: unknown) => unknown;
}

const ids = (rows: unknown) => (rows as { id: number }[]).map((r) => r.id);

console.log(`dtde query benchmark — ${describeEnvironment(options)}`);
const started = performance.now();
const shop = await buildShop(CUSTOMERS, ORDERS);
console.log(
  `built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${CUSTOMERS.toLocaleString('en')} customers in 4 table shards, ` +
    `${ORDERS.toLocaleString('en')} orders in 3 yearly files, and the same rows unsharded in baseline.db (${shop.dir})`,
);

// dtde's per-shard commands on the raw driver: what the shards themselves cost, without dtde's
// planning, pooling, async streaming and merge. Read-only connections, as dtde's read pool uses.
const files = new Map<string, Database.Database>();
try {
  const db = shop.baseline;
  const fileOf = (shardId: string) => (shardId.startsWith('years::') ? `orders-${shardId.slice('years::'.length)}.db` : 'shop.db');
  const connection = (file: string) => {
    let found = files.get(file);
    if (found === undefined) files.set(file, (found = new Database(path.join(shop.dir, file), { readonly: true })));
    return found;
  };
  const onShards = (explanation: QueryExplanation) => {
    const commands = explanation.commands.map((c) => ({ statement: connection(fileOf(c.shardId)).prepare(c.sql), parameters: c.parameters }));
    return () => commands.map((c) => c.statement.all(...c.parameters));
  };
  const rawShardCount = YEARS.map((y) =>
    connection(`orders-${y}.db`).prepare(`SELECT COUNT(*) FROM "Orders" AS "o" WHERE "o"."status" = ? AND "o"."total" > ?`).pluck(),
  );

  // Point lookups rotate over 1,000 existing (region, id) pairs, the same sequence for every case.
  const points = shop.customers.filter((_, i) => i % Math.max(1, Math.floor(CUSTOMERS / 1000)) === 0).slice(0, 1000);
  const cursor = () => {
    let i = 0;
    return (): Customer => points[i++ % points.length]!;
  };
  const rawPoint = db.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM "Customers" WHERE "region" = ? AND "id" = ?`);
  const rawRegionPage = db.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM "Customers" WHERE "region" = ? ORDER BY "name", "id" LIMIT 20 OFFSET 100`);
  const rawGlobalPage = db.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM "Customers" ORDER BY "name", "id" LIMIT 20 OFFSET 1000`);
  const rawCount = db.prepare(`SELECT COUNT(*) FROM "Orders" WHERE "status" = ? AND "total" > ?`).pluck();
  const rawGroups = db.prepare(`SELECT "status", COUNT(*) AS "orders", AVG("total") AS "average" FROM "Orders" GROUP BY "status" ORDER BY "status"`);
  const rawRange = db.prepare(`SELECT ${ORDER_COLUMNS} FROM "Orders" WHERE "orderDate" >= ? AND "orderDate" < ? ORDER BY "orderDate", "id" LIMIT 50`);

  const groupQuery = (ctx: ShopContext) =>
    ctx.orders
      .groupBy((o) => o.status)
      .select((g) => ({ status: g.key, orders: g.count(), average: g.average((o) => o.total) }))
      .orderBy((x) => x.status);
  const rangeQuery = (ctx: ShopContext) =>
    ctx.orders
      .where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from: FROM, to: TO })
      .orderBy((o) => o.orderDate)
      .take(50);
  const regionPage = (ctx: ShopContext) =>
    ctx.customers.where((c, p) => c.region === p.region, { region: 'US' }).orderBy((c) => c.name).skip(100).take(20);
  const globalPage = (ctx: ShopContext) => ctx.customers.orderBy((c) => c.name).skip(1000).take(20);

  // Each dtde point query gets its own cursor so all cases see the same id sequence.
  const rawNext = cursor();
  const dtdeNext = new Map<ShopContext, () => Customer>();
  const pointQuery = (ctx: ShopContext, c: Customer) =>
    ctx.customers.where((x, p) => x.region === p.region && x.id === p.id, { region: c.region, id: c.id });

  const scenarios: Scenario[] = [
    {
      title: 'routed point query: customers where region = ? and id = ? (1 of 4 table shards)',
      baseline: () => {
        const c = rawNext();
        return rawPoint.all(c.region, c.id);
      },
      dtde: (ctx) => {
        let next = dtdeNext.get(ctx);
        if (next === undefined) dtdeNext.set(ctx, (next = cursor()));
        return pointQuery(ctx, next()).toArray();
      },
      planOnly: (ctx) => pointQuery(ctx, points[0]!).explain(),
      rawShards: (() => {
        const byRegion = new Map<string, Database.Statement>();
        for (const c of points) {
          if (byRegion.has(c.region)) continue;
          const [command] = pointQuery(shop.parallel, c).explain().commands;
          byRegion.set(c.region, connection(fileOf(command!.shardId)).prepare(command!.sql));
        }
        const next = cursor();
        return () => {
          const c = next();
          return byRegion.get(c.region)!.all(c.region, c.id);
        };
      })(),
      fanOut: false,
      normalize: ids,
    },
    {
      title: "routed ordered page: customers where region = 'US' order by name skip 100 take 20 (1 shard)",
      baseline: () => rawRegionPage.all('US'),
      dtde: (ctx) => regionPage(ctx).toArray(),
      planOnly: (ctx) => regionPage(ctx).explain(),
      rawShards: onShards(regionPage(shop.parallel).explain()),
      fanOut: false,
      normalize: ids,
    },
    {
      title: 'fan-out ordered page: customers order by name skip 1000 take 20 (4 shards, 1,020 rows each, heap merge)',
      baseline: () => rawGlobalPage.all(),
      dtde: (ctx) => globalPage(ctx).toArray(),
      planOnly: (ctx) => globalPage(ctx).explain(),
      rawShards: onShards(globalPage(shop.parallel).explain()),
      fanOut: true,
      normalize: ids,
    },
    {
      title: "fan-out count with a predicate: orders where status = 'paid' and total > 250 (3 yearly files)",
      baseline: () => rawCount.get('paid', 250),
      dtde: (ctx) => ctx.orders.count((o, p) => o.status === p.status && o.total > p.min, { status: 'paid', min: 250 }),
      rawShards: () => rawShardCount.reduce((sum, statement) => sum + (statement.get('paid', 250) as number), 0),
      fanOut: true,
      normalize: (n) => n,
    },
    {
      title: 'group by with average: orders group by status select count, average(total) order by status (3 files)',
      baseline: () => rawGroups.all(),
      dtde: (ctx) => groupQuery(ctx).toArray(),
      planOnly: (ctx) => groupQuery(ctx).explain(),
      rawShards: onShards(groupQuery(shop.parallel).explain()),
      fanOut: true,
      normalize: (rows) =>
        (rows as { status: string; orders: number; average: number }[]).map((r) => ({ status: r.status, orders: r.orders, average: r.average.toFixed(6) })),
    },
    {
      title: 'date range over two yearly files: orders 2024-07-01 ≤ orderDate < 2025-07-01 order by orderDate take 50',
      baseline: () => rawRange.all(FROM.toISOString(), TO.toISOString()),
      dtde: (ctx) => rangeQuery(ctx).toArray(),
      planOnly: (ctx) => rangeQuery(ctx).explain(),
      rawShards: onShards(rangeQuery(shop.parallel).explain()),
      fanOut: true,
      normalize: ids,
    },
  ];

  for (const s of scenarios) {
    // Same answer from both sides before any timing (the point cursors are reset afterwards).
    const expected = s.normalize(s.baseline());
    deepStrictEqual(s.normalize(await s.dtde(shop.parallel)), expected, `dtde and the raw driver disagree on: ${s.title}`);
    deepStrictEqual(s.normalize(await s.dtde(shop.sequential)), expected, `dtde (sequential) and the raw driver disagree on: ${s.title}`);
    dtdeNext.clear();

    const cases: BenchCase[] = [
      { name: 'raw better-sqlite3, one unsharded table', role: 'baseline', fn: s.baseline, async: false },
      { name: 'dtde over the shards (maxParallelShards 8)', role: 'dtde', fn: () => s.dtde(shop.parallel), async: true },
    ];
    if (s.fanOut) cases.push({ name: 'dtde, sequential (maxParallelShards 1)', role: 'sequential', fn: () => s.dtde(shop.sequential), async: true });
    cases.push({ name: "raw better-sqlite3 on the shards: dtde's per-shard SQL in turn, no merge", role: 'variant', fn: s.rawShards, async: false });
    const planOnly = s.planOnly;
    if (planOnly !== undefined) cases.push({ name: 'dtde build + plan only (explain(), no I/O)', role: 'plan', fn: () => planOnly(shop.parallel), async: false });
    await runSuite(s.title, cases, options);
  }
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  for (const db of files.values()) db.close();
  await shop.close();
}
