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
function stored(
  dir: string,
  customers: Storage,
  orders: Storage,
): { customers: Record<string, number[]>; orders: Record<string, number[]> } {
  const ids = (file: string, table: string) => {
    const db = new Database(join(dir, file), { readonly: true });
    try {
      return (db.prepare(`SELECT id FROM "${table}" ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
    } finally {
      db.close();
    }
  };
  return {
    customers: Object.fromEntries(
      REGIONS.map((r) => [r, customers === 'databases' ? ids(`customers-${r}.db`, 'Customers') : ids('main.db', `Customers_${r}`)]),
    ),
    orders: Object.fromEntries(
      YEARS.map((y) => [y, orders === 'databases' ? ids(`orders-${y}.db`, 'Orders') : ids('main.db', `Orders_${y}`)]),
    ),
  };
}

// Few ids, so steps keep meeting the same entities: moves of saved and of pending ones.
const id = fc.integer({ min: 1, max: 4 });
const step = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('addCustomer' as const), id, region: fc.constantFrom(...REGIONS) }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('moveCustomer' as const),
      id,
      region: fc.constantFrom(...REGIONS),
      name: fc.string({ maxLength: 5 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant('removeCustomer' as const), id }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('addOrder' as const), id, year: fc.constantFrom(2023, 2024, 2025) }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('moveOrder' as const),
      id,
      year: fc.constantFrom(2023, 2024, 2025),
      total: fc.integer({ min: 0, max: 999 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant('removeOrder' as const), id }), weight: 1 },
  { arbitrary: fc.constant({ op: 'save' as const }), weight: 3 },
);

it('the shards always equal the in-memory model of the same changes', async () => {
  let runs = 0;
  // Saved entities whose shard key changed: the runs must really move rows between shards.
  let moves = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Storage>('tables', 'databases'),
      fc.constantFrom<Storage>('tables', 'databases'),
      fc.array(step, { minLength: 8, maxLength: 30, size: 'max' }),
      async (cs, os, steps) => {
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
                if (!pending.customers.has(s.id)) break;
                const c = await entity('customers', s.id);
                if (!c) break;
                if (model.customers.get(s.id)?.region !== undefined && model.customers.get(s.id)?.region !== s.region) moves++;
                c.region = s.region;
                c.name = s.name;
                ctx.update(c);
                pending.customers.set(s.id, { ...c });
                break;
              }
              case 'removeCustomer': {
                if (!pending.customers.has(s.id)) break;
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
                if (!pending.orders.has(s.id)) break;
                const o = await entity('orders', s.id);
                if (!o) break;
                if (model.orders.has(s.id) && model.orders.get(s.id)!.orderDate.getUTCFullYear() !== s.year) moves++;
                o.orderDate = new Date(Date.UTC(s.year, 2, 3));
                o.total = s.total;
                ctx.update(o);
                pending.orders.set(s.id, { ...o });
                break;
              }
              case 'removeOrder': {
                if (!pending.orders.has(s.id)) break;
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
          expect(plain(await ctx.customers.orderBy((c: Customer) => c.id).toArray())).toEqual(
            plain([...model.customers.values()].sort((a, b) => a.id - b.id)),
          );
          expect(plain(await ctx.orders.orderBy((o: Order) => o.id).toArray())).toEqual(
            plain([...model.orders.values()].sort((a, b) => a.id - b.id)),
          );
          const tables = stored(dir, cs, os);
          for (const r of REGIONS)
            expect(tables.customers[r]).toEqual(
              [...model.customers.values()]
                .filter((c) => c.region === r)
                .map((c) => c.id)
                .sort((a, b) => a - b),
            );
          for (const y of YEARS)
            expect(tables.orders[y]).toEqual(
              [...model.orders.values()]
                .filter((o) => String(o.orderDate.getUTCFullYear()) === y)
                .map((o) => o.id)
                .sort((a, b) => a - b),
            );
        } finally {
          await ctx.close();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    ),
    {
      numRuns: Number(process.env.DTDE_UOW_RUNS ?? 40),
      // Always also: a saved customer and order moved to another shard, then removed.
      examples: [
        [
          'tables',
          'databases',
          [
            { op: 'addCustomer', id: 1, region: 'EU' },
            { op: 'addOrder', id: 1, year: 2023 },
            { op: 'save' },
            { op: 'moveCustomer', id: 1, region: 'US', name: 'x' },
            { op: 'moveOrder', id: 1, year: 2025, total: 5 },
            { op: 'save' },
            { op: 'removeCustomer', id: 1 },
          ],
        ],
      ],
    },
  );
  expect(runs).toBeGreaterThanOrEqual(40);
  expect(moves).toBeGreaterThan(20);
}, 300_000);
