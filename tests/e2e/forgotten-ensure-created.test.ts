import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DtdeContext, type DtdeError, type ModelBuilder, sqlite } from 'dtde';
import { configureCustomer, Customer } from '../support/shop-model.js';

// Forgetting `await ctx.ensureCreated()` is a first-day mistake. The error must name what the
// user calls (ctx.ensureCreated()), never dtde's internals (driver.ensureDatabase).

class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, configureCustomer);
  }
}

let dir: string | undefined;
let ctx: ShopContext | undefined;
afterEach(async () => {
  await ctx?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  ctx = undefined;
  dir = undefined;
});

function open(prepare?: (file: string) => void): ShopContext {
  dir = mkdtempSync(join(tmpdir(), 'dtde-forgot-'));
  const file = join(dir, 'shop.db');
  prepare?.(file);
  ctx = new ShopContext({ provider: sqlite({ file }), shards: (s) => s.addShards('EU', 'US') });
  return ctx;
}

async function failure(action: () => Promise<unknown>): Promise<DtdeError> {
  try {
    await action();
  } catch (error) {
    return error as DtdeError;
  }
  throw new Error('expected the action to fail');
}

/** The message of the error and of every cause under it. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(' <- ');
}

describe('a query or a load before ensureCreated', () => {
  it('on a database file that does not exist names ctx.ensureCreated() and nothing internal', async () => {
    const shop = open();
    const error = await failure(() => shop.customers.toArray());
    expect(error.name).toBe('DtdeShardError');
    expect(error.message).toContain('does not exist. Create it with ctx.ensureCreated()');
    expect(messages(error)).not.toMatch(/driver\.|ensureDatabase/);
  });

  it('on a database whose tables do not exist yet names the table and ctx.ensureCreated()', async () => {
    const shop = open((file) => new Database(file).close());
    const error = await failure(() => shop.customers.where((c) => c.region === 'EU').toArray());
    expect(error.name).toBe('DtdeShardError');
    expect(error.message).toContain('table "Customers_EU" does not exist');
    expect(error.message).toContain('create the tables with ctx.ensureCreated()');
    expect(messages(error)).not.toMatch(/driver\.|ensureDatabase/);
  });

  it('bulkInsert says the same', async () => {
    const shop = open((file) => new Database(file).close());
    const row = Object.assign(new Customer(), {
      id: 1,
      region: 'EU',
      name: 'a',
      email: null,
      createdAt: new Date(0),
      vip: false,
      score: 1,
      rating: null,
    });
    const error = await failure(() => shop.bulkInsert(Customer, [row]));
    expect(messages(error)).toContain('ctx.ensureCreated()');
    expect(messages(error)).not.toMatch(/driver\.|ensureDatabase/);
  });
});
