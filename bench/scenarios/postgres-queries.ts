// The routed lookup and page on PostgreSQL (127.0.0.1:5432, user postgres, or DTDE_BENCH_PG_URL):
// dtde's postgres provider against raw `pg` and Kysely's PostgreSQL dialect on the same shard
// table, plus an ordered page fanned out over the 4 shards, in parallel, in sequence, and each
// shard's command alone.
import { deepStrictEqual } from 'node:assert/strict';
import os from 'node:os';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { postgres } from '../../src/providers/postgres/postgres-provider.js';
import { caseOf, type Report, ratio } from '../report.js';
import { type BenchCase, formatUs, median, relative, runSuite, type SuiteOptions } from '../run-suite.js';
import { CUSTOMER_COLUMNS, Customer, makeCustomers, REGIONS, ShopContext } from '../sqlite-shop.js';

const DATABASE = 'dtde_bench';

interface KyselyTables {
  Customers_US: { id: number; region: string; name: string; email: string | null; createdAt: Date };
}

const ids = (rows: unknown): number[] => (rows as { id: number | bigint }[]).map((r) => Number(r.id));

export async function postgresQueries(perRegion: number, options: SuiteOptions, report: Report): Promise<void> {
  const admin = process.env.DTDE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(admin);
  url.pathname = `/${DATABASE}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await client.end();
  }

  const open = (maxParallelShards: number) =>
    new ShopContext({
      provider: postgres({ url: url.toString(), pool: { max: 8 } }),
      shards: (s) => s.addShards(...REGIONS),
      maxParallelShards,
    });
  const shop = open(8);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  const kysely = new Kysely<KyselyTables>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 8 }) }),
  });
  try {
    await shop.ensureCreated();
    const customers = makeCustomers(perRegion * REGIONS.length);
    await shop.bulkInsert(Customer, customers);
    await pool.query('ANALYZE');

    const usIds = customers.filter((c) => c.region === 'US').map((c) => c.id);
    const points = usIds.filter((_, i) => i % Math.max(1, Math.floor(usIds.length / 1000)) === 0).slice(0, 1000);
    const cursor = () => {
      let i = 0;
      return (): number => points[i++ % points.length]!;
    };
    const lookup = (id: number) => shop.customers.where((c, p) => c.region === p.region && c.id === p.id, { region: 'US', id });
    const rawLookupSql = `SELECT ${CUSTOMER_COLUMNS} FROM "Customers_US" WHERE "id" = $1`;
    for (const id of points.slice(0, 3)) {
      const expected = ids((await pool.query(rawLookupSql, [id])).rows);
      deepStrictEqual(ids(await lookup(id).toArray()), expected);
      deepStrictEqual(ids(await kysely.selectFrom('Customers_US').selectAll().where('id', '=', id).execute()), expected);
    }
    const next = { raw: cursor(), kysely: cursor(), toArray: cursor(), first: cursor() };
    const lookupSuite = await runSuite(
      'PostgreSQL: primary-key lookup routed to one of 4 shards (region = US and id = ?)',
      [
        { name: 'raw pg (pool.query, Customers_US)', role: 'baseline', fn: () => pool.query(rawLookupSql, [next.raw()]), async: true },
        {
          name: 'Kysely 0.28 PostgresDialect',
          role: 'other',
          fn: () => kysely.selectFrom('Customers_US').selectAll().where('id', '=', next.kysely()).execute(),
          async: true,
        },
        { name: 'dtde toArray', role: 'dtde', fn: () => lookup(next.toArray()).toArray(), async: true },
        { name: 'dtde firstOrDefault', role: 'dtde', fn: () => lookup(next.first()).firstOrDefault(), async: true },
      ],
      options,
    );
    report.suites.push(lookupSuite);

    const page = () =>
      shop.customers
        .where((c, p) => c.region === p.region, { region: 'US' })
        .orderBy((c) => c.name)
        .skip(100)
        .take(20);
    const rawPageSql = `SELECT ${CUSTOMER_COLUMNS} FROM "Customers_US" ORDER BY "name", "id" LIMIT 20 OFFSET 100`;
    const kyselyPage = () => kysely.selectFrom('Customers_US').selectAll().orderBy('name').orderBy('id').limit(20).offset(100).execute();
    const expectedPage = ids((await pool.query(rawPageSql)).rows);
    deepStrictEqual(ids(await page().toArray()), expectedPage);
    deepStrictEqual(ids(await kyselyPage()), expectedPage);
    const pageSuite = await runSuite(
      'PostgreSQL: routed page where(region = US).orderBy(name).skip(100).take(20)',
      [
        { name: 'raw pg, best single-table SQL', role: 'baseline', fn: () => pool.query(rawPageSql), async: true },
        { name: 'Kysely 0.28 PostgresDialect', role: 'other', fn: kyselyPage, async: true },
        { name: 'dtde toArray', role: 'dtde', fn: () => page().toArray(), async: true },
      ],
      options,
    );
    report.suites.push(pageSuite);

    // Fan-out: parallel against sequential and against each shard's own command alone, first on
    // the bare tables (each shard's command is a CPU-bound top-N sort on the server), then with an
    // index on (name, id) that every table has, the unsharded baseline's equivalent included.
    const fanOut = async (skip: number, indexed: string) => {
      const fan = (ctx: ShopContext) =>
        ctx.customers
          .orderBy((c) => c.name)
          .skip(skip)
          .take(20)
          .toArray();
      const commands = shop.customers
        .orderBy((c) => c.name)
        .skip(skip)
        .take(20)
        .explain().commands;
      const fanCases: BenchCase[] = commands.map((c, i) => ({
        name: `raw pg: shard ${c.shardId}'s command alone`,
        role: i === 0 ? 'baseline' : 'other',
        fn: () => pool.query(c.sql, c.parameters as unknown[]),
        async: true,
      }));
      // What parallelism can give on this machine: the four commands at once, with nothing of dtde.
      fanCases.push(
        {
          name: 'raw pg: the 4 commands at once (Promise.all)',
          role: 'other',
          fn: () => Promise.all(commands.map((c) => pool.query(c.sql, c.parameters as unknown[]))),
          async: true,
        },
        // Sequential is this, not dtde with maxParallelShards 1: an ordered merge opens every
        // shard's stream at once whenever the pool can hold them (see parallelismFor).
        {
          name: 'raw pg: the 4 commands one after another',
          role: 'other',
          fn: async () => {
            for (const c of commands) await pool.query(c.sql, c.parameters as unknown[]);
          },
          async: true,
        },
        { name: 'dtde parallel (maxParallelShards 8)', role: 'dtde', fn: () => fan(shop), async: true },
      );
      const suite = await runSuite(
        `PostgreSQL: fan-out page orderBy(name).skip(${skip.toLocaleString('en')}).take(20) over 4 shards, ${indexed}`,
        fanCases,
        options,
      );
      report.suites.push(suite);
      const alone = suite.cases.filter((c) => c.name.endsWith('command alone'));
      // Per round: the slowest shard's command alone in that round.
      const slowestRounds = alone[0]!.roundsUs.map((_, r) => Math.max(...alone.map((c) => c.roundsUs[r]!)));
      const overSlowest = (c: (typeof suite.cases)[number]) => median(c.roundsUs.map((us, r) => us / slowestRounds[r]!));
      const parallel = caseOf(suite, 'dtde parallel');
      const seq = caseOf(suite, 'raw pg: the 4 commands one after another');
      const rawAtOnce = caseOf(suite, 'raw pg: the 4 commands at once');
      return {
        text:
          `${indexed}, skip ${skip.toLocaleString('en')}: parallel ${formatUs(parallel.medianUs)} = ${ratio(overSlowest(parallel))} the slowest shard's ${formatUs(median(slowestRounds))}, ` +
          `the 4 one after another (raw pg) ${ratio(relative(seq, parallel))} dtde parallel, raw pg running the 4 at once ${ratio(overSlowest(rawAtOnce))}`,
        met: overSlowest(parallel) <= 1.3 && relative(seq, parallel) >= 1.5,
      };
    };
    const bare = [await fanOut(0, 'no index on name'), await fanOut(1000, 'no index on name')];
    for (const region of REGIONS) await pool.query(`CREATE INDEX ON "Customers_${region}" ("name", "id")`);
    await pool.query('ANALYZE');
    const indexed = [await fanOut(0, 'index on (name, id)'), await fanOut(1000, 'index on (name, id)')];

    const rawLookup = caseOf(lookupSuite, 'raw pg');
    const kyselyLookup = caseOf(lookupSuite, 'Kysely');
    const toArray = caseOf(lookupSuite, 'dtde toArray');
    const first = caseOf(lookupSuite, 'dtde firstOrDefault');
    report.targets.push(
      {
        target: 'PostgreSQL routed primary-key lookup vs raw pg',
        goal: '≤ 1.5× raw pg',
        measured:
          `toArray ${formatUs(toArray.medianUs)} = ${ratio(toArray.ratio!)}, firstOrDefault ${formatUs(first.medianUs)} = ${ratio(first.ratio!)} ` +
          `raw pg's ${formatUs(rawLookup.medianUs)} (Kysely ${formatUs(kyselyLookup.medianUs)} = ${ratio(kyselyLookup.ratio!)})`,
        met: Math.max(toArray.ratio!, first.ratio!) <= 1.5,
      },
      {
        target: 'PostgreSQL routed page vs raw pg (best single-table SQL)',
        goal: 'reported (the 1.1× target is SQLite’s)',
        measured: `${formatUs(caseOf(pageSuite, 'dtde').medianUs)} = ${ratio(caseOf(pageSuite, 'dtde').ratio!)} raw pg; Kysely ${ratio(caseOf(pageSuite, 'Kysely').ratio!)}`,
        met: null,
      },
      ...[...indexed, ...bare].map((f) => ({
        target: 'PostgreSQL fan-out over 4 shards: parallel vs the slowest shard alone',
        goal: `≤ 1.3× the slowest shard alone, well below sequential (the 4 one after another ≥ 1.5× parallel); ${os.cpus().length} cores`,
        measured: f.text,
        met: f.met,
      })),
    );
  } finally {
    await kysely.destroy();
    await pool.end();
    await shop.close();
  }
}
