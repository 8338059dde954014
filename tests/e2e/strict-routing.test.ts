import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DtdeConfigurationError, DtdeRoutingError, sqlite } from '../../src/index.js';
import { listenDiagnostics, type DiagnosticsLog } from './support/listen-diagnostics.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { Customer, ShopContext, shopShards } from './support/shop-model.js';

// A shard-key value that names no shard (`c.region === 'UK'` where the shards are EU, US and APAC)
// answers empty, which is correct but usually a typo. `strictRouting: true` makes it a
// DtdeRoutingError naming the value and the shards; either way the plan channel says that no
// shard matched, and why.

let shop: OpenShop;
let strict: ShopContext;
let log: DiagnosticsLog | undefined;
beforeAll(async () => {
  shop = await openShop();
  strict = new ShopContext({ provider: sqlite({ file: join(shop.dir, 'shop.db') }), shards: shopShards, strictRouting: true });
});
afterAll(async () => {
  await strict?.close();
  await shop?.close();
});
afterEach(() => log?.stop());

async function routingError(action: () => Promise<unknown>): Promise<DtdeRoutingError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(DtdeRoutingError);
    return error as DtdeRoutingError;
  }
  throw new Error('expected a DtdeRoutingError');
}

describe('a shard-key value that names no shard', () => {
  it('answers empty by default, and the plan channel says no shard matched and why', async () => {
    log = listenDiagnostics();
    expect(await shop.ctx.customers.where((c) => c.region === 'UK').toArray()).toEqual([]);
    expect(await shop.ctx.customers.count((c) => c.region === 'UK')).toBe(0);
    expect(log.plans).toEqual([
      {
        entity: 'Customer',
        shardIds: [],
        noShardMatched: true,
        reason: "shard key region = 'UK' names no shard of Customer (shards: EU, US, APAC)",
      },
      {
        entity: 'Customer',
        shardIds: [],
        noShardMatched: true,
        reason: "shard key region = 'UK' names no shard of Customer (shards: EU, US, APAC)",
      },
    ]);
    expect(log.shards).toEqual([]);
  });

  it('a value that is a shard id in another case: the plan channel names the near miss', async () => {
    log = listenDiagnostics();
    expect(await shop.ctx.customers.where((c) => c.region === 'Us').toArray()).toEqual([]);
    expect(log.plans).toEqual([
      {
        entity: 'Customer',
        shardIds: [],
        noShardMatched: true,
        reason:
          "shard key region = 'Us' names no shard of Customer (shards: EU, US, APAC); 'Us' differs from shard US only in case " +
          '(shard keys compare case-sensitively; shardBy(..., { caseSensitive: false }) ignores case)',
      },
    ]);
    expect(log.shards).toEqual([]);
  });

  it('with strictRouting, is a DtdeRoutingError naming the value and the shards', async () => {
    const error = await routingError(() => strict.customers.where((c) => c.region === 'UK').toArray());
    expect(error.message.split('\nIn .toArray() at ')[0]).toBe(
      "Customer: no shard holds shard key region = 'UK'; shards that exist: EU, US, APAC. Fix the value, or declare the shard in the " +
        "context's shards option. (strictRouting is on; without it the query would answer as if no row matched.)",
    );
    expect(error).toMatchObject({ code: 'DTDE_ROUTING', entity: 'Customer', keyValue: 'UK', availableShards: ['EU', 'US', 'APAC'] });
  });

  it('with strictRouting: params values, terminals, an IN list with one unknown value, and dates', async () => {
    await routingError(() => strict.customers.where((c, p) => c.region === p.region, { region: 'UK' }).first());
    await routingError(() => strict.customers.count((c) => c.region === 'UK'));
    const list = await routingError(() => strict.customers.where((c) => ['EU', 'UK', 'FR'].includes(c.region)).toArray());
    expect(list.keyValue).toEqual(['FR', 'UK']);
    expect(list.message).toContain("no shard holds shard key region = 'FR', 'UK'; shards that exist: EU, US, APAC.");
    const date = new Date('2030-05-01T00:00:00Z');
    const year = await routingError(() => strict.orders.where((o, p) => o.orderDate === p.date, { date }).toArray());
    expect(year.message).toContain(
      'no shard holds shard key orderDate = 2030-05-01T00:00:00.000Z; shards that exist: years::2023, years::2024, years::2025.',
    );
  });

  it('with strictRouting, values that name shards, contradictions and ranges answer as before', async () => {
    const { oracle } = shop;
    expect(await oracle.check(strict, Customer, (q) => q.where((c) => c.region === 'EU').count(), { ordered: false })).toBeGreaterThan(0);
    expect(await strict.customers.where((c) => c.region === 'EU' && (c.region as string) === 'US').toArray()).toEqual([]);
    expect(await strict.orders.count((o, p) => o.orderDate >= p.from, { from: new Date('2031-01-01T00:00:00Z') })).toBe(0);
  });

  it('publishes the other reasons for an empty plan', async () => {
    log = listenDiagnostics();
    await shop.ctx.customers.where((c) => c.region === 'EU' && (c.region as string) === 'US').toArray();
    await shop.ctx.orders.where((o, p) => o.orderDate >= p.from, { from: new Date('2031-01-01T00:00:00Z') }).toArray();
    await shop.ctx.customers.take(0).toArray();
    expect(log.plans.map((p) => p.reason)).toEqual([
      'the filters on shard key region allow no shard of Customer',
      'the filters on shard key orderDate allow no shard of Order',
      'take(0) reads no rows',
    ]);
  });

  it('strictRouting must be a boolean', () => {
    expect(() => new ShopContext({ strictRouting: 'yes' as never })).toThrow(DtdeConfigurationError);
  });
});
