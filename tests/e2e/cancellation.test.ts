import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DtdeTimeoutError, type QueryShardMessage, type SqliteProvider } from '../../src/index.js';
import { listenDiagnostics, type DiagnosticsLog } from './support/listen-diagnostics.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { reopenShop, type ReopenedShop } from './support/reopen-shop.js';
import type { Order } from './support/shop-model.js';

// Cancellation without timing: queries are aborted from deterministic points (before they start,
// from a diagnostics message, after the first row), timeouts fire while the query provably cannot
// progress, and every test checks that connections went back and the context still answers.

// size 4: 400 orders per year file, more than a shard stream reads ahead (64), so a shard
// command cannot finish while its consumer is not reading.
let shop: OpenShop;
let log: DiagnosticsLog;
const contexts: ReopenedShop[] = [];
beforeAll(async () => {
  shop = await openShop({ size: 4 });
});
afterAll(async () => {
  await shop?.close();
});
afterEach(async () => {
  log?.stop();
  for (const reopened of contexts.splice(0)) await reopened.ctx.close();
});

function reopen(options: Parameters<typeof reopenShop>[1]): ReopenedShop {
  const reopened = reopenShop(shop.dir, options);
  contexts.push(reopened);
  return reopened;
}

async function rejectionOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail, but it answered');
}

/** Pool counters of the shop's own context: nothing lent, no stream left open. */
function busyConnections(): number {
  let busy = 0;
  const { driver } = shop.ctx.options.provider as SqliteProvider; // openShop uses sqlite()
  for (const file of driver.stats().files.values()) busy += file.used + file.openStreams;
  return busy;
}

/** Proves the context is still usable: a routed and a fanned-out query answer in full. */
async function expectContextAnswers(ctx: OpenShop['ctx']): Promise<void> {
  await expect(ctx.orders.count()).resolves.toBe(shop.data.orders.length);
  const eu = await ctx.customers.where((c) => c.region === 'EU').toArray();
  expect(eu).toHaveLength(shop.data.customers.filter((c) => c.region === 'EU').length);
}

const expectCancelledCleanly = (message: QueryShardMessage): void => {
  expect(message.error, `${message.shardId} reported an error`).toBeUndefined();
  expect(message.cancelled, `${message.shardId} was not cancelled`).toBe(true);
};

describe('AbortSignal', () => {
  it('rejects with the reason of a signal aborted before the query, without running a shard command', async () => {
    log = listenDiagnostics();
    const reason = new Error('user went away');
    const signal = AbortSignal.abort(reason);

    expect(await rejectionOf(shop.ctx.orders.orderBy((o) => o.total).toArray({ signal }))).toBe(reason);
    expect(await rejectionOf(shop.ctx.orders.count({ signal }))).toBe(reason);
    expect(await rejectionOf(shop.ctx.orders.where((o) => o.total > 5).first({ signal }))).toBe(reason);
    expect(
      await rejectionOf(async () => {
        for await (const _ of shop.ctx.customers.stream({ signal })) expect.unreachable('no row after an abort');
      }),
    ).toBe(reason);

    expect(log.shards).toEqual([]);
    expect(log.done).toHaveLength(4);
    for (const done of log.done) expect(done.error).toBe(reason);
    expect(busyConnections()).toBe(0);
    await expectContextAnswers(shop.ctx);
  });

  it('rejects with an AbortError when the signal has no reason of its own', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(shop.ctx.customers.toArray({ signal: controller.signal }));
    expect(error).toBe(controller.signal.reason);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('stops toArray aborted while it runs: shards not yet started never start', async () => {
    // One shard at a time; the signal aborts when the first shard command ends.
    const { ctx, busyConnections: busy } = reopen({ maxParallelShards: 1 });
    const controller = new AbortController();
    const reason = new Error('aborted after the first shard');
    log = listenDiagnostics({ onShard: () => controller.abort(reason) });

    expect(await rejectionOf(ctx.orders.toArray({ signal: controller.signal }))).toBe(reason);
    expect(log.plans[0]!.shardIds).toEqual(['years::2023', 'years::2024', 'years::2025']);
    expect(log.shards).toHaveLength(1);
    expect(log.shards[0]).toMatchObject({
      shardId: 'years::2023',
      rowCount: shop.data.orders.filter((o) => o.orderDate.getUTCFullYear() === 2023).length,
    });
    expect(log.done[0]!.error).toBe(reason);
    expect(busy()).toBe(0);
    await expectContextAnswers(ctx);
  });

  it('stops a stream aborted after its first row and cancels every running shard', async () => {
    log = listenDiagnostics();
    const controller = new AbortController();
    const reason = new Error('enough');
    const seen: Order[] = [];

    const error = await rejectionOf(async () => {
      for await (const order of shop.ctx.orders.orderBy((o) => o.total).stream({ signal: controller.signal })) {
        seen.push(order);
        controller.abort(reason);
      }
    });

    expect(error).toBe(reason);
    expect(seen).toHaveLength(1);
    expect(log.shards.map((s) => s.shardId).sort()).toEqual(['years::2023', 'years::2024', 'years::2025']);
    log.shards.forEach(expectCancelledCleanly);
    expect(log.done).toHaveLength(1);
    expect(log.done[0]).toMatchObject({ rowCount: 1, error: reason });
    expect(busyConnections()).toBe(0);
    await expectContextAnswers(shop.ctx);
  });
});

describe('queryTimeoutMs', () => {
  it('fails a query that waits for a connection past the timeout with DtdeTimeoutError', async () => {
    // One read connection per file, lent out to a raw driver stream that stays open: the
    // query can only wait for it, so only the timeout can end it.
    const {
      ctx,
      provider,
      busyConnections: busy,
    } = reopen({
      maxParallelShards: 1,
      queryTimeoutMs: 50,
      sqlite: { readPoolSize: 1, acquireTimeoutMs: 600_000 },
    });
    const holder = provider.driver
      .query({ file: 'orders-2024.db' }, 'SELECT "id" FROM "Orders"', [], { batchSize: 1 })
      [Symbol.asyncIterator]();
    expect((await holder.next()).done).toBe(false);
    log = listenDiagnostics();

    const params = { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2025-01-01T00:00:00Z') };
    const inYear = ctx.orders.where((o, p) => o.orderDate >= p.from && o.orderDate < p.to, params);
    const error = await rejectionOf(inYear.toArray());

    expect(error).toBeInstanceOf(DtdeTimeoutError);
    expect(error).toMatchObject({ code: 'DTDE_TIMEOUT', timeoutMs: 50, shardId: 'years::2024' });
    const database = provider.databaseId({ file: 'orders-2024.db' });
    expect((error as DtdeTimeoutError).shards).toEqual([
      { shardId: 'years::2024', sql: expect.stringContaining('FROM "Orders"'), table: '"Orders"', database },
    ]);
    expect((error as Error).message.split('\n')[0]).toBe(
      `The query ran longer than its timeout of 50 ms while shard 'years::2024' (table "Orders" in database ${database}) ` +
        'was still running; its command was cancelled. Find why the shard is slow (see error.shards), raise queryTimeoutMs, ' +
        'or narrow the query (filter on the shard key, add take).',
    );
    expect(log.shards).toHaveLength(1);
    expect(log.shards[0]).toMatchObject({ shardId: 'years::2024', rowCount: 0 });
    expectCancelledCleanly(log.shards[0]!);
    expect(log.done[0]!.error).toBe(error);
    // A value terminal waits the same way and times out the same way.
    expect(await rejectionOf(inYear.count())).toBeInstanceOf(DtdeTimeoutError);

    await holder.return!();
    expect(busy()).toBe(0);
    await expect(inYear.count()).resolves.toBe(
      shop.data.orders.filter((o) => o.orderDate >= params.from && o.orderDate < params.to).length,
    );
  });

  it('names the shard still running when the timeout fires, not the siblings that answered', async () => {
    // Every read connection of the 2024 file is held, so its shard waits; 2023 and 2025 answer at once.
    const {
      ctx,
      provider,
      busyConnections: busy,
    } = reopen({
      maxParallelShards: 3,
      queryTimeoutMs: 1_000,
      sqlite: { readPoolSize: 3, acquireTimeoutMs: 600_000 },
    });
    const holders = [1, 2, 3].map(() =>
      provider.driver.query({ file: 'orders-2024.db' }, 'SELECT "id" FROM "Orders"', [], { batchSize: 1 })[Symbol.asyncIterator](),
    );
    for (const holder of holders) expect((await holder.next()).done).toBe(false);
    log = listenDiagnostics();

    const error = (await rejectionOf(ctx.orders.count())) as DtdeTimeoutError;

    expect(error).toBeInstanceOf(DtdeTimeoutError);
    expect(error.shards.map((s) => s.shardId)).toEqual(['years::2024']);
    expect(error.message).toContain(`shard 'years::2024' (table "Orders" in database ${provider.databaseId({ file: 'orders-2024.db' })})`);
    expect(error.message).not.toMatch(/2023|2025/);
    const answered = log.shards.filter((s) => s.shardId !== 'years::2024');
    expect(answered.map((s) => [s.shardId, s.cancelled, s.error])).toEqual([
      ['years::2023', undefined, undefined],
      ['years::2025', undefined, undefined],
    ]);
    for (const holder of holders) await holder.return!();
    expect(busy()).toBe(0);
    await expect(ctx.orders.count()).resolves.toBe(shop.data.orders.length);
  });

  it('fails a stream whose consumer stalls past the timeout; the shards are cancelled', async () => {
    const { ctx, busyConnections: busy } = reopen({ queryTimeoutMs: 50 });
    let timedOut!: () => void;
    const cancelled = new Promise<void>((resolve) => (timedOut = resolve));
    // Nothing but the timeout can cancel a shard here: the consumer does not abort, break or fail.
    log = listenDiagnostics({ onShard: (m) => m.cancelled === true && timedOut() });

    let rows = 0;
    const error = await rejectionOf(async () => {
      for await (const _ of ctx.orders.stream()) {
        rows++;
        if (rows === 1) await cancelled; // stall after the first row until the timeout has cancelled the shards
      }
    });

    expect(error).toBeInstanceOf(DtdeTimeoutError);
    // Normally one row arrives before the timeout; on a very slow machine the timeout may come first.
    expect(rows).toBeLessThanOrEqual(1);
    expect(log.shards).toHaveLength(3);
    log.shards.forEach(expectCancelledCleanly);
    expect(log.done[0]).toMatchObject({ rowCount: rows, error });
    expect(busy()).toBe(0);
  });
});

describe('leaving a for await loop early', () => {
  it('closes every shard stream on break and keeps the context usable', async () => {
    log = listenDiagnostics();
    let first: Order | undefined;
    for await (const order of shop.ctx.orders) {
      first = order;
      break;
    }

    expect(first).toBeDefined();
    // The loop's return() waited for the shard commands to close: their messages are in.
    expect(log.shards.map((s) => s.shardId).sort()).toEqual(['years::2023', 'years::2024', 'years::2025']);
    log.shards.forEach(expectCancelledCleanly);
    expect(log.done).toHaveLength(1);
    expect(log.done[0]).toMatchObject({ entity: 'Order', rowCount: 1 });
    expect(log.done[0]!.error).toBeUndefined();
    expect(busyConnections()).toBe(0);
    await expectContextAnswers(shop.ctx);
  });

  it('closes the shard streams of an ordered merge when the loop throws', async () => {
    log = listenDiagnostics();
    const boom = new Error('consumer failed');
    const error = await rejectionOf(async () => {
      for await (const _ of shop.ctx.orders.orderByDescending((o) => o.orderDate)) throw boom;
    });

    expect(error).toBe(boom);
    expect(log.shards).toHaveLength(3);
    log.shards.forEach(expectCancelledCleanly);
    expect(busyConnections()).toBe(0);
    await expectContextAnswers(shop.ctx);
  });
});
