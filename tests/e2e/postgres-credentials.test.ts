import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DtdeShardError, QUERY_DONE_CHANNEL, QUERY_PLAN_CHANNEL, QUERY_SHARD_CHANNEL, type ShardsBuilder } from '../../src/index.js';
import { postgres } from '../../src/providers/postgres/postgres-provider.js';
import { BUCKETS, REGIONS, YEARS } from '../support/shop-model.js';
import { createDatabases, dropDatabases, freshDatabaseName, postgresServers, withDatabase } from '../support/postgres-servers.js';
import { shopData } from './support/shop-data.js';
import { Archive, Customer, Order, ShopContext } from './support/shop-model.js';

// Credentials never show: not in errors (their messages, causes and fields), not in diagnostics
// messages, not in explain() or toQueryString(), not when the context is logged. The servers of
// the tests trust every login, so any password connects; these are made up to be found.

const OWN_SECRET = 'own-Pa55-never-printed';
const SHARD_SECRET = 'shard-Pa55-never-printed';
const GONE_SECRET = 'gone-Pa55-never-printed';
const SECRETS = [OWN_SECRET, SHARD_SECRET, GONE_SECRET, encodeURIComponent(OWN_SECRET)];

let own: { admin: string; name: string };
let year: { admin: string; name: string };
const withLogin = (admin: string, database: string, password: string) => {
  const url = new URL(withDatabase(admin, database));
  url.password = password;
  return url.toString();
};
const shards =
  (gone = false) =>
  (s: ShardsBuilder) =>
    s
      .addShards(...REGIONS)
      .addShardGroup('years', (g) => {
        for (const y of YEARS) {
          g.addShard(y, {
            url:
              gone && y === '2025' ? `postgres://postgres:${GONE_SECRET}@127.0.0.1:1/gone` : withLogin(year.admin, year.name, SHARD_SECRET),
          });
        }
      })
      .addShardGroup('buckets', (g) => g.addShards(...BUCKETS));

let ctx: ShopContext;

beforeAll(async () => {
  const { main, second } = postgresServers();
  own = { admin: main, name: freshDatabaseName('creds') };
  year = { admin: second, name: freshDatabaseName('credsy') };
  await createDatabases(main, [own.name]);
  ctx = new ShopContext({ provider: postgres(withLogin(main, own.name, OWN_SECRET)), shards: shards() });
});
afterAll(async () => {
  await ctx?.close();
  if (own) await dropDatabases(own.admin, [own.name]);
  if (year) await dropDatabases(year.admin, [year.name]);
});

/** Everything an error carries that a program or a log could show: messages, fields, causes, stack. */
function everything(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || typeof value !== 'object' || seen.has(value)) return String(value);
  seen.add(value);
  const parts = [inspect(value, { depth: 6, showHidden: false })];
  if (value instanceof Error) parts.push(value.message, value.stack ?? '', everything(value.cause, seen));
  try {
    parts.push(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  } catch {
    // circular: inspect above covers it
  }
  return parts.join('\n');
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} shows a password`).toBe(false);
}

it('ensureCreated, loading, queries and diagnostics never show a password', async () => {
  const messages: unknown[] = [];
  const listener = (message: unknown) => messages.push(message);
  const channels = [QUERY_PLAN_CHANNEL, QUERY_SHARD_CHANNEL, QUERY_DONE_CHANNEL];
  for (const name of channels) diagnosticsChannel.subscribe(name, listener);
  try {
    await ctx.ensureCreated();
    const data = shopData();
    await ctx.bulkInsert(Customer, data.customers);
    await ctx.bulkInsert(Order, data.orders);
    await ctx.orders
      .orderBy((o) => o.total)
      .take(5)
      .toArray();
    await ctx.customers.where((c) => c.region === 'EU').count();
  } finally {
    for (const name of channels) diagnosticsChannel.unsubscribe(name, listener);
  }
  expect(messages.length).toBeGreaterThan(3);
  expectNoSecret(everything(messages), 'a diagnostics message');
});

it('explain() and toQueryString() never show a password', () => {
  const q = ctx.orders.where((o) => o.total > 10).orderBy((o) => o.orderDate);
  const explained = q.explain();
  expectNoSecret(`${everything(explained)}\n${JSON.stringify(explained)}\n${q.toQueryString()}`, 'explain()');
});

it('errors never show a password: a missing table, an unreachable shard, a bad URL', async () => {
  // Archive's manual tables were never created.
  const missing = await ctx
    .set(Archive)
    .toArray()
    .catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(DtdeShardError);
  expectNoSecret(everything(missing), 'a missing-table error');

  const gone = new ShopContext({ provider: postgres(withLogin(own.admin, own.name, OWN_SECRET)), shards: shards(true) });
  try {
    const error = await gone.orders.toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeShardError);
    expect((error as DtdeShardError).shardId).toBe('years::2025');
    expectNoSecret(everything(error), 'an unreachable-shard error');
  } finally {
    await gone.close();
  }

  let configError: unknown;
  try {
    postgres(`postgres://app:${OWN_SECRET}@host/db?sslmode=sometimes`);
  } catch (e) {
    configError = e;
  }
  expect(configError).toBeDefined();
  expectNoSecret(everything(configError), 'a configuration error');
});

it('logging the context or its provider after queries shows no password', () => {
  expectNoSecret(inspect(ctx, { depth: 12 }), 'inspect(ctx)');
  expectNoSecret(inspect(ctx.options.provider, { depth: 12 }), 'inspect(provider)');
});
