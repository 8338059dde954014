// Every write path on PostgreSQL, with orders in one database per year spread over two servers:
// saves that span them use the cross-database commit. Each written state is compared with the
// in-memory model of the same changes, and row counts are checked shard by shard with routed
// counts (each reads exactly its one shard, as the plan channel shows).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DtdeConcurrencyError, DtdeContext, DtdeValidationError, type ModelBuilder } from '../../src/index.js';
import {
  Account,
  configureAccount,
  configureContract,
  configureCustomer,
  configureOrder,
  Contract,
  Customer,
  Order,
  REGIONS,
  YEARS,
} from '../support/shop-model.js';
import { AutoShop, reading } from './support/auto-shop.js';
import { listenDiagnostics } from './support/listen-diagnostics.js';
import { Oracle } from './support/oracle.js';
import { E2E_PROVIDERS, type E2eDatabases } from './support/providers.js';
import { customer, order } from './support/write-shop.js';

class PgWriteShop extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);
  accounts = this.set(Account);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, configureCustomer)
      .entity(Order, (e) => configureOrder(e, { storage: 'databases' }))
      .entity(Account, configureAccount);
  }
}

let databases: E2eDatabases;
let ctx: PgWriteShop;

beforeEach(async () => {
  databases = await E2E_PROVIDERS.postgres.open();
  ctx = new PgWriteShop({ provider: databases.provider(), shards: (s) => databases.shards(s) });
  await ctx.ensureCreated();
});

afterEach(async () => {
  await ctx.close();
  await databases.dispose();
});

/** Rows per shard, each from a count routed to that one shard. */
async function shardCounts(): Promise<Record<string, number>> {
  const log = listenDiagnostics();
  const counts: Record<string, number> = {};
  try {
    for (const r of REGIONS) counts[r] = await ctx.customers.count((c, p) => c.region === p.r, { r });
    for (const y of YEARS) {
      const from = new Date(Date.UTC(Number(y), 0, 1));
      const to = new Date(Date.UTC(Number(y) + 1, 0, 1));
      counts[y] = await ctx.orders.count((o, p) => o.orderDate >= p.from && o.orderDate < p.to, { from, to });
    }
  } finally {
    log.stop();
  }
  expect(log.plans.map((p) => p.shardIds.length)).toEqual(Array(REGIONS.length + YEARS.length).fill(1));
  return counts;
}

async function expectState<T extends { id: number }>(entity: new () => T, model: readonly T[]): Promise<void> {
  const oracle = new Oracle([[entity, model.map((m) => Object.assign(new entity(), m))]]);
  await oracle.check(ctx, entity, (q) => q.orderBy((x) => x.id).toArray(), { ordered: true });
}

describe('PostgreSQL writes', () => {
  it('adds, updates in place, moves across servers and removes, in single- and multi-database saves', async () => {
    ctx.addRange([customer(1, 'EU'), customer(2, 'US'), order(1, 2023), order(2, 2024), order(3, 2025)]);
    expect(await ctx.saveChanges()).toBe(5);
    expect(await shardCounts()).toEqual({ EU: 1, US: 1, APAC: 0, 2023: 1, 2024: 1, 2025: 1 });
    const c1 = (await ctx.customers.first((c) => c.id === 1))!;
    c1.region = 'APAC';
    const o1 = (await ctx.orders.first((o) => o.id === 1))!;
    o1.orderDate = new Date(Date.UTC(2024, 3, 1)); // 2023 (second server) -> 2024 (main server)
    ctx.update(c1);
    ctx.update(o1);
    ctx.remove((await ctx.orders.first((o) => o.id === 3))!);
    expect(await ctx.saveChanges()).toBe(3);
    expect(await shardCounts()).toEqual({ EU: 0, US: 1, APAC: 1, 2023: 0, 2024: 2, 2025: 0 });
    await expectState(Customer, [customer(1, 'APAC'), customer(2, 'US')]);
    await expectState(Order, [{ ...order(1, 2024), orderDate: new Date(Date.UTC(2024, 3, 1)) }, order(2, 2024)]);
  });

  it('validation, concurrency tokens and the rollback of a failed multi-database save', async () => {
    ctx.addRange([customer(1, 'EU'), Object.assign(customer(2, 'US'), { name: 'x'.repeat(300) })]);
    await expect(ctx.saveChanges()).rejects.toThrow(DtdeValidationError);
    ctx.discardChanges();
    ctx.add(Object.assign(new Account(), { id: 1, owner: 'ada', balance: 1, version: null }));
    await ctx.saveChanges();
    const stale = (await ctx.accounts.first())!;
    const fresh = (await ctx.accounts.first())!;
    fresh.balance = 2;
    ctx.update(fresh);
    await ctx.saveChanges();
    stale.balance = 3;
    ctx.update(stale);
    ctx.add(order(9, 2025)); // another database: the whole save rolls back
    await expect(ctx.saveChanges()).rejects.toThrow(DtdeConcurrencyError);
    ctx.discardChanges();
    expect(await shardCounts()).toMatchObject({ 2025: 0 });
    await expectState(Account, [{ id: 1, owner: 'ada', balance: 2, version: 2 } as Account]);
  });

  it('executeUpdate, executeDelete and bulkInsert, atomic across the servers', async () => {
    const orders = Array.from({ length: 30 }, (_, i) => order(i + 1, 2023 + (i % 3), 10 + i));
    expect(await ctx.bulkInsert(Order, orders, { batchSize: 7 })).toEqual({
      rowsInserted: 30,
      perShard: { 'years::2023': 10, 'years::2024': 10, 'years::2025': 10 },
    });
    const oracle = new Oracle([[Order, orders.map((o) => Object.assign(new Order(), o))]]);
    expect(await ctx.orders.where((o) => o.total > 25).executeUpdate((o) => ({ status: 'big', total: o.total * 2 }))).toBe(
      await oracle
        .root(Order)
        .where((o) => o.total > 25)
        .executeUpdate((o) => ({ status: 'big', total: o.total * 2 })),
    );
    expect(await ctx.orders.where((o) => o.total < 15).executeDelete()).toBe(
      await oracle
        .root(Order)
        .where((o) => o.total < 15)
        .executeDelete(),
    );
    await oracle.check(ctx, Order, (q) => q.orderBy((o) => o.id).toArray(), { ordered: true });
    const bad = [order(100, 2023), Object.assign(order(101, 2025), { status: 'y'.repeat(30) })];
    await expect(ctx.bulkInsert(Order, bad)).rejects.toThrow(DtdeValidationError);
    await oracle.check(ctx, Order, (q) => q.count(), { ordered: false });
  });

  it('a transaction scope reads its own writes and rolls back everywhere when it throws', async () => {
    await expect(
      ctx.transaction(async (tx) => {
        tx.addRange([customer(1, 'EU'), order(1, 2023), order(2, 2025)]);
        await tx.saveChanges();
        expect(await tx.orders.count()).toBe(2);
        expect(await tx.customers.count()).toBe(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await shardCounts()).toEqual({ EU: 0, US: 0, APAC: 0, 2023: 0, 2024: 0, 2025: 0 });
    await ctx.transaction(async (tx) => {
      tx.addRange([customer(1, 'EU'), order(1, 2023), order(2, 2025)]);
      await tx.saveChanges();
    });
    expect(await shardCounts()).toEqual({ EU: 1, US: 0, APAC: 0, 2023: 1, 2024: 0, 2025: 1 });
  });
});

describe('PostgreSQL temporal versioning', () => {
  it('versioned saves over quarterly shards answer validAt like the in-memory model', async () => {
    class Hr extends DtdeContext {
      contracts = this.temporalSet(Contract);
      protected override onModelCreating(mb: ModelBuilder): void {
        mb.entity(Contract, (e) => configureContract(e));
      }
    }
    let now = new Date('2024-01-10T00:00:00Z');
    await using hr = new Hr({
      provider: databases.provider(),
      clock: () => now,
      shards: (s) => s.addShardGroup('quarters', (g) => g.addShards('2024Q1', '2024Q2', '2024Q3')),
    });
    await hr.ensureCreated();
    hr.addRange([1, 2].map((id) => Object.assign(new Contract(), { id, customerId: id, rate: 0.1 })));
    await hr.saveChangesWithVersioning();
    now = new Date('2024-05-01T00:00:00Z');
    const c1 = (await hr.contracts.validAt(now).first((c) => c.id === 1))!;
    c1.rate = 0.2;
    hr.update(c1);
    hr.remove((await hr.contracts.validAt(now).first((c) => c.id === 2))!);
    await hr.saveChangesWithVersioning();
    const rate = async (at: string) =>
      (
        await hr.contracts
          .validAt(new Date(at))
          .orderBy((c) => c.id)
          .toArray()
      ).map((c) => [c.id, c.rate]);
    expect(await rate('2024-02-01T00:00:00Z')).toEqual([
      [1, 0.1],
      [2, 0.1],
    ]);
    expect(await rate('2024-05-01T00:00:00Z')).toEqual([[1, 0.2]]);
    expect(await hr.contracts.allVersions().count()).toBe(3);
  });
});

describe('PostgreSQL date shards on demand', () => {
  it('a write into a month with no shard creates its table; dropShardsBefore drops whole months', async () => {
    await using shop = new AutoShop({
      provider: databases.provider(),
      shards: (s) => s.addShardGroup('months', (g) => g.addShard('2024-01')),
    });
    await shop.ensureCreated();
    const rows = [reading(1, '2024-01-05'), reading(2, '2024-03-02'), reading(3, '2024-04-30')];
    await shop.bulkInsert(AutoShop.Reading, rows);
    expect(shop.shardLayout.groups.get('months')!.map((s) => s.id)).toEqual(['2024-01', '2024-03', '2024-04']);
    const oracle = new Oracle([[AutoShop.Reading, rows]]);
    await oracle.check(shop, AutoShop.Reading, (q) => q.orderBy((r) => r.id).toArray(), { ordered: true });
    expect(await shop.dropShardsBefore(AutoShop.Reading, new Date('2024-04-01T00:00:00Z'))).toEqual(['months::2024-01', 'months::2024-03']);
    expect(await shop.readings.select((r) => r.id).toArray()).toEqual([3]);
  });
});
