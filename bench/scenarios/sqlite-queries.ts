// Routed lookups and pages on SQLite: dtde against the raw driver, Kysely and Drizzle on the same
// shard table (Customers_US in shop.db); the cost of translating a query shape, cached and not;
// and ordered pages fanned out over 4 and 16 shards against one unsharded table.
import { deepStrictEqual } from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { asc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { Kysely, SqliteDialect } from 'kysely';
import Database from 'better-sqlite3';
import { QUERY_SHARD_CHANNEL, type QueryShardMessage } from '../../src/index.js';
import { caseOf, type Report, ratio } from '../report.js';
import { type BenchCase, formatUs, relative, runSuite, type SuiteOptions } from '../run-suite.js';
import { CUSTOMER_COLUMNS, type Customer, type HashedShopContext, type ShopContext, type SqliteShop } from '../sqlite-shop.js';

interface CustomerRow {
  id: number;
  region: string;
  name: string;
  email: string | null;
  createdAt: string;
}

interface KyselyTables {
  Customers_US: CustomerRow;
}

const drizzleCustomersUs = sqliteTable('Customers_US', {
  id: integer('id').primaryKey(),
  region: text('region').notNull(),
  name: text('name').notNull(),
  email: text('email'),
  createdAt: text('createdAt').notNull(),
});

const ids = (rows: unknown): number[] => (rows as { id: number }[]).map((r) => r.id);

/** Runs `fn` once and returns the rows each shard command returned, summed. */
async function rowsReadFromShards(fn: () => Promise<unknown>): Promise<{ rows: number; shards: number }> {
  let rows = 0;
  let shards = 0;
  const listener = (message: unknown): void => {
    rows += (message as QueryShardMessage).rowCount;
    shards++;
  };
  diagnosticsChannel.subscribe(QUERY_SHARD_CHANNEL, listener);
  try {
    await fn();
  } finally {
    diagnosticsChannel.unsubscribe(QUERY_SHARD_CHANNEL, listener);
  }
  return { rows, shards };
}

export async function sqliteQueries(data: SqliteShop, options: SuiteOptions, report: Report): Promise<void> {
  const { shop, shopDb } = data;
  // Each library gets its own read-only connection to shop.db, as dtde's read pool has its own.
  const kyselyDb = new Database(shopDb.name, { readonly: true });
  const drizzleDb = new Database(shopDb.name, { readonly: true });
  const kysely = new Kysely<KyselyTables>({ dialect: new SqliteDialect({ database: kyselyDb }) });
  const orm = drizzle({ client: drizzleDb });
  try {
    // Lookups rotate over up to 1,000 ids of Customers_US, the same sequence for every case.
    const usIds = data.customers.filter((c) => c.region === 'US').map((c) => c.id);
    const points = usIds.filter((_, i) => i % Math.max(1, Math.floor(usIds.length / 1000)) === 0).slice(0, 1000);
    const cursor = () => {
      let i = 0;
      return (): number => points[i++ % points.length]!;
    };
    const lookup = (ctx: ShopContext, id: number) =>
      ctx.customers.where((c, p) => c.region === p.region && c.id === p.id, { region: 'US', id });

    const rawLookup = shopDb.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM "Customers_US" WHERE "id" = ?`);
    const [dtdeCommand] = lookup(shop, points[0]!).explain().commands;
    const dtdeLookupSql = shopDb.prepare(dtdeCommand!.sql);
    const dtdeLookupParams = (id: number) => dtdeCommand!.parameters.map((p) => (p === points[0] || p === BigInt(points[0]!) ? id : p));

    // Same answer from every side before any timing.
    for (const id of points.slice(0, 5)) {
      const expected = ids(rawLookup.all(id));
      deepStrictEqual(ids(await lookup(shop, id).toArray()), expected);
      deepStrictEqual(ids(await kysely.selectFrom('Customers_US').selectAll().where('id', '=', id).execute()), expected);
      deepStrictEqual(ids(await orm.select().from(drizzleCustomersUs).where(eq(drizzleCustomersUs.id, id))), expected);
    }

    const next = {
      raw: cursor(),
      rawDtdeSql: cursor(),
      kysely: cursor(),
      drizzle: cursor(),
      toArray: cursor(),
      first: cursor(),
    };
    const lookupCases: BenchCase[] = [
      { name: 'raw better-sqlite3 (prepared, Customers_US)', role: 'baseline', fn: () => rawLookup.all(next.raw()), async: false },
      {
        name: "raw better-sqlite3 running dtde's SQL",
        role: 'other',
        fn: () => dtdeLookupSql.all(...dtdeLookupParams(next.rawDtdeSql())),
        async: false,
      },
      {
        name: 'Kysely 0.28 (Customers_US)',
        role: 'other',
        fn: () => kysely.selectFrom('Customers_US').selectAll().where('id', '=', next.kysely()).execute(),
        async: true,
      },
      {
        name: 'Drizzle 0.45 (Customers_US)',
        role: 'other',
        fn: async () => orm.select().from(drizzleCustomersUs).where(eq(drizzleCustomersUs.id, next.drizzle())),
        async: true,
      },
      { name: 'dtde toArray (routed to Customers_US)', role: 'dtde', fn: () => lookup(shop, next.toArray()).toArray(), async: true },
      {
        name: 'dtde firstOrDefault (routed to Customers_US)',
        role: 'dtde',
        fn: () => lookup(shop, next.first()).firstOrDefault(),
        async: true,
      },
    ];
    const lookupSuite = await runSuite(
      'SQLite: primary-key lookup routed to one of 4 shards (region = US and id = ?)',
      lookupCases,
      options,
    );
    report.suites.push(lookupSuite);

    // The routed page, against the best SQL for one table: no WHERE, since the table holds US only.
    const page = (ctx: ShopContext) =>
      ctx.customers
        .where((c, p) => c.region === p.region, { region: 'US' })
        .orderBy((c) => c.name)
        .skip(100)
        .take(20);
    const rawPage = shopDb.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM "Customers_US" ORDER BY "name", "id" LIMIT 20 OFFSET 100`);
    const [pageCommand] = page(shop).explain().commands;
    const dtdePageSql = shopDb.prepare(pageCommand!.sql);
    const expectedPage = ids(rawPage.all());
    deepStrictEqual(ids(await page(shop).toArray()), expectedPage);
    const kyselyPage = () => kysely.selectFrom('Customers_US').selectAll().orderBy('name').orderBy('id').limit(20).offset(100).execute();
    const drizzlePage = async () =>
      orm.select().from(drizzleCustomersUs).orderBy(asc(drizzleCustomersUs.name), asc(drizzleCustomersUs.id)).limit(20).offset(100);
    deepStrictEqual(ids(await kyselyPage()), expectedPage);
    deepStrictEqual(ids(await drizzlePage()), expectedPage);
    const pageSuite = await runSuite(
      'SQLite: routed page where(region = US).orderBy(name).skip(100).take(20)',
      [
        { name: 'raw better-sqlite3, best single-table SQL', role: 'baseline', fn: () => rawPage.all(), async: false },
        {
          name: "raw better-sqlite3 running dtde's SQL",
          role: 'other',
          fn: () => dtdePageSql.all(...pageCommand!.parameters),
          async: false,
        },
        { name: 'Kysely 0.28', role: 'other', fn: kyselyPage, async: true },
        { name: 'Drizzle 0.45', role: 'other', fn: drizzlePage, async: true },
        { name: 'dtde toArray', role: 'dtde', fn: () => page(shop).toArray(), async: true },
      ],
      options,
    );
    report.suites.push(pageSuite);
    report.notes.push(`dtde's SQL for the routed page: \`${pageCommand!.sql}\``);
    report.notes.push(`dtde's SQL for the routed lookup: \`${dtdeCommand!.sql}\``);

    // Translation: building, planning and rendering a query shape without I/O.
    let fresh = 0;
    let nextId = 0;
    const translate = (predicate: (c: Customer, p: { region: string; id: number }) => boolean, id = 42) =>
      shop.customers
        .where(predicate, { region: 'US', id })
        .orderBy((c) => c.name)
        .toQueryString();
    const freshPredicate = () =>
      // A new source text each time, so no cache can know it: the comment is inside the arrow
      // function (a comment after its body is not part of its source text).
      new Function(`return (c, p) => /* ${fresh++} */ c.region === p.region && c.id === p.id`)() as (
        c: Customer,
        p: { region: string; id: number },
      ) => boolean;
    const translationSuite = await runSuite(
      'Translation of a query shape: where(region, id).orderBy(name).toQueryString(), no I/O',
      [
        { name: 'new Function alone (part of the uncached case)', role: 'other', fn: freshPredicate, async: false },
        { name: 'uncached: a fresh lambda source each time', role: 'baseline', fn: () => translate(freshPredicate()), async: false },
        {
          name: 'cached: the same lambda, the same values',
          role: 'dtde',
          fn: () => translate((c, p) => c.region === p.region && c.id === p.id),
          async: false,
        },
        {
          name: 'cached: the same lambda, another id each time',
          role: 'dtde',
          fn: () => translate((c, p) => c.region === p.region && c.id === p.id, nextId++ % 100_000),
          async: false,
        },
      ],
      options,
    );
    report.suites.push(translationSuite);

    const lookupToArray = caseOf(lookupSuite, 'dtde toArray');
    const lookupFirst = caseOf(lookupSuite, 'dtde firstOrDefault');
    const kyselyLookup = caseOf(lookupSuite, 'Kysely');
    const pageDtde = caseOf(pageSuite, 'dtde toArray');
    const uncached = caseOf(translationSuite, 'uncached');
    const cached = caseOf(translationSuite, 'cached: the same lambda, the same values');
    const rebound = caseOf(translationSuite, 'cached: the same lambda, another id');
    const newFunction = caseOf(translationSuite, 'new Function');
    report.targets.push(
      {
        target: 'SQLite routed primary-key lookup vs Kysely',
        goal: '≤ 1.0× Kysely',
        measured:
          `toArray ${formatUs(lookupToArray.medianUs)} = ${ratio(relative(lookupToArray, kyselyLookup))}, ` +
          `firstOrDefault ${formatUs(lookupFirst.medianUs)} = ${ratio(relative(lookupFirst, kyselyLookup))} Kysely's ${formatUs(kyselyLookup.medianUs)}`,
        met: Math.max(relative(lookupToArray, kyselyLookup), relative(lookupFirst, kyselyLookup)) <= 1,
      },
      {
        target: 'SQLite routed page vs the best single-table SQL on the raw driver',
        goal: '≤ 1.1×',
        measured: `${formatUs(pageDtde.medianUs)} = ${ratio(pageDtde.ratio!)} raw's ${formatUs(caseOf(pageSuite, 'raw better-sqlite3, best').medianUs)}`,
        met: pageDtde.ratio! <= 1.1,
      },
      {
        target: 'Cached translation of a query shape',
        goal: '≥ 20× cheaper than uncached',
        measured:
          `uncached ${formatUs(uncached.medianUs)} (of which new Function ${formatUs(newFunction.medianUs)}); cached with another id each time ${formatUs(rebound.medianUs)}: ` +
          `${relative(uncached, rebound).toFixed(1)}× (${((uncached.medianUs - newFunction.medianUs) / rebound.medianUs).toFixed(1)}× without new Function, from medians); ` +
          `cached with the same values ${formatUs(cached.medianUs)}: ${relative(uncached, cached).toFixed(1)}×`,
        met: relative(uncached, rebound) >= 20,
      },
    );

    await fanOut(data, options, report);
  } finally {
    await kysely.destroy();
    drizzleDb.close();
  }
}

/** Ordered pages over 4 and 16 shards at several offsets, against one unsharded table. */
async function fanOut(data: SqliteShop, options: SuiteOptions, report: Report): Promise<void> {
  const rows: (string | number)[][] = [];
  const contexts: [string, ShopContext | HashedShopContext][] = [
    ['4 value shards', data.shop],
    ['16 hash shards', data.hashed],
  ];
  for (const skip of [0, 1_000, 10_000]) {
    const raw = data.baselineDb.prepare(`SELECT ${CUSTOMER_COLUMNS} FROM "Customers" ORDER BY "name", "id" LIMIT 20 OFFSET ${skip}`);
    const expected = ids(raw.all());
    const cases: BenchCase[] = [{ name: 'raw better-sqlite3, one unsharded table', role: 'baseline', fn: () => raw.all(), async: false }];
    const reads: { label: string; rows: number; shards: number }[] = [];
    for (const [label, ctx] of contexts) {
      const query = () =>
        (ctx.customers as ShopContext['customers'])
          .orderBy((c) => c.name)
          .skip(skip)
          .take(20)
          .toArray();
      deepStrictEqual(ids(await query()), expected, `fan-out page over ${label} at skip ${skip}`);
      reads.push({ label, ...(await rowsReadFromShards(query)) });
      cases.push({ name: `dtde over ${label}`, role: 'dtde', fn: query, async: true });
    }
    const suite = await runSuite(`SQLite: fan-out page orderBy(name).skip(${skip.toLocaleString('en')}).take(20)`, cases, options);
    report.suites.push(suite);
    for (const r of reads) {
      const c = caseOf(suite, `dtde over ${r.label}`);
      rows.push([
        r.label,
        skip.toLocaleString('en'),
        r.rows.toLocaleString('en'),
        (skip + 20).toLocaleString('en'),
        `${(r.rows / (skip + 20)).toFixed(1)}×`,
        formatUs(c.medianUs),
        formatUs(caseOf(suite, 'raw').medianUs),
        ratio(c.ratio!),
      ]);
    }
  }
  report.tables.push({
    title: 'SQLite fan-out ordered page (take 20): rows read from shards per page, time against one unsharded table',
    columns: ['shards', 'skip', 'rows read from shards', 'rows one table reads', 'rows ×', 'dtde median', 'one table median', 'time ×'],
    rows,
  });
  report.targets.push({
    target: 'Fan-out ordered page over 4 and 16 shards (SQLite)',
    goal: 'report rows read per page and the ratio to one unsharded table',
    measured: rows.map((r) => `${r[0]} skip ${r[1]}: ${r[2]} rows (${r[4]}), ${r[7]} time`).join('; '),
    met: null,
  });
}
