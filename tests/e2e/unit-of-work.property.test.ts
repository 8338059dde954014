// Property: random sequences of add, update (shard-key moves included), remove and saveChanges,
// over random layouts (customers in table shards of one file or one file per region; orders in
// yearly table shards or one file per year), leave the shards equal to the in-memory model of the
// same changes, and every row in the shard its key routes to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { DtdeContext, type ModelBuilder, sqlite } from '../../src/index.js';
import { configureCustomer, configureOrder, Customer, Order, REGIONS, YEARS } from '../support/shop-model.js';
import { customer, order } from './support/write-shop.js';

type Storage = 'tables' | 'databases';

function contextFor(dir: string, customers: Storage, orders: Storage): DtdeContext & { customers: ReturnType<DtdeContext['set']> } {
  class Shop extends DtdeContext {
    customers = this.set(Customer);
    orders = this.set(Order);
    protected override onModelCreating(mb: ModelBuilder): void {
      mb.entity(Customer, (e) => configureCustomer(e, { storage: customers })).entity(Order, (e) => configureOrder(e, { storage: orders }));
    }
  }
  return new Shop({
    provider: sqlite({ file: join(dir, 'main.db') }),
    shards: (s) => {
      for (const r of REGIONS) customers === 'databases' ? s.addShard(r, { file: `customers-${r}.db` }) : s.addShard(r);
      return s.addShardGroup('years', (g) => {
        for (const y of YEARS) orders === 'databases' ? g.addShard(y, { file: `orders-${y}.db` }) : g.addShard(y);
      });
    },
  }) as never;
}

/** Ids per physical table, read with the raw driver. */
function stored(dir: string, customers: Storage, orders: Storage): { customers: Record<string, number[]>; orders: Record<string, number[]> } {
  const ids = (file: string, table: string) => {
    const db = new Database(join(dir, file), { readonly: true });
    try {
      return (db.prepare(`SELECT id FROM "${table}" ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
    } finally {
      db.close();
    }
  };
  return {
    customers: Object.fromEntries(REGIONS.map((r) => [r, customers === 'databases' ? ids(`customers-${r}.db`, 'Customers') : ids('main.db', `Customers_${r}`)])),
    orders: Object.fromEntries(YEARS.map((y) => [y, orders === 'databases' ? ids(`orders-${y}.db`, 'Orders') : ids('main.db', `Orders_${y}`)])),
  };
}

const step = fc.oneof(
  fc.record({ op: fc.constant('addCustomer' as const), id: fc.integer({ min: 1, max: 8 }), region: fc.constantFrom(...REGIONS) }),
  fc.record({ op: fc.constant('moveCustomer' as const), id: fc.integer({ min: 1, max: 8 }), region: fc.constantFrom(...REGIONS), name: fc.string({ maxLength: 5 }) }),
  fc.record({ op: fc.constant('removeCustomer' as const), id: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('addOrder' as const), id: fc.integer({ min: 1, max: 8 }), year: fc.constantFrom(2023, 2024, 2025) }),
  fc.record({ op: fc.constant('moveOrder' as const), id: fc.integer({ min: 1, max: 8 }), year: fc.constantFrom(2023, 2024, 2025), total: fc.integer({ min: 0, max: 999 }) }),
  fc.record({ op: fc.constant('removeOrder' as const), id: fc.integer({ min: 1, max: 8 }) }),
  fc.constant({ op: 'save' as const }),
);

it('the shards always equal the in-memory model of the same changes', async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<Storage>('tables', 'databases'), fc.constantFrom<Storage>('tables', 'databases'), fc.array(step, { maxLength: 25 }), async (cs, os, steps) => {
      runs++;
      const dir = mkdtempSync(join(tmpdir(), 'dtde-uow-'));
      const ctx = contextFor(dir, cs, os) as unknown as { customers: any; orders: any } & DtdeContext;
      try {
        await ctx.ensureCreated();
        const model = { customers: new Map<number, Customer>(), orders: new Map<number, Order>() };
        // What is saved, and what is pending: the model applies a save's changes when it succeeds.
        let pending = { customers: new Map(model.customers), orders: new Map(model.orders) };
        const loaded = new Map<string, object>();
        const entity = async (kind: 'customers' | 'orders', id: number) => {
          const key = `${kind}:${id}`;
          let e = loaded.get(key);
          if (e === undefined) {
            e = (await ctx[kind].firstOrDefault((x: { id: number }, p: { id: number }) => x.id === p.id, { id })) ?? undefined;
            if (e !== undefined) loaded.set(key, e);
          }
          return e as (Customer & Order) | undefined;
        };
        for (const s of steps) {
          switch (s.op) {
            case 'addCustomer':
              if (pending.customers.has(s.id)) break;
              {
                const c = customer(s.id, s.region);
                ctx.add(c);
                loaded.set(`customers:${s.id}`, c);
                pending.customers.set(s.id, { ...c });
              }
              break;
            case 'moveCustomer': {
              if (!model.customers.has(s.id) || !pending.customers.has(s.id)) break;
              const c = await entity('customers', s.id);
              if (!c) break;
              c.region = s.region;
              c.name = s.name;
              ctx.update(c);
              pending.customers.set(s.id, { ...c });
              break;
            }
            case 'removeCustomer': {
              if (!model.customers.has(s.id) || !pending.customers.has(s.id)) break;
              const c = await entity('customers', s.id);
              if (!c) break;
              ctx.remove(c);
              loaded.delete(`customers:${s.id}`);
              pending.customers.delete(s.id);
              break;
            }
            case 'addOrder':
              if (pending.orders.has(s.id)) break;
              {
                const o = order(s.id, s.year);
                ctx.add(o);
                loaded.set(`orders:${s.id}`, o);
                pending.orders.set(s.id, { ...o });
              }
              break;
            case 'moveOrder': {
              if (!model.orders.has(s.id) || !pending.orders.has(s.id)) break;
              const o = await entity('orders', s.id);
              if (!o) break;
              o.orderDate = new Date(Date.UTC(s.year, 2, 3));
              o.total = s.total;
              ctx.update(o);
              pending.orders.set(s.id, { ...o });
              break;
            }
            case 'removeOrder': {
              if (!model.orders.has(s.id) || !pending.orders.has(s.id)) break;
              const o = await entity('orders', s.id);
              if (!o) break;
              ctx.remove(o);
              loaded.delete(`orders:${s.id}`);
              pending.orders.delete(s.id);
              break;
            }
            case 'save':
              await ctx.saveChanges();
              model.customers = new Map(pending.customers);
              model.orders = new Map(pending.orders);
              pending = { customers: new Map(model.customers), orders: new Map(model.orders) };
              break;
          }
        }
        await ctx.saveChanges();
        model.customers = pending.customers;
        model.orders = pending.orders;
        const plain = (x: object) => JSON.parse(JSON.stringify(x));
        expect(plain(await ctx.customers.orderBy((c: Customer) => c.id).toArray())).toEqual(plain([...model.customers.values()].sort((a, b) => a.id - b.id)));
        expect(plain(await ctx.orders.orderBy((o: Order) => o.id).toArray())).toEqual(plain([...model.orders.values()].sort((a, b) => a.id - b.id)));
        const tables = stored(dir, cs, os);
        for (const r of REGIONS) expect(tables.customers[r]).toEqual([...model.customers.values()].filter((c) => c.region === r).map((c) => c.id).sort((a, b) => a - b));
        for (const y of YEARS) expect(tables.orders[y]).toEqual([...model.orders.values()].filter((o) => String(o.orderDate.getUTCFullYear()) === y).map((o) => o.id).sort((a, b) => a - b));
      } finally {
        await ctx.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: Number(process.env.DTDE_UOW_RUNS ?? 40) },
  );
  expect(runs).toBeGreaterThanOrEqual(40);
}, 300_000);
