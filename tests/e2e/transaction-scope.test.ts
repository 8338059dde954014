// ctx.transaction(async tx => ...): writes inside join one transaction per database and commit
// together (across databases by the commit protocol) or roll back when the callback throws; reads
// inside see the scope's own writes, while other contexts do not until it commits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DtdeInvalidOperationError } from '../../src/index.js';
import { Customer, customer, order, openWriteShop, tableCounts, type WriteShop } from './support/write-shop.js';

let dir: string;
let ctx: WriteShop;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dtde-scope-'));
  ctx = openWriteShop(dir);
  await ctx.ensureCreated();
  await ctx.bulkInsert(Customer, [customer(1, 'EU'), customer(2, 'US')]);
});

afterEach(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reads inside see the scope\u2019s writes; another context sees them only after the commit', async () => {
  const other = openWriteShop(dir);
  try {
    await ctx.transaction(async (tx) => {
      tx.add(customer(3, 'EU'));
      tx.add(order(1, 2024));
      tx.add(order(2, 2025));
      expect(await tx.saveChanges()).toBe(3);
      await tx.orders.where((o) => o.id === 1).executeUpdate(() => ({ status: 'paid' }));
      expect(await tx.customers.count()).toBe(3);
      expect(
        await tx.customers
          .where((c) => c.region === 'EU')
          .orderBy((c) => c.id)
          .select((c) => c.id)
          .toArray(),
      ).toEqual([1, 3]);
      expect((await tx.orders.first((o) => o.id === 1))!.status).toBe('paid');
      expect(await other.customers.count()).toBe(2);
      expect(await other.orders.count()).toBe(0);
    });
    expect(await other.customers.count()).toBe(3);
    expect(await other.orders.count()).toBe(2);
    expect(tableCounts(dir)).toMatchObject({ Customers_EU: 2, 'Orders@2024': 1, 'Orders@2025': 1 });
  } finally {
    await other.close();
  }
});

it('a small read one shard answers (a key lookup, a short page) sees the scope\u2019s writes too', async () => {
  await ctx.transaction(async (tx) => {
    tx.add(customer(3, 'EU'));
    await tx.saveChanges();
    const lookup = (id: number) => tx.customers.where((c, p) => c.region === 'EU' && c.id === p.id, { id });
    expect((await lookup(3).toArray()).map((c) => c.id)).toEqual([3]);
    expect((await lookup(3).firstOrDefault())?.id).toBe(3);
    expect(
      await tx.customers
        .where((c) => c.region === 'EU')
        .orderBy((c) => c.id)
        .take(5)
        .select((c) => c.id)
        .toArray(),
    ).toEqual([1, 3]);
  });
  // Outside the scope, after the commit, the same reads (now answered at once) agree.
  expect((await ctx.customers.where((c) => c.region === 'EU' && c.id === 3).toArray()).map((c) => c.id)).toEqual([3]);
});

it('a callback that throws rolls back every database it wrote', async () => {
  const before = tableCounts(dir);
  await expect(
    ctx.transaction(async (tx) => {
      tx.add(customer(3, 'APAC'));
      tx.add(order(1, 2023));
      await tx.saveChanges();
      await tx.customers.where((c) => c.id === 1).executeDelete();
      throw new Error('changed my mind');
    }),
  ).rejects.toThrow('changed my mind');
  expect(tableCounts(dir)).toEqual(before);
  expect(ctx.pendingChangeCount).toBe(0); // the save inside did run; its changes are no longer pending
});

it('transactions do not nest', async () => {
  await expect(ctx.transaction(() => ctx.transaction(async () => 1))).rejects.toThrow(DtdeInvalidOperationError);
});
