// saveChanges on SQLite files: adds, updates (in place and moving shards), removes, generated
// keys, concurrency tokens, validation and routing errors. Every written state is compared with
// the in-memory model of the same changes, and row counts are checked on every shard table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DtdeConcurrencyError,
  DtdeContext,
  DtdeInvalidOperationError,
  DtdeRoutingError,
  DtdeValidationError,
  type ModelBuilder,
  sqlite,
} from '../../src/index.js';
import {
  Account,
  Customer,
  customer,
  Order,
  order,
  openWriteShop,
  tableCounts as countRows,
  type WriteShop,
} from './support/write-shop.js';
import { Oracle } from './support/oracle.js';

let dir: string;
let ctx: WriteShop;
const open = (options: { readOnlyUs?: boolean } = {}) => openWriteShop(dir, options.readOnlyUs ? { readOnlyShard: 'RO' } : {});
const tableCounts = () => countRows(dir);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dtde-writes-'));
  ctx = open();
  await ctx.ensureCreated();
});

afterEach(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The engine's rows of `entity` equal the in-memory model's, in id order. */
async function expectState<T extends { id: number }>(entity: new () => T, model: readonly T[]): Promise<void> {
  const oracle = new Oracle([[entity, model.map((m) => Object.assign(new entity(), m))]]);
  await oracle.check(ctx, entity, (q) => q.orderBy((x) => x.id).toArray(), { ordered: true });
}

describe('saveChanges', () => {
  it('adds route to their shards, across the main file and three order files, and return the row count', async () => {
    const customers = [customer(1, 'EU'), customer(2, 'US'), customer(3, 'US')];
    const orders = [order(1, 2023), order(2, 2024), order(3, 2025), order(4, 2025)];
    ctx.addRange(customers);
    for (const o of orders) ctx.orders.add(o);
    expect(ctx.pendingChangeCount).toBe(7);
    expect(await ctx.saveChanges()).toBe(7);
    expect(ctx.pendingChangeCount).toBe(0);
    expect(tableCounts()).toEqual({
      Customers_EU: 1,
      Customers_US: 2,
      Customers_APAC: 0,
      'Orders@2023': 1,
      'Orders@2024': 1,
      'Orders@2025': 2,
    });
    await expectState(Customer, customers);
    await expectState(Order, orders);
    expect(await ctx.saveChanges()).toBe(0);
  });

  it('an update in place, a shard-key move within one file and a move across files, in one save', async () => {
    ctx.addRange([customer(1, 'EU'), customer(2, 'EU'), order(1, 2023), order(2, 2023)]);
    await ctx.saveChanges();
    const [c1, c2] = await ctx.customers.orderBy((c) => c.id).toArray();
    const o1 = await ctx.orders.first((o) => o.id === 1);
    c1.name = 'renamed';
    c2.region = 'APAC'; // Customers_EU -> Customers_APAC
    o1.orderDate = new Date(Date.UTC(2025, 1, 1)); // orders-2023.db -> orders-2025.db
    o1.total = 99;
    ctx.update(c1);
    ctx.update(c2);
    ctx.update(o1);
    expect(await ctx.saveChanges()).toBe(3);
    expect(tableCounts()).toEqual({
      Customers_EU: 1,
      Customers_US: 0,
      Customers_APAC: 1,
      'Orders@2023': 1,
      'Orders@2024': 0,
      'Orders@2025': 1,
    });
    await expectState(Customer, [{ ...customer(1, 'EU'), name: 'renamed' }, customer(2, 'APAC')]);
    await expectState(Order, [{ ...order(1, 2025, 99), orderDate: new Date(Date.UTC(2025, 1, 1)) }, order(2, 2023)]);
    // The moved entity's stored state follows it: a second move starts from its new shard.
    o1.orderDate = new Date(Date.UTC(2024, 1, 1));
    ctx.update(o1);
    await ctx.saveChanges();
    expect(tableCounts()['Orders@2025']).toBe(0);
    expect(tableCounts()['Orders@2024']).toBe(1);
  });

  it('an entity not read through dtde moves with update(entity, { from })', async () => {
    ctx.add(customer(5, 'EU'));
    await ctx.saveChanges();
    const detached = customer(5, 'US');
    ctx.update(detached, { from: { id: 5, region: 'EU' } });
    await ctx.saveChanges();
    expect(tableCounts().Customers_EU).toBe(0);
    await expectState(Customer, [customer(5, 'US')]);
  });

  it('an update whose row is not where its values say fails and writes nothing', async () => {
    ctx.addRange([customer(5, 'EU'), customer(6, 'EU')]);
    await ctx.saveChanges();
    const untracked = customer(5, 'US'); // stored in EU; without `from` dtde looks in US
    const other = (await ctx.customers.first((c) => c.id === 6))!;
    other.name = 'changed';
    ctx.update(other);
    ctx.update(untracked);
    const error = await ctx.saveChanges().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeConcurrencyError);
    expect((error as DtdeConcurrencyError).message).toMatch(/Customer \(id = 5\) in shard 'US'/);
    expect(ctx.pendingChangeCount).toBe(2); // kept for a retry
    await expectState(Customer, [customer(5, 'EU'), customer(6, 'EU')]); // 'changed' was rolled back
    ctx.discardChanges();
    expect(ctx.pendingChangeCount).toBe(0);
  });

  it('removes delete from the shard the entity was read from', async () => {
    ctx.addRange([customer(1, 'EU'), customer(2, 'US'), order(1, 2024)]);
    await ctx.saveChanges();
    const c2 = (await ctx.customers.first((c) => c.id === 2))!;
    c2.region = 'APAC'; // changed but not saved: the row is still in US
    ctx.remove(c2);
    ctx.remove((await ctx.orders.first())!);
    expect(await ctx.saveChanges()).toBe(2);
    expect(tableCounts()).toMatchObject({ Customers_EU: 1, Customers_US: 0, Customers_APAC: 0, 'Orders@2024': 0 });
  });

  it('adding then removing before a save writes nothing; adding then updating inserts the latest values', async () => {
    const a = customer(1, 'EU');
    const b = customer(2, 'EU');
    ctx.add(a);
    ctx.remove(a);
    ctx.add(b);
    b.name = 'latest';
    ctx.update(b);
    expect(ctx.pendingChangeCount).toBe(1);
    await ctx.saveChanges();
    await expectState(Customer, [{ ...customer(2, 'EU'), name: 'latest' }]);
  });

  it('validation lists every bad field of every entity before anything is sent', async () => {
    const bad1 = Object.assign(customer(1, 'EU'), { name: 'x'.repeat(201), score: 1.5 });
    const bad2 = Object.assign(customer(2, 'US'), { createdAt: 'yesterday' as unknown as Date });
    ctx.addRange([customer(3, 'EU'), bad1, bad2]);
    const error = (await ctx.saveChanges().catch((e: unknown) => e)) as DtdeValidationError;
    expect(error).toBeInstanceOf(DtdeValidationError);
    expect(error.message).toMatch(/3 problems/);
    expect(error.message).toMatch(/change 1 \(add Customer\): property 'name'/);
    expect(error.message).toMatch(/change 1 \(add Customer\): property 'score'/);
    expect(error.message).toMatch(/change 2 \(add Customer\): property 'createdAt'/);
    expect(tableCounts().Customers_EU).toBe(0);
  });

  it('a value that routes to no shard, or to a read-only shard, fails before anything is sent', async () => {
    ctx.addRange([customer(1, 'EU'), customer(2, 'UK')]);
    await expect(ctx.saveChanges()).rejects.toThrow(DtdeRoutingError);
    ctx.discardChanges();
    await ctx.close();
    ctx = open({ readOnlyUs: true });
    await ctx.ensureCreated();
    ctx.addRange([customer(1, 'EU'), customer(3, 'RO')]);
    await expect(ctx.saveChanges()).rejects.toThrow(/read-only/);
    expect(tableCounts().Customers_EU).toBe(0);
  });

  it('a changed key is refused: remove and add instead', async () => {
    ctx.add(customer(1, 'EU'));
    await ctx.saveChanges();
    const c = (await ctx.customers.first())!;
    c.id = 2;
    ctx.update(c);
    await expect(ctx.saveChanges()).rejects.toThrow(DtdeInvalidOperationError);
  });

  it('plain objects need the set; the set accepts them', async () => {
    expect(() => ctx.add({ id: 1 })).toThrow(/plain object/);
    ctx.customers.add({ ...customer(1, 'EU') });
    await ctx.saveChanges();
    await expectState(Customer, [customer(1, 'EU')]);
  });
});

describe('concurrency tokens', () => {
  it('start at 1, increment on each update, and a stale copy fails to update or remove', async () => {
    const account = Object.assign(new Account(), { id: 1, owner: 'ada', balance: 10, version: 0 as number | null });
    account.version = null;
    ctx.add(account);
    await ctx.saveChanges();
    expect(account.version).toBe(1);
    const first = (await ctx.accounts.first())!;
    const second = (await ctx.accounts.first())!;
    first.balance = 20;
    ctx.update(first);
    await ctx.saveChanges();
    expect(first.version).toBe(2);
    second.balance = 30;
    ctx.update(second);
    const error = (await ctx.saveChanges().catch((e: unknown) => e)) as DtdeConcurrencyError;
    expect(error).toBeInstanceOf(DtdeConcurrencyError);
    expect(error.entity).toBe('Account');
    expect(error.key).toEqual({ id: 1 });
    expect(error.message).toMatch(/concurrency token/);
    ctx.discardChanges();
    ctx.remove(second);
    await expect(ctx.saveChanges()).rejects.toThrow(DtdeConcurrencyError);
    ctx.discardChanges();
    await expectState(Account, [{ ...account, balance: 20, version: 2 }]);
  });
});

describe('generated keys', () => {
  it('come back into the entity objects once the save committed', async () => {
    class Ticket {
      id!: number;
      title!: string;
    }
    class TicketShop extends DtdeContext {
      tickets = this.set(Ticket);
      protected override onModelCreating(mb: ModelBuilder): void {
        mb.entity(Ticket, (e) => {
          e.toTable('Tickets');
          e.key((t) => t.id);
          e.property((t) => t.id)
            .int()
            .generated();
          e.property((t) => t.title).string(50);
        });
      }
    }
    await using shop = new TicketShop({ provider: sqlite({ file: join(dir, 'tickets.db') }) });
    await shop.ensureCreated();
    const tickets = [1, 2, 3].map((n) => Object.assign(new Ticket(), { title: `t${n}` }));
    shop.addRange(tickets);
    await shop.saveChanges();
    expect(tickets.map((t) => t.id)).toEqual([1, 2, 3]);
    tickets[1].title = 'second';
    shop.update(tickets[1]);
    await shop.saveChanges();
    expect((await shop.tickets.first((t) => t.id === 2))!.title).toBe('second');
  });
});
