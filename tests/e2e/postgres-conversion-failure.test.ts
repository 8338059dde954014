import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DtdeContext, type ModelBuilder } from '../../src/index.js';
import { postgres } from '../../src/providers/postgres/postgres-provider.js';
import { openTestDatabase, type TestDatabase } from '../providers/postgres/postgres-test-database.js';
import { Customer, configureCustomer, REGIONS } from '../support/shop-model.js';

// A row the engine returns but dtde cannot turn into the model's value (a timestamptz of
// 'infinity' is no Date) fails the query, naming the problem, and every connection of the
// query goes back: the shard whose stream failed and the others the merge was reading.

class Shop extends DtdeContext {
  customers = this.set(Customer);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => configureCustomer(e));
  }
}

describe('a value that fails conversion, on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('convert');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('fails the query and gives back every connection, streamed in small batches across shards', async () => {
    const provider = postgres({ url: db.url, batchSize: 2, pool: { max: 3 } });
    const ctx = new Shop({ provider, shards: (s) => s.addShards(...REGIONS) });
    try {
      await ctx.ensureCreated();
      const at = new Date('2024-01-01T00:00:00.000Z');
      let id = 0;
      const rows = REGIONS.flatMap((region) =>
        Array.from({ length: 6 }, () =>
          Object.assign(new Customer(), {
            id: ++id,
            region,
            name: `n${id}`,
            email: null,
            createdAt: at,
            vip: false,
            score: id,
            rating: null,
          }),
        ),
      );
      await ctx.bulkInsert(Customer, rows);
      await db.query(`UPDATE "Customers_EU" SET "createdAt" = 'infinity' WHERE "id" = 1`);
      const pool = () => [...provider.driver.stats().databases.values()][0]!;
      for (let round = 0; round < 2; round++) {
        await expect(ctx.customers.toArray()).rejects.toThrow(/not a date/);
        expect({ leased: pool().leased, openStreams: pool().openStreams }).toEqual({ leased: 0, openStreams: 0 });
      }
      // The pool serves the next query whole.
      expect(await ctx.customers.where((c) => c.region === 'US').count()).toBe(6);
    } finally {
      await ctx.close();
    }
  });
});
