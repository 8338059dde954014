import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// As in the README: the package by name (vitest and tsconfig point 'dtde' at src/index.ts).
import { DtdeContext, ModelBuilder, sqlite, type Queryable } from 'dtde';

// README.md, "A short example", as written: same class, model, options and query chain. Only the
// database file moves to a temp folder, and a few rows are loaded first so the page is not empty.

class Customer {
  id!: number;
  region!: string;
  name!: string;
  createdAt!: Date;
}

class ShopContext extends DtdeContext {
  customers = this.set(Customer);

  protected override onModelCreating(mb: ModelBuilder) {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.createdAt).dateTime();
      e.shardBy((c) => c.region).withStorageMode('tables'); // Customers_EU, Customers_US, ...
    });
  }
}

const REGIONS = ['EU', 'US', 'APAC'];
const NAMES = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Alan'];

/** 120 customers, 40 per region, with repeated names so the primary-key tie-breaker matters. */
function customers(): Customer[] {
  return Array.from({ length: 120 }, (_, i) =>
    Object.assign(new Customer(), {
      id: i + 1,
      region: REGIONS[i % REGIONS.length],
      name: `${NAMES[(i * 7) % NAMES.length]} ${String.fromCharCode(65 + (i % 5))}`,
      createdAt: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000),
    }),
  );
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtde-readme-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'shop.db');
}

// README.md, "Public API": a function of the user's that takes any queryable of customers.
function inRegion(q: Queryable<Customer>, region: string): Queryable<Customer> {
  return q.where((c, p) => c.region === p.region, { region });
}

describe('README: a short example', () => {
  it('runs as written and returns the second page of US customers by name', async () => {
    const ctx = new ShopContext({
      provider: sqlite({ file: tempFile() }),
      shards: (s) => s.addShards('EU', 'US', 'APAC'),
    });
    cleanups.push(() => ctx.close());
    await ctx.ensureCreated();
    const rows = customers();
    const loaded = await ctx.bulkInsert(Customer, rows);
    expect(loaded).toEqual({ rowsInserted: 120, perShard: { EU: 40, US: 40, APAC: 40 } });

    // Values from outside the lambda come in through its second parameter.
    const page = await ctx.customers
      .where((c, p) => c.region === p.region, { region: 'US' }) // routed to Customers_US only
      .orderBy((c) => c.name)
      .skip(20)
      .take(10)
      .toArray();

    await ctx.close(); // releases the connections (or declare the context with `await using`)

    // The same answer computed in plain JavaScript: filter, order by name (code point) then by
    // the primary key, page.
    const expected = rows
      .filter((c) => c.region === 'US')
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
      .slice(20, 30);
    expect(page).toHaveLength(10);
    expect(page.map((c) => c.id)).toEqual(expected.map((c) => c.id));
    expect(page).toEqual(expected);
    expect(page[0]).toBeInstanceOf(Customer);
    expect(page[0].createdAt).toBeInstanceOf(Date);
  });

  it("accepts a DbSet or a chain in the Public API section's function", async () => {
    const ctx = new ShopContext({
      provider: sqlite({ file: tempFile() }),
      shards: (s) => s.addShards('EU', 'US', 'APAC'),
    });
    cleanups.push(() => ctx.close());
    await ctx.ensureCreated();
    const rows = customers();
    await ctx.bulkInsert(Customer, rows);
    expect(await inRegion(ctx.customers, 'EU').count()).toBe(rows.filter((c) => c.region === 'EU').length);
    const named = await inRegion(
      ctx.customers.where((c) => c.name.startsWith('Ada')),
      'APAC',
    )
      .orderBy((c) => c.id)
      .toArray();
    expect(named).toEqual(rows.filter((c) => c.region === 'APAC' && c.name.startsWith('Ada')));
  });

  it('routes the README query to Customers_US only (toQueryString, no I/O)', () => {
    const ctx = new ShopContext({
      provider: sqlite({ file: tempFile() }),
      shards: (s) => s.addShards('EU', 'US', 'APAC'),
    });
    cleanups.push(() => ctx.close());
    const sql = ctx.customers
      .where((c, p) => c.region === p.region, { region: 'US' })
      .orderBy((c) => c.name)
      .skip(20)
      .take(10)
      .toQueryString();
    expect(sql).toContain('Customers_US');
    expect(sql).not.toContain('Customers_EU');
    expect(sql).not.toContain('Customers_APAC');
  });
});

// design.md section 1, the public shape we promise: ctx.set(Entity) with a params object using a
// shorthand property, toQueryString() without I/O, a date-sharded entity in a shard group, and
// maxParallelShards. Order's properties stand in for the design's `/* ...properties... */`.

class Order {
  id!: number;
  customerId!: number;
  orderDate!: Date;
  total!: number;
}

class DesignShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);

  protected override onModelCreating(mb: ModelBuilder) {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.createdAt).dateTime();
      e.shardBy((c) => c.region).withStorageMode('tables'); // Customers_EU, Customers_US, ...
    });
    mb.entity(Order, (e) => {
      e.toTable('Orders');
      e.key((o) => o.id);
      e.property((o) => o.id).int();
      e.property((o) => o.customerId).int();
      e.property((o) => o.orderDate).dateTime();
      e.property((o) => o.total).decimal(12, 2);
      e.shardByDate((o) => o.orderDate, 'year').useShardGroup('years'); // Orders_2024, Orders_2025
    });
  }
}

describe('design.md section 1: what a user writes', () => {
  it('runs the promised shape on SQLite', async () => {
    const ctx = new DesignShopContext({
      provider: sqlite({ file: tempFile() }),
      shards: (s) => s.addShards('EU', 'US', 'APAC').addShardGroup('years', (g) => g.addShards('2024', '2025')),
      maxParallelShards: 8,
    });
    cleanups.push(() => ctx.close());
    await ctx.ensureCreated();
    const rows = customers();
    await ctx.bulkInsert(Customer, rows);
    const orders = Array.from({ length: 40 }, (_, i) =>
      Object.assign(new Order(), {
        id: i + 1,
        customerId: (i % 120) + 1,
        orderDate: new Date(Date.UTC(2024, (i * 5) % 24, 1 + (i % 28))),
        total: i * 2.5,
      }),
    );
    const loaded = await ctx.bulkInsert(Order, orders);
    const inYear = (y: number) => orders.filter((o) => o.orderDate.getUTCFullYear() === y).length;
    expect(loaded.perShard).toEqual({ 'years::2024': inYear(2024), 'years::2025': inYear(2025) });

    const region = 'US';
    const page = await ctx
      .set(Customer)
      .where((c, p) => c.region === p.region, { region }) // outside values come in through p
      .orderBy((c) => c.name)
      .skip(20)
      .take(10)
      .toArray();
    const expected = rows
      .filter((c) => c.region === region)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id))
      .slice(20, 30);
    expect(page).toEqual(expected);

    const sql = ctx
      .set(Customer)
      .where((c) => c.region === 'US')
      .toQueryString(); // SQL per shard, no I/O
    expect(sql).toContain('Customers_US');
    expect(sql).not.toContain('Customers_EU');

    // The date-sharded entity lives in table shards of its group, and a range prunes to one year.
    const sql2025 = ctx.orders.where((o, p) => o.orderDate >= p.from, { from: new Date('2025-01-01T00:00:00Z') }).toQueryString();
    expect(sql2025).toContain('Orders_2025');
    expect(sql2025).not.toContain('Orders_2024');
    const in2025 = await ctx.orders
      .where((o, p) => o.orderDate >= p.from, { from: new Date('2025-01-01T00:00:00Z') })
      .orderBy((o) => o.id)
      .toArray();
    expect(in2025.map((o) => o.id)).toEqual(orders.filter((o) => o.orderDate.getUTCFullYear() === 2025).map((o) => o.id));
    expect(await ctx.orders.sum((o) => o.total)).toBeCloseTo(
      orders.reduce((s, o) => s + o.total, 0),
      9,
    );
  });
});
