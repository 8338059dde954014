import { describe, expect, it } from 'vitest';
import { DtdeContext } from '../../src/context/dtde-context.js';
import { DtdeDatabaseError } from '../../src/errors/dtde-database-error.js';
import { DtdeRoutingError } from '../../src/errors/dtde-routing-error.js';
import { DtdeShardError } from '../../src/errors/dtde-shard-error.js';
import { DtdeValidationError } from '../../src/errors/dtde-validation-error.js';
import type { ModelBuilder } from '../../src/metadata/model-builder.js';
import type { ShardGroupBuilder } from '../../src/metadata/shard-group-builder.js';
import type { ShardsBuilder } from '../../src/metadata/shards-builder.js';
import { sqlite } from '../../src/providers/sqlite/sqlite-provider.js';
import { execIn, rowsOf, ShopContext, useContextFolder } from '../schema/schema-fixtures.js';
import { Account, Archive, Customer, configureAccount, configureOrder, Order, Product } from '../support/shop-model.js';

const dir = useContextFolder();
const years = (g: ShardGroupBuilder) => g.addShard('2024', { file: 'orders-2024.db' }).addShard('2025', { file: 'orders-2025.db' });
const layout = (s: ShardsBuilder) => s.addShards('EU', 'US').addShardGroup('years', years);

async function createdShop(shards: (s: ShardsBuilder) => ShardsBuilder = layout): Promise<ShopContext> {
  const ctx = dir.track(new ShopContext({ provider: sqlite({ file: dir.file('main.db') }), shards }));
  await ctx.ensureCreated();
  return ctx;
}

const customer = (id: number, region: string, name = `c${id}`): Customer =>
  Object.assign(new Customer(), {
    id,
    region,
    name,
    email: id % 2 === 0 ? null : 'vip@example.com',
    createdAt: new Date(Date.UTC(2024, 0, (id % 28) + 1)),
    vip: id % 2 === 1,
    score: id * 10,
    rating: id % 2 === 0 ? null : id,
  });
const order = (customerId: number, orderDate: string, total: number, status: string) =>
  Object.assign(new Order(), { customerId, orderDate: new Date(orderDate), total, status, note: null });
/** A valid customer row but for the property a case leaves out or spoils. */
const row = { id: 7, region: 'EU', name: 'n', email: null, createdAt: new Date(0), vip: false, score: 0, rating: null };
const { name: _name, ...withoutName } = row;
/** How the one error of a batch with one bad row (row 1) starts. */
const oneProblem =
  'bulkInsert(Customer): 1 problem found before anything was sent; nothing was written. Fix these and save again:\n  - row 1 (add Customer): ';

async function* asAsync<T>(rows: readonly T[]): AsyncIterable<T> {
  for (const row of rows) yield row;
}

describe('bulkInsert', () => {
  it('routes each row into its shard table and file, converting values as the dialect stores them', async () => {
    const ctx = await createdShop();
    const customers = [customer(1, 'EU', 'Ann'), customer(2, 'US', 'Bob'), customer(3, 'EU', 'Cy')];
    expect(await ctx.bulkInsert(Customer, customers)).toEqual({ rowsInserted: 3, perShard: { EU: 2, US: 1 } });
    expect(rowsOf(dir.file('main.db'), 'Customers_EU', 'id')).toEqual([
      { id: 1, region: 'EU', name: 'Ann', email: 'vip@example.com', createdAt: '2024-01-02T00:00:00.000Z', vip: 1, score: 10, rating: 1 },
      { id: 3, region: 'EU', name: 'Cy', email: 'vip@example.com', createdAt: '2024-01-04T00:00:00.000Z', vip: 1, score: 30, rating: 3 },
    ]);
    expect(rowsOf(dir.file('main.db'), 'Customers_US', 'id')).toEqual([
      { id: 2, region: 'US', name: 'Bob', email: null, createdAt: '2024-01-03T00:00:00.000Z', vip: 0, score: 20, rating: null },
    ]);

    // Database-mode shards: one file per year; the generated id is left to the database.
    const orders = [
      order(1, '2024-03-01T10:00:00Z', 9.5, 'paid'),
      order(2, '2025-01-01T00:00:00Z', 20, 'new'),
      order(1, '2024-12-31T23:59:59.999Z', 1.25, 'new'),
    ];
    expect(await ctx.bulkInsert(Order, asAsync(orders))).toEqual({ rowsInserted: 3, perShard: { 'years::2024': 2, 'years::2025': 1 } });
    expect(rowsOf(dir.file('orders-2024.db'), 'Orders', 'id')).toEqual([
      { id: 1, customerId: 1, orderDate: '2024-03-01T10:00:00.000Z', total: 9.5, status: 'paid', note: null },
      { id: 2, customerId: 1, orderDate: '2024-12-31T23:59:59.999Z', total: 1.25, status: 'new', note: null },
    ]);
    expect(rowsOf(dir.file('orders-2025.db'), 'Orders', 'id')).toEqual([
      { id: 1, customerId: 2, orderDate: '2025-01-01T00:00:00.000Z', total: 20, status: 'new', note: null },
    ]);

    // Unsharded: the one table; its synthetic shard is named after the table. Plain objects work too.
    const products = [
      { id: 1, name: 'a', price: 9.99, category: null },
      { id: 2, name: 'b', price: 5, category: 'tools' },
    ] as Product[];
    expect(await ctx.bulkInsert(Product, products)).toEqual({ rowsInserted: 2, perShard: { Products: 2 } });
    expect(rowsOf(dir.file('main.db'), 'Products', 'id').map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('splits large loads into batches and statements; async input gives the same tables', async () => {
    const ctx = await createdShop();
    const rows = Array.from({ length: 1234 }, (_, i) => customer(i + 1, i % 3 === 0 ? 'US' : 'EU'));
    expect(await ctx.bulkInsert(Customer, asAsync(rows), { batchSize: 500 })).toEqual({
      rowsInserted: 1234,
      perShard: { EU: 822, US: 412 },
    });
    expect(rowsOf(dir.file('main.db'), 'Customers_US', 'id').map((r) => r.id)).toEqual(
      rows.filter((r) => r.region === 'US').map((r) => r.id),
    );
    expect(rowsOf(dir.file('main.db'), 'Customers_EU', 'id')).toHaveLength(822);
  });

  it.each([
    [
      'a missing required property',
      withoutName,
      'name',
      `${oneProblem}property 'name' is missing, but it is required; set it to a string of at most 200 characters, or declare it nullable (e.property(x => x.name).nullable()).`,
    ],
    [
      'a string longer than its column',
      { ...row, name: 'x'.repeat(201) },
      'name',
      `${oneProblem}property 'name' must be a string of at most 200 characters, got "${'x'.repeat(40)}"… (201 characters); fix the value, or change the model of Customer.name if the value is right.`,
    ],
    [
      'a wrong type',
      { ...row, id: '7' },
      'id',
      `${oneProblem}property 'id' must be an integer from -2147483648 to 2147483647 (int), got the string "7"; fix the value, or change the model of Customer.id if the value is right.`,
    ],
    [
      'an invalid date',
      { ...row, createdAt: new Date('nope') },
      'createdAt',
      `${oneProblem}property 'createdAt' must be a valid Date, got Invalid Date; fix the value, or change the model of Customer.createdAt if the value is right.`,
    ],
  ])('rejects %s with the row index, the property and the fix, before writing anything of the batch', async (_, bad, property, message) => {
    const ctx = await createdShop();
    const error = await ctx.bulkInsert(Customer, [customer(1, 'US'), bad as Customer, customer(2, 'EU')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeValidationError);
    expect(error).toMatchObject({ message, entity: 'Customer', property, rowIndex: 1 });
    expect(rowsOf(dir.file('main.db'), 'Customers_EU')).toEqual([]);
    expect(rowsOf(dir.file('main.db'), 'Customers_US')).toEqual([]);
  });

  it('a bad row in a later batch leaves nothing written, earlier batches included', async () => {
    const ctx = await createdShop();
    const rows = [customer(1, 'EU'), customer(2, 'US'), customer(3, 'EU'), { ...customer(4, 'EU'), name: 42 } as unknown as Customer];
    const error = await ctx.bulkInsert(Customer, rows, { batchSize: 2 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ rowIndex: 3, property: 'name' });
    expect(rowsOf(dir.file('main.db'), 'Customers_EU')).toEqual([]);
    expect(rowsOf(dir.file('main.db'), 'Customers_US')).toEqual([]);
  });

  it('rejects a row no shard holds, and a row of a read-only shard, naming the row', async () => {
    const ctx = await createdShop((s) => s.addShards('EU').addShard('US').readOnly().addShardGroup('years', years));
    const unknown = await ctx.bulkInsert(Customer, [customer(1, 'EU'), customer(2, 'XX')]).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(DtdeRoutingError);
    expect((unknown as Error).message).toBe(
      'bulkInsert(Customer): row 1 (add Customer): Cannot route Customer with region = "XX"; shards that exist: EU, US. Add a shard \'XX\' to the shard layout, or fix the row.',
    );
    const readOnly = await ctx.bulkInsert(Customer, [customer(1, 'US')]).catch((e: unknown) => e);
    expect(readOnly).toBeInstanceOf(DtdeRoutingError);
    expect((readOnly as Error).message).toBe(
      "bulkInsert(Customer): row 0 (add Customer): Cannot add Customer: its row belongs to shard 'US', which is read-only. Write to another shard, or drop readOnly() from that shard's declaration.",
    );
    expect(rowsOf(dir.file('main.db'), 'Customers_EU')).toEqual([]);
  });

  it('gives the objects what a save gives them once committed: generated keys, a first token of 1, the stored state', async () => {
    class TokenShop extends DtdeContext {
      protected override onModelCreating(mb: ModelBuilder): void {
        mb.entity(Account, configureAccount).entity(Order, (e) => configureOrder(e, { storage: 'databases', generatedIds: true }));
      }
    }
    const ctx = dir.track(new TokenShop({ provider: sqlite({ file: dir.file('main.db') }), shards: layout }));
    await ctx.ensureCreated();
    const accounts = [1, 2, 3].map((id) =>
      Object.assign(new Account(), { id, owner: `o${id}`, balance: id, version: id === 3 ? 7 : null }),
    );
    await ctx.bulkInsert(Account, accounts);
    expect(accounts.map((a) => a.version)).toEqual([1, 1, 7]);
    expect(rowsOf(dir.file('main.db'), 'Accounts', 'id').map((r) => r.version)).toEqual([1, 1, 7]);
    // The stored state is the row as written: an update finds it by its key and token.
    accounts[0]!.balance = 50;
    accounts[2]!.balance = 70;
    ctx.update(accounts[0]!);
    ctx.update(accounts[2]!);
    await ctx.saveChanges();
    expect(rowsOf(dir.file('main.db'), 'Accounts', 'id').map((r) => [r.balance, r.version])).toEqual([
      [50, 2],
      [2, 1],
      [70, 8],
    ]);

    // A row without its generated key is inserted alone and gets the key back; one with a key is batched.
    const orders = [
      order(1, '2024-03-01T10:00:00Z', 1, 'new'),
      Object.assign(order(1, '2024-04-01T00:00:00Z', 2, 'new'), { id: 40 }),
      order(2, '2025-01-01T00:00:00Z', 3, 'new'),
    ];
    await ctx.bulkInsert(Order, orders);
    expect(orders.map((o) => o.id)).toEqual([1, 40, 1]);
    expect(rowsOf(dir.file('orders-2024.db'), 'Orders', 'id').map((r) => [r.id, r.total])).toEqual([
      [1, 1],
      [40, 2],
    ]);
  });

  it('loads manual tables the user created, by their predicates', async () => {
    const ctx = await createdShop();
    for (const table of ['ArchiveOld', 'ArchiveNew']) {
      execIn(dir.file('main.db'), `CREATE TABLE "${table}" ("id" INTEGER PRIMARY KEY, "orderDate" TEXT NOT NULL, "total" REAL NOT NULL)`);
    }
    const dates = ['2019-06-01T00:00:00.000Z', '2021-06-01T00:00:00.000Z', '2019-12-31T23:59:59.999Z'];
    const rows = dates.map((d, i) => Object.assign(new Archive(), { id: i + 1, orderDate: new Date(d), total: 10 }));
    expect(await ctx.bulkInsert(Archive, rows)).toEqual({ rowsInserted: 3, perShard: { ArchiveOld: 2, ArchiveNew: 1 } });
    expect(rowsOf(dir.file('main.db'), 'ArchiveOld', 'id')).toEqual([
      { id: 1, orderDate: '2019-06-01T00:00:00.000Z', total: 10 },
      { id: 3, orderDate: '2019-12-31T23:59:59.999Z', total: 10 },
    ]);
    expect(rowsOf(dir.file('main.db'), 'ArchiveNew', 'id')).toEqual([{ id: 2, orderDate: '2021-06-01T00:00:00.000Z', total: 10 }]);
  });

  it('is atomic across shards and batches: a failure in a later shard and batch leaves nothing of the earlier ones written', async () => {
    const ctx = await createdShop();
    // Table shards in one file: US already holds id 1399, so the last batch (ids 1390..1399) fails.
    execIn(dir.file('main.db'), `INSERT INTO "Customers_US" VALUES (1399, 'US', 'old', NULL, '2020-01-01T00:00:00.000Z', 0, 0, NULL)`);
    const eu = Array.from({ length: 10 }, (_, i) => customer(i + 1, 'EU'));
    const us = Array.from({ length: 400 }, (_, i) => customer(1000 + i, 'US'));
    const error = await ctx.bulkInsert(Customer, [...eu, ...us], { batchSize: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeShardError);
    expect(error).toMatchObject({ shardId: 'US' });
    expect((error as Error).message).toMatch(/UNIQUE/);
    expect((error as DtdeShardError).sql).toMatch(/^INSERT INTO "Customers_US"/);
    expect((error as DtdeShardError).cause).toBeInstanceOf(DtdeDatabaseError);
    // Nothing of the earlier batches (EU's 10 rows, US's first 390) stayed; only the old row remains.
    expect(rowsOf(dir.file('main.db'), 'Customers_EU')).toEqual([]);
    expect(rowsOf(dir.file('main.db'), 'Customers_US').map((r) => r.id)).toEqual([1399]);

    // One file per year: 2025 already holds order 99, so the second batch fails in orders-2025.db
    // after the first batch wrote to orders-2024.db; the cross-database commit never happens.
    execIn(dir.file('orders-2025.db'), `INSERT INTO "Orders" VALUES (99, 1, '2025-01-01T00:00:00.000Z', 1, 'old', NULL)`);
    const orders = [
      ...Array.from({ length: 5 }, (_, i) => Object.assign(order(1, '2024-06-01T00:00:00Z', i, 'new'), { id: i + 1 })),
      Object.assign(order(2, '2025-06-01T00:00:00Z', 5, 'new'), { id: 99 }),
    ];
    const crossDatabase = await ctx.bulkInsert(Order, orders, { batchSize: 5 }).catch((e: unknown) => e);
    expect(crossDatabase).toBeInstanceOf(DtdeShardError);
    expect((crossDatabase as Error).message).toMatch(/UNIQUE/);
    expect(rowsOf(dir.file('orders-2024.db'), 'Orders')).toEqual([]);
    expect(rowsOf(dir.file('orders-2025.db'), 'Orders').map((r) => r.id)).toEqual([99]);
  });
});
