// executeUpdate / executeDelete and bulkInsert on SQLite files: pruned like queries, atomic across
// the shards they touch, and the written state equal to the in-memory evaluator applying the same
// lambdas to the same rows (its executeUpdate/executeDelete mutate the arrays).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DtdeRoutingError, DtdeTranslationError, DtdeValidationError } from '../../src/index.js';
import { Oracle } from './support/oracle.js';
import { Account, Customer, customer, Order, order, openWriteShop, tableCounts, type WriteShop } from './support/write-shop.js';

let dir: string;
let ctx: WriteShop;
let customers: Customer[];
let orders: Order[];
let oracle: Oracle;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dtde-set-writes-'));
  ctx = openWriteShop(dir);
  await ctx.ensureCreated();
  customers = Array.from({ length: 30 }, (_, i) => customer(i + 1, ['EU', 'US', 'APAC'][i % 3], `n${i % 7}`));
  orders = Array.from({ length: 45 }, (_, i) => order(i + 1, 2023 + (i % 3), 10 + i));
  await ctx.bulkInsert(Customer, customers);
  await ctx.bulkInsert(Order, orders);
  // The oracle holds its own copies: the engine must reach the same state by its own route.
  oracle = new Oracle([
    [Customer, customers.map((c) => Object.assign(new Customer(), c))],
    [Order, orders.map((o) => Object.assign(new Order(), o))],
  ]);
});

afterEach(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectSameRows(): Promise<void> {
  await oracle.check(ctx, Customer, (q) => q.orderBy((c) => c.id).toArray(), { ordered: true });
  await oracle.check(ctx, Order, (q) => q.orderBy((o) => o.id).toArray(), { ordered: true });
}

describe('executeUpdate', () => {
  it('updates the matching rows of the shards the filter can match, computing from the row', async () => {
    const update = (q: typeof ctx.customers) =>
      q
        .where((c) => c.region === 'EU' && c.name !== 'n1')
        .executeUpdate((c, p) => ({ score: c.score * 2 + p.bonus, vip: true }), { bonus: 5 });
    const n = await update(ctx.customers);
    expect(n).toBe(await update(oracle.root(Customer) as typeof ctx.customers));
    expect(n).toBeGreaterThan(0);
    await expectSameRows();
  });

  it('fans out when the filter does not name the shard key, and is atomic across the order files', async () => {
    const n = await ctx.orders.where((o) => o.total > 30).executeUpdate(() => ({ status: 'big', note: 'x' }));
    expect(n).toBe(
      await oracle
        .root(Order)
        .where((o) => o.total > 30)
        .executeUpdate(() => ({ status: 'big', note: 'x' })),
    );
    await expectSameRows();
  });

  it('refuses the shard key, unknown properties, non-object setters and other operators before sending anything', async () => {
    await expect(ctx.customers.where((c) => c.id === 1).executeUpdate(() => ({ region: 'US' }))).rejects.toThrow(
      /decides which shard holds a row/,
    );
    await expect(ctx.orders.executeUpdate((_o, p) => ({ orderDate: p.at }), { at: new Date() })).rejects.toThrow(DtdeTranslationError);
    await expect(ctx.customers.executeUpdate(() => ({ nope: 1 }) as never)).rejects.toThrow(/has no property 'nope'/);
    await expect(
      ctx.customers
        .orderBy((c) => c.id)
        .take(1)
        .executeUpdate(() => ({ vip: true })),
    ).rejects.toThrow(/where\(\.\.\.\) filters only/);
    await expect(ctx.customers.executeUpdate(() => ({ name: null as unknown as string }))).rejects.toThrow(/not nullable/);
    await expectSameRows();
  });

  it('increments a concurrency token, so readers holding the old version fail to save', async () => {
    const a = Object.assign(new Account(), { id: 1, owner: 'ada', balance: 1, version: null });
    ctx.add(a);
    await ctx.saveChanges();
    const stale = (await ctx.accounts.first())!;
    expect(await ctx.accounts.executeUpdate((x) => ({ balance: x.balance + 1 }))).toBe(1);
    expect((await ctx.accounts.first())!.version).toBe(2);
    stale.balance = 100;
    ctx.update(stale);
    await expect(ctx.saveChanges()).rejects.toThrow(/concurrency token/);
  });
});

describe('executeDelete', () => {
  it('deletes the matching rows, pruned to one shard by the key', async () => {
    const n = await ctx.customers.where((c) => c.region === 'US' && c.score > 10).executeDelete();
    expect(n).toBe(
      await oracle
        .root(Customer)
        .where((c) => c.region === 'US' && c.score > 10)
        .executeDelete(),
    );
    await expectSameRows();
    expect(tableCounts(dir).Customers_US).toBe(customers.filter((c) => c.region === 'US' && c.score <= 10).length);
  });

  it('deletes across the order files in one atomic write', async () => {
    const n = await ctx.orders.where((o) => o.total < 40).executeDelete();
    expect(n).toBe(
      await oracle
        .root(Order)
        .where((o) => o.total < 40)
        .executeDelete(),
    );
    await expectSameRows();
  });
});

describe('bulkInsert', () => {
  it('reports rows per shard and is atomic: a bad row in a later batch leaves nothing of the earlier ones', async () => {
    const more = Array.from({ length: 25 }, (_, i) => customer(100 + i, ['EU', 'US'][i % 2]));
    const result = await ctx.bulkInsert(Customer, more, { batchSize: 7 });
    expect(result).toEqual({ rowsInserted: 25, perShard: { EU: 13, US: 12, APAC: 0 } });
    const before = tableCounts(dir);
    const withBad = [
      ...Array.from({ length: 20 }, (_, i) => order(200 + i, 2023 + (i % 3))),
      Object.assign(order(300, 2024), { status: 'x'.repeat(40) }),
    ];
    await expect(ctx.bulkInsert(Order, withBad, { batchSize: 5 })).rejects.toThrow(DtdeValidationError);
    expect(tableCounts(dir)).toEqual(before);
    const unroutable = [order(400, 2024), order(401, 1999)];
    await expect(ctx.bulkInsert(Order, unroutable)).rejects.toThrow(DtdeRoutingError);
    expect(tableCounts(dir)).toEqual(before);
  });
});
