import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeConfigurationError, DtdeDatabaseError, DtdeShardError, DtdeTimeoutError, type ShardsBuilder } from '../../src/index.js';
import { postgres, type PostgresProvider } from '../../src/providers/postgres/postgres-provider.js';
import { BUCKETS, REGIONS } from '../support/shop-model.js';
import {
  createDatabases,
  dropDatabases,
  freshDatabaseName,
  postgresServers,
  withClient,
  withDatabase,
} from '../support/postgres-servers.js';
import { shopData } from './support/shop-data.js';
import { Customer, Order, ShopContext } from './support/shop-model.js';

// Faults on real servers: a shard whose server is down, a shard whose backend is terminated
// while it streams, a slow shard past queryTimeoutMs, an aborted query, and a pool too small for
// maxParallelShards. Each failure names the shard, the other shard commands are cancelled, no
// statement is left running on any server (pg_stat_activity), and every pool has all its
// connections back afterwards.

const YEARS = ['2023', '2024', '2025'] as const;
const APP = `dtde-faults-${process.pid}`;

interface Place {
  readonly admin: string;
  readonly name: string;
  readonly url: string;
}

let own: Place;
let years: Record<(typeof YEARS)[number], Place>;
let loaded: ShopContext;

function place(server: 'main' | 'second', tag: string): Place {
  const admin = postgresServers()[server];
  const name = freshDatabaseName(tag);
  return { admin, name, url: withDatabase(admin, name) };
}

/** The shop with customers in table shards of the own database and one database per year, on both servers. */
function layout(overrides: Partial<Record<(typeof YEARS)[number], string>> = {}) {
  return (s: ShardsBuilder) =>
    s
      .addShards(...REGIONS)
      .addShardGroup('years', (g) => {
        for (const year of YEARS) g.addShard(year, { url: overrides[year] ?? years[year].url });
      })
      .addShardGroup('buckets', (g) => g.addShards(...BUCKETS));
}

function open(
  options: {
    overrides?: Partial<Record<(typeof YEARS)[number], string>>;
    maxParallelShards?: number;
    queryTimeoutMs?: number;
    poolMax?: number;
  } = {},
) {
  const provider = postgres({ url: own.url, applicationName: APP, pool: { max: options.poolMax ?? 4 } });
  const ctx = new ShopContext({
    provider,
    shards: layout(options.overrides),
    maxParallelShards: options.maxParallelShards ?? 4,
    ...(options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs }),
  });
  return { ctx, provider };
}

/** Statements of this file's contexts running now, on both servers. */
async function runningStatements(): Promise<string[]> {
  const { main, second } = postgresServers();
  const out: string[] = [];
  for (const server of [main, second]) {
    await withClient(server, async (c) => {
      const { rows } = await c.query(`SELECT query FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`, [APP]);
      out.push(...rows.map((r) => String(r.query)));
    });
  }
  return out;
}

/** Every pool of the provider holds all its connections again: none lent, none waited for, no stream open. */
function expectPoolsWhole(provider: PostgresProvider): void {
  const stats = [...provider.driver.stats().databases.values()];
  expect(stats.length).toBeGreaterThan(0);
  for (const s of stats)
    expect({ leased: s.leased, waiting: s.waiting, openStreams: s.openStreams, idle: s.idle }).toEqual({
      leased: 0,
      waiting: 0,
      openStreams: 0,
      idle: s.total,
    });
}

async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Makes the year's Orders table slow to read: a view in its place that sleeps for every row. */
async function slowDown(year: (typeof YEARS)[number]): Promise<() => Promise<void>> {
  await withClient(years[year].url, async (c) => {
    await c.query('ALTER TABLE "Orders" RENAME TO "OrdersData"');
    await c.query(`CREATE VIEW "Orders" AS SELECT * FROM "OrdersData" WHERE pg_sleep(0.05) IS NOT NULL`);
  });
  return () =>
    withClient(years[year].url, async (c) => {
      await c.query('DROP VIEW "Orders"');
      await c.query('ALTER TABLE "OrdersData" RENAME TO "Orders"');
    });
}

beforeAll(async () => {
  own = place('main', 'faults');
  years = { 2023: place('main', 'f2023'), 2024: place('second', 'f2024'), 2025: place('main', 'f2025') };
  await createDatabases(own.admin, [own.name]);
  ({ ctx: loaded } = open());
  await loaded.ensureCreated();
  const data = shopData();
  await loaded.bulkInsert(Customer, data.customers);
  await loaded.bulkInsert(Order, data.orders);
});
afterAll(async () => {
  await loaded?.close();
  for (const p of [own, ...Object.values(years ?? {})]) if (p !== undefined) await dropDatabases(p.admin, [p.name]);
});

describe('a shard that fails', () => {
  it('on a server that is down: DtdeShardError names it, the cause is the refused connection, and the pools are whole', async () => {
    const { ctx, provider } = open({ overrides: { 2025: 'postgres://postgres:never-shown@127.0.0.1:1/gone' } });
    try {
      const error = (await ctx.orders
        .orderBy((o) => o.total)
        .toArray()
        .catch((e: unknown) => e)) as DtdeShardError;
      expect(error).toBeInstanceOf(DtdeShardError);
      expect(error.shardId).toBe('years::2025');
      expect(error.cause).toBeInstanceOf(DtdeDatabaseError);
      expect(error.cause).toMatchObject({ reason: 'failed', driverCode: 'ECONNREFUSED', database: 'postgres://127.0.0.1:1/gone' });
      expect(error.message).toContain("shard 'years::2025'");
      expect(JSON.stringify({ m: error.message, c: (error.cause as Error).message })).not.toContain('never-shown');
      expect(await runningStatements()).toEqual([]);
      expectPoolsWhole(provider);
    } finally {
      await ctx.close();
    }
  });

  it('whose backend is terminated while it streams: the shard is named, the siblings are cancelled, the pools are whole', async () => {
    const restore = await slowDown('2024');
    const { ctx, provider } = open();
    try {
      const query = ctx.orders
        .orderBy((o) => o.total)
        .toArray()
        .catch((e: unknown) => e);
      await until(async () => (await runningStatements()).some((q) => q.includes('FROM "Orders"')), 'the shard queries running');
      await withClient(years[2024].url, (c) =>
        c.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND state = 'active'`,
          [APP],
        ),
      );
      const error = (await query) as DtdeShardError;
      expect(error).toBeInstanceOf(DtdeShardError);
      expect(error.shardId).toBe('years::2024');
      expect((error.cause as DtdeDatabaseError).driverCode).toBe('57P01');
      expect(await runningStatements()).toEqual([]);
      expectPoolsWhole(provider);
      // The context still answers: the terminated connection was dropped, not reused.
      await restore();
      expect(await ctx.orders.count()).toBe(300);
      expectPoolsWhole(provider);
    } finally {
      await ctx.close();
      await restore().catch(() => undefined);
    }
  });
});

describe('timeouts and aborts stop the statements on the server', () => {
  it('a slow shard past queryTimeoutMs: DtdeTimeoutError naming it (not its fast siblings), nothing left running, pools whole', async () => {
    const restore = await slowDown('2023');
    const { ctx, provider } = open({ queryTimeoutMs: 400 });
    try {
      // 50 rows per shard end the fast shards' streams (they read ahead 64): only 2023 still runs at the timeout.
      const error = (await ctx.orders
        .orderByDescending((o) => o.orderDate)
        .take(50)
        .toArray()
        .catch((e: unknown) => e)) as DtdeTimeoutError;
      expect(error).toBeInstanceOf(DtdeTimeoutError);
      expect(error.timeoutMs).toBe(400);
      const database = provider.databaseId({ url: years[2023].url });
      expect(database).toMatch(/^postgres:\/\/127\.0\.0\.1:\d+\/dtde_t\d+_f2023_\d+$/);
      expect(error.shardId).toBe('years::2023');
      expect(error.shards).toEqual([
        { shardId: 'years::2023', sql: expect.stringContaining('FROM "Orders"'), table: '"Orders"', database },
      ]);
      expect(error.message.split('\n')[0]).toBe(
        `The query ran longer than its timeout of 400 ms while shard 'years::2023' (table "Orders" in database ${database}) was still running; ` +
          'its command was cancelled. Find why the shard is slow (see error.shards), raise queryTimeoutMs, or narrow the query ' +
          '(filter on the shard key, add take).',
      );
      for (const fast of ['2024', '2025']) expect(error.message).not.toContain(fast);
      expect(await runningStatements()).toEqual([]);
      expectPoolsWhole(provider);
      // A query only the slow shard answers (the single-shard path) names it the same way.
      const alone = (await ctx.orders
        .where((o, p) => o.orderDate < p.end, { end: new Date('2024-01-01T00:00:00Z') })
        .toArray()
        .catch((e: unknown) => e)) as DtdeTimeoutError;
      expect(alone).toBeInstanceOf(DtdeTimeoutError);
      expect(alone.shards.map((s) => s.shardId)).toEqual(['years::2023']);
      expect(alone.message).toContain(`shard 'years::2023' (table "Orders" in database ${database}) was still running`);
      expect(await runningStatements()).toEqual([]);
      expectPoolsWhole(provider);
    } finally {
      await ctx.close();
      await restore();
    }
  });

  it('an aborted query: rejects with the reason, nothing left running, pools whole', async () => {
    const restore = await slowDown('2025');
    const { ctx, provider } = open();
    try {
      const controller = new AbortController();
      const query = ctx.orders
        .where((o) => o.total > 10)
        .toArray({ signal: controller.signal })
        .catch((e: unknown) => e);
      await until(async () => (await runningStatements()).length > 0, 'the query running');
      const reason = new Error('user cancelled');
      controller.abort(reason);
      expect(await query).toBe(reason);
      expect(await runningStatements()).toEqual([]);
      expectPoolsWhole(provider);
    } finally {
      await ctx.close();
      await restore();
    }
  });

  it('leaving early (any, first, break, take) keeps every pool whole for every maxParallelShards', async () => {
    for (let maxParallelShards = 1; maxParallelShards <= 4; maxParallelShards++) {
      const { ctx, provider } = open({ maxParallelShards });
      try {
        expect(await ctx.orders.any((o) => o.total > 0)).toBe(true);
        expect(await ctx.orders.all((o) => o.total < 0)).toBe(false);
        await ctx.orders.orderBy((o) => o.total).first();
        await ctx.customers
          .where((c) => c.score > 0)
          .take(3)
          .toArray();
        let seen = 0;
        for await (const o of ctx.orders.orderBy((x) => x.orderDate)) {
          void o;
          if (++seen === 7) break;
        }
        expect(seen).toBe(7);
        expectPoolsWhole(provider);
        expect(await runningStatements()).toEqual([]);
      } finally {
        await ctx.close();
      }
    }
  });
});

describe('pool sizes', () => {
  it('a maxParallelShards the pool cannot serve is refused before the first query, naming both numbers', async () => {
    const { ctx } = open({ poolMax: 2, maxParallelShards: 3 });
    try {
      const error = (await ctx.customers.toArray().catch((e: unknown) => e)) as DtdeConfigurationError;
      expect(error).toBeInstanceOf(DtdeConfigurationError);
      expect(error.message).toMatch(
        /Customer has 3 shards in database "postgres:\/\/127\.0\.0\.1:\d+\/dtde_t\d+_faults_\d+".*the postgres pool for that database holds 2 connections/,
      );
      expect(error.message).toContain(
        'Raise the pool size to at least 3 (postgres({ ..., pool: { max: 3 } })) or lower maxParallelShards to 2.',
      );
      expect(error.message).not.toContain('sqlite');
    } finally {
      await ctx.close();
    }
  });
});
