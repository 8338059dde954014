// The `log` context option: every shard command this context runs (and only this context's),
// printed or handed to a function, with or without its parameter values; failures as errors.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DtdeConfigurationError, DtdeShardError, type QueryLogEvent } from '../../src/index.js';
import { type OpenShop, openShop } from './support/open-shop.js';
import { ShopContext, shopShards } from './support/shop-model.js';
import { sqlite } from '../../src/index.js';
import { join } from 'node:path';
import Database from 'better-sqlite3';

let shop: OpenShop;
const contexts: ShopContext[] = [];
beforeEach(async () => {
  shop = await openShop({ size: 60 });
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await shop.close();
});

const withLog = (log: NonNullable<ConstructorParameters<typeof ShopContext>[0]>['log']) => {
  const ctx = new ShopContext({ provider: sqlite({ file: shop.file }), shards: shopShards, log });
  contexts.push(ctx);
  return ctx;
};

describe('log', () => {
  it("['query'] prints each shard command with its SQL, parameters, time and rows", async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const ctx = withLog(['query']);
      const eu = await ctx.customers.where((c, p) => c.region === p.r && c.score > p.min, { r: 'EU', min: 5 }).toArray();
      expect(print).toHaveBeenCalledTimes(1);
      const line = String(print.mock.calls[0][0]);
      expect(line).toMatch(
        new RegExp(
          `^dtde:query EU \\d+\\.\\d ms, ${eu.length} rows?\\n  SELECT .* FROM "Customers_EU" AS "c" WHERE .* -- parameters: \\[5\\]$`,
        ),
      );
    } finally {
      print.mockRestore();
    }
  });

  it('a function gets every command of this context only, and parameters: false leaves the values out', async () => {
    const events: QueryLogEvent[] = [];
    const ctx = withLog({ emit: (e) => events.push(e), parameters: false });
    await shop.ctx.customers.count(); // another context: not logged
    const n = await ctx.customers.where((c) => c.score > 3).count();
    expect(events.map((e) => e.shardId)).toEqual(['EU', 'US', 'APAC']);
    expect(events.every((e) => e.level === 'query' && e.parameters === undefined && e.sql.includes('COUNT'))).toBe(true);
    expect(events.reduce((sum, e) => sum + e.rowCount, 0)).toBe(3); // one partial row per shard
    expect(n).toBeGreaterThan(0);
    const all: QueryLogEvent[] = [];
    const ctx2 = withLog((e) => all.push(e));
    await ctx2.customers.where((c, p) => c.region === p.r, { r: 'US' }).first();
    expect(all).toHaveLength(1);
    // Customers_US holds only US rows, so its statement drops the region test, and SQLite writes the
    // limit into the SQL text: no values are bound.
    expect(all[0].parameters).toEqual([]);
    await ctx2.close();
    await ctx2.customers.count().catch(() => undefined);
    expect(all).toHaveLength(1); // closed: no more events
  });

  it('a failed shard command is an error event', async () => {
    const events: QueryLogEvent[] = [];
    const ctx = withLog((e) => events.push(e));
    const db = new Database(shop.file);
    db.exec('DROP TABLE "Customers_US"');
    db.close();
    await expect(ctx.customers.where((c) => c.region === 'US').toArray()).rejects.toThrow(DtdeShardError);
    expect(events).toMatchObject([{ level: 'error', shardId: 'US' }]);
    expect(events[0].error).toBeDefined();
  });

  it('a wrong log option is a configuration error', () => {
    expect(() => withLog(['everything'] as never)).toThrow(DtdeConfigurationError);
    expect(() => withLog({ emit: ['query'], parameters: 'no' } as never)).toThrow(/\(\{ log \}\): log must be \['query'\], \['error'\]/);
  });
});
