import diagnosticsChannel from 'node:diagnostics_channel';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeInvalidOperationError, DtdeTimeoutError, QUERY_SHARD_CHANNEL, type Queryable, type SqliteProvider } from '../../src/index.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { reopenShop } from './support/reopen-shop.js';
import type { ShopContext } from './support/shop-model.js';

// Every terminal and every way of leaving a query early, with every maxParallelShards from 1 to
// the shard count, over shards in several database files. After each query every read pool must
// hold all its connections again (none lent, none waited for, no stream open) and close() must
// settle. A stream stopped while it waits for a read connection used to leak that connection
// (tarn validated a free connection for an acquire that was being aborted and kept it as lent):
// the pool lost it for good and close() never settled. Which queries hit that window depends on
// where each shard stream is when the query stops, so each case runs over many match positions,
// stop points and microtask delays.

const ITERATIONS = 12;
/** close() settles in milliseconds; a leaked connection makes it wait forever. Not a speed check. */
const CLOSE_LIMIT_MS = 5_000;

interface Row {
  id: number;
}

/** An entity of the shop with its shards spread over several database files. */
interface Target {
  readonly name: string;
  readonly shards: number;
  set(ctx: ShopContext): Queryable<Row>;
  ids(): number[];
}

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

const targets: Target[] = [
  // Three files, one shard each.
  { name: 'Order (one shard per file)', shards: 3, set: (ctx) => ctx.orders, ids: () => shop.data.orders.map((o) => o.id) },
  // Two files, two table shards each: streams of one query compete for one file's pool.
  { name: 'Event (two shards per file)', shards: 4, set: (ctx) => ctx.events, ids: () => shop.data.events.map((e) => e.id) },
];

/** What an exit does to a warmed-up context; it may fail with an error it expects. */
interface Exit {
  readonly name: string;
  readonly queryTimeoutMs?: (iteration: number) => number;
  run(set: Queryable<Row>, iteration: number, ids: number[]): Promise<void>;
}

/** An id of the data, spread over the shards as the iteration grows; the last iteration matches nothing. */
function idFor(iteration: number, ids: number[]): number {
  if (iteration === ITERATIONS - 1) return -1;
  return ids[(iteration * 37 + 5) % ids.length]!;
}

const ordered = (set: Queryable<Row>, iteration: number): AsyncIterable<Row> =>
  iteration % 2 === 0 ? set.stream() : set.orderBy((r) => r.id).stream();

const exits: Exit[] = [
  {
    name: 'any',
    async run(set, i, ids) {
      const id = idFor(i, ids);
      expect(await set.any((r, p) => r.id === p.id, { id })).toBe(id !== -1);
    },
  },
  {
    name: 'all',
    async run(set, i, ids) {
      const id = idFor(i, ids);
      expect(await set.all((r, p) => r.id !== p.id, { id })).toBe(id === -1);
    },
  },
  {
    name: 'first',
    async run(set, i, ids) {
      const id = idFor(i, ids);
      const query = i % 2 === 0 ? set : set.orderBy((r) => r.id);
      if (id === -1) await expect(query.first((r) => r.id < 0)).rejects.toBeInstanceOf(DtdeInvalidOperationError);
      else expect((await query.first((r, p) => r.id >= p.id, { id })).id).toBeGreaterThanOrEqual(id);
    },
  },
  {
    name: 'firstOrDefault',
    async run(set, i, ids) {
      const id = idFor(i, ids);
      const row = await set.firstOrDefault((r, p) => r.id === p.id, { id });
      expect(row?.id ?? -1).toBe(id);
    },
  },
  {
    name: 'single',
    async run(set, i, ids) {
      const id = idFor(i, ids);
      // One match scans every shard; several matches fail as soon as a second row arrives.
      if (i % 2 === 0 && id !== -1) expect((await set.single((r, p) => r.id === p.id, { id })).id).toBe(id);
      else await expect(set.single((r, p) => r.id >= p.id, { id })).rejects.toBeInstanceOf(DtdeInvalidOperationError);
    },
  },
  {
    name: 'count',
    async run(set, _i, ids) {
      expect(await set.count()).toBe(ids.length);
    },
  },
  {
    name: 'toArray',
    async run(set, i, ids) {
      expect(await (i % 2 === 0 ? set : set.orderBy((r) => r.id)).toArray()).toHaveLength(ids.length);
    },
  },
  {
    name: 'for await with break',
    async run(set, i) {
      let seen = 0;
      for await (const _ of ordered(set, i)) if (++seen > i) break;
      expect(seen).toBe(i + 1);
    },
  },
  {
    name: 'AbortSignal aborted mid-stream',
    async run(set, i) {
      const controller = new AbortController();
      const reason = new Error('enough');
      let seen = 0;
      const consume = async (): Promise<void> => {
        for await (const _ of set.orderBy((r) => r.id).stream({ signal: controller.signal })) if (++seen > i) controller.abort(reason);
      };
      await expect(consume()).rejects.toBe(reason);
    },
  },
  {
    // The window of the leak: a shard command ends, the next one starts acquiring a read
    // connection, and the query stops a few microtasks later.
    name: 'AbortSignal aborted microtasks after a shard command ends',
    async run(set, i) {
      const controller = new AbortController();
      const reason = new Error('stop');
      const onShard = (): void => {
        let delay = i;
        const tick = (): void => (delay-- <= 0 ? controller.abort(reason) : queueMicrotask(tick));
        tick();
      };
      diagnosticsChannel.subscribe(QUERY_SHARD_CHANNEL, onShard);
      try {
        // The abort may also come after the last shard, when the answer is complete.
        await set.toArray({ signal: controller.signal }).catch((error: unknown) => expect(error).toBe(reason));
      } finally {
        diagnosticsChannel.unsubscribe(QUERY_SHARD_CHANNEL, onShard);
      }
    },
  },
  {
    name: 'queryTimeoutMs',
    queryTimeoutMs: (i) => 1 + (i % 5),
    async run(set, i) {
      // The consumer takes an event-loop turn per row, so the timeout fires at varying points.
      const consume = async (): Promise<void> => {
        for await (const _ of ordered(set, i)) await nextTurn();
      };
      await consume().catch((error: unknown) => expect(error).toBeInstanceOf(DtdeTimeoutError));
    },
  },
];

interface PoolCounts {
  readonly used: number;
  readonly pendingAcquires: number;
  readonly openStreams: number;
}

function busyPools(provider: SqliteProvider): Record<string, PoolCounts> {
  const busy: Record<string, PoolCounts> = {};
  for (const [file, { used, pendingAcquires, openStreams }] of provider.driver.stats().files) {
    if (used + pendingAcquires + openStreams > 0) busy[file] = { used, pendingAcquires, openStreams };
  }
  return busy;
}

/** Every pool holds all its connections again, as soon as the query has settled. */
function expectPoolsFull(provider: SqliteProvider, what: string): void {
  expect(busyPools(provider), `${what}: connections still lent or waited for`).toEqual({});
}

async function expectCloseSettles(ctx: ShopContext, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still pending'), CLOSE_LIMIT_MS)));
  try {
    expect(await Promise.race([ctx.close().then(() => 'settled'), limit]), `${what}: ctx.close()`).toBe('settled');
  } finally {
    clearTimeout(timer);
  }
}

for (const target of targets) {
  describe(target.name, () => {
    for (let maxParallelShards = 1; maxParallelShards <= target.shards; maxParallelShards++) {
      describe(`maxParallelShards ${maxParallelShards}`, () => {
        for (const exit of exits) {
          it(`${exit.name} gives every connection back and close() settles`, async () => {
            const ids = target.ids();
            for (let i = 0; i < ITERATIONS; i++) {
              const what = `${exit.name}, iteration ${i}`;
              const queryTimeoutMs = exit.queryTimeoutMs?.(i);
              const { ctx, provider } = reopenShop(shop.dir, {
                maxParallelShards,
                ...(queryTimeoutMs !== undefined ? { queryTimeoutMs } : {}),
                // Alternately the smallest pools the model allows (shop.db holds three Customer shards) and the default.
                ...(i % 2 === 0 ? { sqlite: { readPoolSize: Math.min(maxParallelShards, 3) } } : {}),
              });
              // Each file now holds an idle connection, which the next acquire validates and takes.
              await target
                .set(ctx)
                .count()
                .catch((error: unknown) => {
                  if (!(queryTimeoutMs !== undefined && error instanceof DtdeTimeoutError)) throw error;
                });
              await exit.run(target.set(ctx), i, ids);
              expectPoolsFull(provider, what);
              await expectCloseSettles(ctx, what);
            }
          });
        }
      });
    }
  });
}
