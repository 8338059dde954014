// A small read one shard answers whole (filters that fix the primary key, or a LIMIT no larger
// than the driver's batch) is read at once on SQLite (DatabaseDriver.queryNow): no pool lease, no
// async iteration, no merge. It must give the same rows as the streaming path and the in-memory
// oracle, fail and publish diagnostics as that path does, and leave no connection lent.
import diagnosticsChannel from 'node:diagnostics_channel';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DtdeInvalidOperationError,
  DtdeShardError,
  QUERY_DONE_CHANNEL,
  QUERY_SHARD_CHANNEL,
  type Queryable,
  type QueryDoneMessage,
  type QueryShardMessage,
} from '../../src/index.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { reopenShop, type ReopenedShop } from './support/reopen-shop.js';
import { Customer } from './support/shop-model.js';

// A batch of 4 rows: take(3) is read at once, take(10) streams, so both paths run on one context.
const BATCH = 4;

let shop: OpenShop;
let reopened: ReopenedShop;
let usIds: number[];

beforeAll(async () => {
  shop = await openShop();
  reopened = reopenShop(shop.dir, { sqlite: { batchSize: BATCH } });
  usIds = shop.data.customers.filter((c) => c.region === 'US').map((c) => c.id);
});
afterAll(async () => {
  await reopened?.ctx.close();
  await shop?.close();
});

/** The rows of `query` through the streaming path (`for await` never reads at once). */
async function streamed<T>(query: Queryable<T>): Promise<T[]> {
  const rows: T[] = [];
  for await (const row of query) rows.push(row);
  return rows;
}

/** The messages `fn` publishes on a channel. */
async function published<M>(channel: string, fn: () => Promise<unknown>): Promise<M[]> {
  const messages: M[] = [];
  const listener = (message: unknown): void => void messages.push(message as M);
  diagnosticsChannel.subscribe(channel, listener);
  try {
    await fn();
  } finally {
    diagnosticsChannel.unsubscribe(channel, listener);
  }
  return messages;
}

describe('single-shard reads answered at once', () => {
  const lookup = (q: Queryable<Customer>, id: number) => q.where((c, p) => c.region === 'US' && c.id === p.id, { id });
  const page = (q: Queryable<Customer>, take: number) =>
    q
      .where((c) => c.region === 'US')
      .orderBy((c) => c.name)
      .skip(2)
      .take(take);

  it('key lookups give the rows of the streaming path and of the oracle', async () => {
    const { ctx } = reopened;
    for (const id of [usIds[0]!, usIds[usIds.length - 1]!, -1]) {
      const rows = await shop.oracle.check(ctx, Customer, (q) => lookup(q, id).toArray(), { ordered: true });
      expect(rows).toEqual(await streamed(lookup(ctx.customers, id)));
      await shop.oracle.check(ctx, Customer, (q) => lookup(q, id).firstOrDefault(), { ordered: true });
      await shop.oracle.check(ctx, Customer, (q) => lookup(q, id).singleOrDefault(), { ordered: true });
      await shop.oracle.check(
        ctx,
        Customer,
        (q) =>
          lookup(q, id)
            .select((c) => ({ id: c.id, name: c.name }))
            .toArray(),
        { ordered: true },
      );
    }
    await expect(lookup(ctx.customers, -1).first()).rejects.toBeInstanceOf(DtdeInvalidOperationError);
    expect(reopened.busyConnections()).toBe(0);
  });

  it('a page within the batch is read at once, a longer one streams; both equal the oracle', async () => {
    const { ctx } = reopened;
    for (const take of [0, 1, BATCH - 1, BATCH, BATCH + 6]) {
      const rows = await shop.oracle.check(ctx, Customer, (q) => page(q, take).toArray(), { ordered: true });
      expect(rows).toEqual(await streamed(page(ctx.customers, take)));
      await shop.oracle.check(ctx, Customer, (q) => page(q, take).firstOrDefault(), { ordered: true });
      expect(reopened.busyConnections(), `take(${take})`).toBe(0);
    }
    // The small reads took no read connection from the pool at all.
    const pools = [...reopened.provider.driver.stats().files.values()];
    expect(pools.every((p) => p.used === 0 && p.pendingAcquires === 0 && p.openStreams === 0)).toBe(true);
  });

  it('publishes the same diagnostics as the streaming path', async () => {
    const { ctx } = reopened;
    const id = usIds[3]!;
    const shards = await published<QueryShardMessage>(QUERY_SHARD_CHANNEL, () => lookup(ctx.customers, id).toArray());
    expect(shards).toEqual([expect.objectContaining({ shardId: 'US', rowCount: 1, parameters: [BigInt(id)], source: ctx })]);
    expect(shards[0]!.sql).toContain('"Customers_US"');
    const done = await published<QueryDoneMessage>(QUERY_DONE_CHANNEL, () => lookup(ctx.customers, id).firstOrDefault());
    expect(done).toEqual([expect.objectContaining({ entity: 'Customer', rowCount: 1 })]);
  });

  it('an aborted signal rejects with its reason, before any read', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(lookup(reopened.ctx.customers, usIds[0]!).toArray({ signal: controller.signal })).rejects.toBe(reason);
    expect(reopened.busyConnections()).toBe(0);
  });

  it('a shard whose table is missing fails with DtdeShardError naming it, and the shard answers again once it is back', async () => {
    const db = new Database(shop.file);
    try {
      db.exec('ALTER TABLE "Customers_US" RENAME TO "Customers_US_away"');
      // Read at once, the failure still rejects (never throws) and points at this line.
      let pending: Promise<unknown> | undefined;
      const line = new Error().stack!.split('\n')[1]!.replace(/^.*:(\d+):\d+\)?$/, '$1');
      expect(() => (pending = lookup(reopened.ctx.customers, usIds[0]!).toArray())).not.toThrow();
      const failed = (await pending!.catch((e: unknown) => e)) as Error;
      expect(failed).toBeInstanceOf(DtdeShardError);
      expect(failed).toMatchObject({ shardId: 'US', sql: expect.stringContaining('"Customers_US"') });
      expect(failed.message).toMatch(new RegExp(`In \\.toArray\\(\\) at .*single-shard-reads\\.test\\.ts:${Number(line) + 1}:`));
      expect(failed.stack!.split('\n').find((l) => l.startsWith('    at '))).toContain(`single-shard-reads.test.ts:${Number(line) + 1}:`);
      await expect(lookup(reopened.ctx.customers, usIds[0]!).first()).rejects.toBeInstanceOf(DtdeShardError);
    } finally {
      db.exec('ALTER TABLE "Customers_US_away" RENAME TO "Customers_US"');
      db.close();
    }
    expect((await lookup(reopened.ctx.customers, usIds[0]!).toArray()).map((c) => c.id)).toEqual([usIds[0]]);
    expect(reopened.busyConnections()).toBe(0);
  });
});
