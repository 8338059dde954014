import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DtdeConfigurationError, DtdeContext, DtdeRoutingError, DtdeTranslationError, type ModelBuilder, sqlite } from 'dtde';
import { configureCustomer, configureOrder, Customer, Order, Price } from '../support/shop-model.js';

// The five mistakes a new user makes first, seen through the public API only, with real lambdas
// compiled by the test's toolchain (not source strings). Each error must be the documented class
// with its code and data, name the problem, and say what to write instead. The unit suites check
// the exact wording (tests/linq/parse-lambda-errors, tests/context, tests/writes); this file
// covers the paths they do not: class-field sets, bulkInsert, and closures in each operator.

// The shared shop model's customers and orders; Price is never configured.
class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);

  protected override onModelCreating(mb: ModelBuilder) {
    mb.entity(Customer, configureCustomer);
    mb.entity(Order, configureOrder);
  }
}

/** A context whose class field asks for an entity its model does not configure. */
class ForgotPriceContext extends ShopContext {
  prices = this.set(Price);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtde-user-errors-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'shop.db');
}

async function openShop(): Promise<ShopContext> {
  const ctx = new ShopContext({
    provider: sqlite({ file: tempFile() }),
    shards: (s) => s.addShards('EU', 'US').addShardGroup('years', (g) => g.addShards('2024', '2025')),
  });
  cleanups.push(() => ctx.close());
  await ctx.ensureCreated();
  return ctx;
}

const customer = (id: number, region: string, score = id): Customer =>
  Object.assign(new Customer(), {
    id,
    region,
    name: `c${id}`,
    email: null,
    createdAt: new Date(Date.UTC(2024, 0, id)),
    vip: false,
    score,
    rating: null,
  });
const order = (id: number, orderDate: string): Order =>
  Object.assign(new Order(), { id, customerId: 1, orderDate: new Date(orderDate), total: 10, status: 'new', note: null });

/** Runs `action` and returns what it threw (sync or async). */
async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('1. an entity that onModelCreating does not configure', () => {
  it('fails when a class field asks for its set, naming the entity and showing mb.entity(...)', async () => {
    const error = await thrown(
      () =>
        new ForgotPriceContext({
          provider: sqlite({ file: tempFile() }),
          shards: (s) => s.addShards('EU').addShardGroup('years', (g) => g.addShards('2024')),
        }),
    );
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    expect(error).toMatchObject({ code: 'DTDE_CONFIGURATION', path: 'ForgotPriceContext.onModelCreating' });
    expect((error as Error).message.split('\nIn .set() at ')[0]).toBe(
      "Price is not an entity of ForgotPriceContext; configure it in onModelCreating with mb.entity(Price, e => { e.toTable('Name'); e.key(...); e.property(...); }).",
    );
  });

  it('fails in bulkInsert before anything is written', async () => {
    const ctx = await openShop();
    const error = await thrown(() => ctx.bulkInsert(Price, [Object.assign(new Price(), { id: '0f8fad5b-d9cb-469f-a165-70867728950e' })]));
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    expect((error as Error).message).toContain(
      'Price is not an entity of ShopContext; configure it in onModelCreating with mb.entity(Price',
    );
  });
});

describe('2. a variable captured from outside a lambda', () => {
  it('is refused when the query is built, in every operator, with the rewrite for that operator', async () => {
    const ctx = await openShop();
    const min = 3;
    const cases: [() => unknown, string, string][] = [
      [() => ctx.customers.where((c) => c.score > min), '.where((c, p) => c.score > p.min, { min })', '(c) => c.score > min'],
      [() => ctx.customers.orderBy((c) => c.score * min), '.orderBy((c, p) => c.score * p.min, { min })', '(c) => c.score * min'],
      [
        () => ctx.customers.select((c) => ({ t: c.score * min })),
        '.select((c, p) => ({ t: c.score * p.min }), { min })',
        '(c) => ({ t: c.score * min })',
      ],
      [() => ctx.customers.count((c) => c.score > min), '.count((c, p) => c.score > p.min, { min })', '(c) => c.score > min'],
    ];
    for (const [build, fix, source] of cases) {
      const error = await thrown(build);
      expect(error).toBeInstanceOf(DtdeTranslationError);
      const { message, lambdaSource, position } = error as DtdeTranslationError;
      expect(message).toContain('`min` is a variable captured from outside the lambda; dtde cannot see closures.');
      expect(message).toContain(`Pass it through the params object: ${fix}`);
      // The toolchain may reformat the lambda (esbuild adds parentheses); dtde quotes what it read.
      expect(lambdaSource).toBe(source);
      expect(lambdaSource!.slice(position!.start, position!.end)).toBe('min');
    }
  });

  it('the rewrite the message suggests runs and gives the plain-JavaScript answer', async () => {
    const ctx = await openShop();
    const rows = [1, 2, 3, 4, 5, 6].map((i) => customer(i, i % 2 === 0 ? 'EU' : 'US'));
    await ctx.bulkInsert(Customer, rows);
    const min = 3;
    const found = await ctx.customers
      .where((c, p) => c.score > p.min, { min })
      .orderBy((c) => c.id)
      .toArray();
    expect(found).toEqual(rows.filter((c) => c.score > min));
    expect(await ctx.customers.count((c, p) => c.score > p.min, { min })).toBe(3);
  });
});

describe('3. a context without a provider', () => {
  it('bulkInsert says how to configure one', async () => {
    const ctx = new ShopContext({ shards: (s) => s.addShards('EU').addShardGroup('years', (g) => g.addShards('2024')) });
    const error = await thrown(() => ctx.bulkInsert(Customer, [customer(1, 'EU')]));
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    expect(error).toMatchObject({ code: 'DTDE_CONFIGURATION', path: 'options.provider' });
    expect((error as Error).message).toBe(
      "ShopContext has no provider configured, so bulkInsert cannot run; pass provider: sqlite({ file: 'app.db' }) (or another dtde provider) in the context options.",
    );
  });
});

describe('4. a method or function dtde cannot translate', () => {
  it('is refused when the query is built, underlined, with the calls that do translate', async () => {
    const ctx = await openShop();
    const error = await thrown(() => ctx.customers.where((c) => c.name.slice(1) === 'a'));
    expect(error).toBeInstanceOf(DtdeTranslationError);
    const { message, lambdaSource, position } = error as DtdeTranslationError;
    expect(message).toContain(
      '`.slice()` is not a supported method in a dtde lambda. Supported calls: strings: startsWith, endsWith, includes',
    );
    expect(lambdaSource!.slice(position!.start, position!.end)).toBe('slice');
    expect(message).toMatch(/\n\s+\(c\) => c\.name\.slice\(1\) === "a"\n\s+\^{5}\nIn \.where\(\) at .*user-errors\.test\.ts:\d+:\d+$/);
  });

  it('a global function gets the params rewrite as its fix', async () => {
    const ctx = await openShop();
    // biome-ignore lint/correctness/useParseIntRadix: the global function call is what this test is about
    const error = await thrown(() => ctx.customers.where((c) => c.score > parseInt(c.name)));
    expect(error).toBeInstanceOf(DtdeTranslationError);
    const { message } = error as DtdeTranslationError;
    expect(message).toContain('`parseInt(...)` is not supported in a dtde lambda');
    expect(message).toContain('Call other functions before the query and pass the result through the params object');
  });
});

describe('5. a row whose shard key value has no shard, when loading', () => {
  it('a date in a year with no shard names the row, the missing shard, the shards that exist and the fix', async () => {
    const ctx = await openShop();
    const rows = [order(1, '2024-03-01T00:00:00Z'), order(2, '2023-05-01T00:00:00Z')];
    const error = await thrown(() => ctx.bulkInsert(Order, rows));
    expect(error).toBeInstanceOf(DtdeRoutingError);
    expect(error).toMatchObject({ code: 'DTDE_ROUTING', entity: 'Order', availableShards: ['years::2024', 'years::2025'] });
    expect((error as Error).message).toBe(
      "bulkInsert(Order): row 1 (add Order): Cannot route Order with orderDate = 2023-05-01T00:00:00.000Z: its year shard '2023' does not exist; " +
        "shards that exist: years::2024, years::2025. Add shard '2023' to group 'years'.",
    );
    // The bad row stopped the load before its batch wrote anything.
    expect(await ctx.orders.count()).toBe(0);
  });

  it('a value that differs from a shard id only in case is not routed (shardBy is case-sensitive by default)', async () => {
    const ctx = await openShop();
    const error = await thrown(() => ctx.bulkInsert(Customer, [customer(1, 'eu')]));
    expect(error).toBeInstanceOf(DtdeRoutingError);
    expect(error).toMatchObject({ keyValue: 'eu', availableShards: ['EU', 'US'] });
    expect((error as Error).message).toContain(
      'row 0 (add Customer): Cannot route Customer with region = "eu"; shards that exist: EU, US.',
    );
    expect(await ctx.customers.count()).toBe(0);
  });
});
