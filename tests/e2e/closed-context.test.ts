import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeInvalidOperationError } from '../../src/index.js';
import { openShop, type OpenShop } from './support/open-shop.js';
import { reopenShop } from './support/reopen-shop.js';
import { Customer, type ShopContext } from './support/shop-model.js';

// Work asked of a closed context fails with DtdeInvalidOperationError saying the context is
// closed and what to do, whether or not the context ran a query before it was closed (the query
// engine resolves its driver on the first query), never with a shard or driver error.

let shop: OpenShop;
beforeAll(async () => {
  shop = await openShop();
});
afterAll(async () => {
  await shop?.close();
});

async function rejectionOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail, but it succeeded');
}

function expectClosedError(error: unknown, operation: string): void {
  expect(error).toBeInstanceOf(DtdeInvalidOperationError);
  expect(error).toMatchObject({
    code: 'DTDE_INVALID_OPERATION',
    operation,
    // A query's message ends with the caller's line (`In .toArray() at file:line:col`).
    message: expect.stringMatching(new RegExp(`^ShopContext is closed, so ${operation} cannot run; create a new context\\.(\\nIn |$)`)),
  });
}

const queries: Record<string, (ctx: ShopContext) => Promise<unknown>> = {
  toArray: (ctx) => ctx.orders.toArray(),
  count: (ctx) => ctx.orders.count(),
  any: (ctx) => ctx.orders.any((o) => o.total > 10),
  first: (ctx) => ctx.customers.orderBy((c) => c.name).first(),
  'a routed query': (ctx) => ctx.customers.where((c) => c.region === 'EU').toArray(),
  'for await': async (ctx) => {
    for await (const _ of ctx.events) expect.unreachable('no row from a closed context');
  },
  stream: async (ctx) => {
    for await (const _ of ctx.orders.orderBy((o) => o.id).stream()) expect.unreachable('no row from a closed context');
  },
};

describe('a query after ctx.close()', () => {
  for (const [name, query] of Object.entries(queries)) {
    it(`${name} fails with DtdeInvalidOperationError when the context had run queries`, async () => {
      const { ctx } = reopenShop(shop.dir);
      await ctx.orders.count();
      await ctx.close();
      expectClosedError(await rejectionOf(() => query(ctx)), 'query');
    });

    it(`${name} fails with DtdeInvalidOperationError when the context never ran a query`, async () => {
      const { ctx } = reopenShop(shop.dir);
      await ctx.close();
      expectClosedError(await rejectionOf(() => query(ctx)), 'query');
    });
  }

  it('bulkInsert and ensureCreated fail the same way', async () => {
    const { ctx } = reopenShop(shop.dir);
    await ctx.orders.count();
    await ctx.close();
    // bulkInsert runs through the context's write runtime, which names its operation saveChanges.
    expectClosedError(await rejectionOf(() => ctx.bulkInsert(Customer, [])), 'bulkInsert');
    expectClosedError(await rejectionOf(() => ctx.ensureCreated()), 'ensureCreated');
  });
});
