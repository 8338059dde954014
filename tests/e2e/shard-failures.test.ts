import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DtdeDatabaseError, DtdeShardError, type QueryShardMessage } from '../../src/index.js';
import { listenDiagnostics, type DiagnosticsLog } from './support/listen-diagnostics.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { reopenShop, type ReopenedShop } from './support/reopen-shop.js';
import { Order } from './support/shop-model.js';

// A shard that cannot answer (file deleted, file locked, table dropped) fails the query with a
// DtdeShardError naming it and carrying its SQL; the other shard commands are cancelled or
// finished cleanly, nothing rejects unhandled, and the context keeps working afterwards.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A loaded shop whose loading context is already closed (so no pooled connection holds a file),
 * and a fresh context over the same folder for the test to break and query.
 */
async function shopToBreak(
  size = 4,
  options: Parameters<typeof reopenShop>[1] = {},
): Promise<{ shop: OpenShop; reopen: () => ReopenedShop }> {
  const shop = await openShop({ size });
  await shop.ctx.close();
  cleanups.push(() => shop.close());
  return {
    shop,
    reopen: () => {
      const reopened = reopenShop(shop.dir, options);
      cleanups.push(() => reopened.ctx.close());
      return reopened;
    },
  };
}

function listen(): DiagnosticsLog {
  const log = listenDiagnostics();
  cleanups.push(() => log.stop());
  return log;
}

/** Collects unhandled rejections while a test runs. */
function watchUnhandledRejections(): { readonly reasons: unknown[] } {
  const reasons: unknown[] = [];
  const onRejection = (reason: unknown): void => void reasons.push(reason);
  process.on('unhandledRejection', onRejection);
  cleanups.push(() => void process.off('unhandledRejection', onRejection));
  return { reasons };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail, but it answered');
}

function expectShardError(error: unknown, shardId: string): DtdeShardError {
  expect(error).toBeInstanceOf(DtdeShardError);
  const shardError = error as DtdeShardError;
  expect(shardError.code).toBe('DTDE_SHARD');
  expect(shardError.shardId).toBe(shardId);
  expect(shardError.message).toContain(`'${shardId}'`);
  return shardError;
}

/** Every other shard either finished (no error, not cancelled) or was cancelled without an error of its own. */
function expectOthersCancelledOrFinished(messages: readonly QueryShardMessage[], failed: string): void {
  for (const message of messages.filter((m) => m.shardId !== failed)) {
    expect(message.error, `${message.shardId} reported an error of its own`).toBeUndefined();
    if (message.cancelled !== true) expect(message.cancelled).toBeUndefined();
  }
}

const yearOf = (o: Order): number => o.orderDate.getUTCFullYear();

describe('a database-mode shard whose file is missing', () => {
  it('fails an ordered fan-out with DtdeShardError naming the shard, its file and its SQL; the others are cancelled', async () => {
    const { shop, reopen } = await shopToBreak();
    const file = join(shop.dir, 'orders-2024.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    const { ctx, busyConnections } = reopen();
    const unhandled = watchUnhandledRejections();
    const log = listen();

    const query = ctx.orders.orderBy((o) => o.total);
    const error = expectShardError(await rejectionOf(query.toArray()), 'years::2024');

    expect(error.message).toContain(file);
    expect(error.sql).toBe(query.explain().commands.find((c) => c.shardId === 'years::2024')!.sql);
    expect(error.cause).toBeInstanceOf(DtdeDatabaseError);
    expect(error.cause).toMatchObject({ reason: 'missing', database: file });

    // Each year holds more rows than a shard reads ahead, and the merge needs every head before it
    // yields: 2023 and 2025 cannot have finished, so they were cancelled.
    expect(log.shards.map((s) => s.shardId).sort()).toEqual(['years::2023', 'years::2024', 'years::2025']);
    expect(log.shards.find((s) => s.shardId === 'years::2024')).toMatchObject({ rowCount: 0, error: error.cause });
    for (const other of log.shards.filter((s) => s.shardId !== 'years::2024')) {
      expect(other.error).toBeUndefined();
      expect(other.cancelled).toBe(true);
    }
    expect(log.done).toHaveLength(1);
    expect(log.done[0]!.error).toBe(error);

    await nextTurn();
    expect(unhandled.reasons).toEqual([]);
    expect(busyConnections()).toBe(0);
    expect(existsSync(file)).toBe(false); // a read never creates a missing shard file

    // The context still answers queries that do not need the missing file.
    const in2023 = await ctx.orders.where((o, p) => o.orderDate < p.end, { end: new Date('2024-01-01T00:00:00Z') }).count();
    expect(in2023).toBe(shop.data.orders.filter((o) => yearOf(o) === 2023).length);
    expect(busyConnections()).toBe(0);
  });

  it('fails an aggregate and a sequential fan-out the same way; earlier shards finished, later ones never start', async () => {
    const { shop, reopen } = await shopToBreak(1, { maxParallelShards: 1 });
    rmSync(join(shop.dir, 'orders-2024.db'));
    const { ctx, busyConnections } = reopen();
    const unhandled = watchUnhandledRejections();
    const log = listen();

    const error = expectShardError(await rejectionOf(ctx.orders.count()), 'years::2024');
    expect(error.sql).toMatch(/^SELECT COUNT\(\*\)/);
    // One shard at a time, in order: 2023 finished, 2024 failed, 2025 was never started.
    expect(log.shards.map((s) => [s.shardId, s.error === undefined ? 'ok' : 'error', s.cancelled ?? false])).toEqual([
      ['years::2023', 'ok', false],
      ['years::2024', 'error', false],
    ]);
    expect(log.shards[0]!.rowCount).toBe(1);

    log.clear();
    expectShardError(await rejectionOf(ctx.orders.where((o) => o.total > 10).toArray()), 'years::2024');
    expectOthersCancelledOrFinished(log.shards, 'years::2024');

    await nextTurn();
    expect(unhandled.reasons).toEqual([]);
    expect(busyConnections()).toBe(0);
    const in2025 = await ctx.orders.where((o, p) => o.orderDate >= p.start, { start: new Date('2025-01-01T00:00:00Z') }).toArray();
    expect(in2025).toHaveLength(shop.data.orders.filter((o) => yearOf(o) === 2025).length);
  });
});

describe('a locked shard file', () => {
  // In WAL mode a writer's lock, even BEGIN EXCLUSIVE, does not block readers. What does: a
  // connection in `locking_mode = EXCLUSIVE` that has touched the file holds the file's exclusive
  // lock and keeps the WAL index private, so every other connection gets SQLITE_BUSY until it
  // closes. It must be the first connection to the file, hence a closed loading context.
  function lockExclusively(file: string): Database.Database {
    const locker = new Database(file, { fileMustExist: true });
    locker.pragma('locking_mode = EXCLUSIVE');
    locker.prepare('SELECT COUNT(*) FROM "Orders"').get();
    cleanups.push(() => void (locker.open && locker.close()));
    return locker;
  }

  it('fails a fan-out read with DtdeShardError naming the shard, and answers again once the lock is gone', async () => {
    const { shop, reopen } = await shopToBreak(4, { sqlite: { busyTimeoutMs: 20 } });
    const file = join(shop.dir, 'orders-2025.db');
    const locker = lockExclusively(file);
    const { ctx, busyConnections } = reopen();
    const unhandled = watchUnhandledRejections();
    const log = listen();

    const query = ctx.orders.orderByDescending((o) => o.orderDate);
    const error = expectShardError(await rejectionOf(query.toArray()), 'years::2025');
    expect(error.message).toContain(file);
    expect(error.sql).toBe(query.explain().commands.find((c) => c.shardId === 'years::2025')!.sql);
    expect(error.cause).toMatchObject({ reason: 'busy', driverCode: 'SQLITE_BUSY', database: file });
    expect(log.shards.find((s) => s.shardId === 'years::2025')!.error).toBe(error.cause);
    expectOthersCancelledOrFinished(log.shards, 'years::2025');

    await nextTurn();
    expect(unhandled.reasons).toEqual([]);
    expect(busyConnections()).toBe(0);

    locker.close();
    const rows = await query.toArray();
    expect(rows).toHaveLength(shop.data.orders.length);
    expect(busyConnections()).toBe(0);
  });

  it('fails a bulk insert into the locked shard with DtdeShardError naming the shard, caused by the busy file', async () => {
    const { shop, reopen } = await shopToBreak(1, { sqlite: { busyTimeoutMs: 20 } });
    const file = join(shop.dir, 'orders-2025.db');
    lockExclusively(file);
    const { ctx } = reopen();

    const row = Object.assign(new Order(), {
      id: 1_000_001,
      customerId: 1,
      orderDate: new Date('2025-05-05T00:00:00Z'),
      total: 1,
      status: 'new',
      note: null,
    });
    // The write names the shard, with the driver's error (naming the file) as its cause.
    const error = await rejectionOf(ctx.bulkInsert(Order, [row]));
    expect(error).toBeInstanceOf(DtdeShardError);
    expect(error).toMatchObject({ shardId: 'years::2025' });
    expect((error as DtdeShardError).message).toMatch(/nothing of this save was written/);
    expect((error as DtdeShardError).cause).toMatchObject({ reason: 'busy', database: file });
  });
});

describe('a shard whose table is missing', () => {
  function dropTable(file: string, table: string): void {
    const db = new Database(file, { fileMustExist: true });
    try {
      db.exec(`DROP TABLE "${table}"`);
    } finally {
      db.close();
    }
  }

  it('fails with DtdeShardError naming the table shard and its SQL; routed queries to other shards still work', async () => {
    const { shop, reopen } = await shopToBreak(1);
    dropTable(shop.file, 'Customers_US');
    const { ctx, busyConnections } = reopen();
    const unhandled = watchUnhandledRejections();
    const log = listen();

    const query = ctx.customers.orderBy((c) => c.name);
    const error = expectShardError(await rejectionOf(query.toArray()), 'US');
    expect(error.sql).toBe(query.explain().commands.find((c) => c.shardId === 'US')!.sql);
    expect(error.sql).toContain('FROM "Customers_US"');
    expect(error.message).toMatch(/table "Customers_US" does not exist/);
    expect(error.cause).toMatchObject({ reason: 'failed', database: shop.file });
    expectOthersCancelledOrFinished(log.shards, 'US');

    await nextTurn();
    expect(unhandled.reasons).toEqual([]);
    expect(busyConnections()).toBe(0);
    await expect(ctx.customers.where((c) => c.region === 'APAC').count()).resolves.toBe(
      shop.data.customers.filter((c) => c.region === 'APAC').length,
    );
  });

  it('notices a table dropped under a context that already read it', async () => {
    const shop = await openShop();
    cleanups.push(() => shop.close());
    // Warm the pool and the statement cache, then drop the table behind the context's back.
    await shop.ctx.customers.toArray();
    dropTable(shop.file, 'Customers_US');

    const error = expectShardError(await rejectionOf(shop.ctx.customers.toArray()), 'US');
    expect(error.message).toMatch(/table "Customers_US" does not exist/);
    await expect(shop.ctx.customers.where((c) => c.region === 'EU').count()).resolves.toBe(
      shop.data.customers.filter((c) => c.region === 'EU').length,
    );
  });
});
