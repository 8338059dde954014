import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DtdeContext, type DtdeContextOptions, type ModelBuilder, sqlite } from '../../../src/index.js';
import { Account, configureAccount, configureCustomer, configureOrder, Customer, Order, REGIONS, YEARS } from '../../support/shop-model.js';

// The shop the write tests use: customers in table shards of shop.db (one database), orders in one
// file per year (a database each), accounts unsharded in shop.db. A save that touches customers
// and orders of two years spans three databases.
export { Account, Customer, Order, REGIONS, YEARS } from '../../support/shop-model.js';

export class WriteShop extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);
  accounts = this.set(Account);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, configureCustomer)
      .entity(Order, (e) => configureOrder(e, { storage: 'databases' }))
      .entity(Account, configureAccount);
  }
}

export function openWriteShop(dir: string, options: Omit<DtdeContextOptions, 'provider' | 'shards'> & { readOnlyShard?: string } = {}): WriteShop {
  const { readOnlyShard, ...rest } = options;
  return new WriteShop({
    ...rest,
    provider: sqlite({ file: join(dir, 'shop.db') }),
    shards: (s) => {
      s.addShards(...REGIONS);
      if (readOnlyShard !== undefined) s.addShard(readOnlyShard).readOnly();
      return s.addShardGroup('years', (g) => {
        for (const year of YEARS) g.addShard(year, { file: `orders-${year}.db` });
      });
    },
  });
}

export const customer = (id: number, region: string, name = `c${id}`): Customer =>
  Object.assign(new Customer(), { id, region, name, email: null, createdAt: new Date(Date.UTC(2024, 0, id)), vip: false, score: id, rating: null });

export const order = (id: number, year: number, total = 10): Order =>
  Object.assign(new Order(), { id, customerId: 1, orderDate: new Date(Date.UTC(year, 5, 1)), total, status: 'new', note: null });

/** Every row of every shard table, read with the raw driver, by table: what each shard really holds. */
export function tableRows(dir: string): Record<string, Record<string, unknown>[]> {
  const rows: Record<string, Record<string, unknown>[]> = {};
  const read = (file: string, table: string, label: string) => {
    const db = new Database(join(dir, file), { readonly: true });
    try {
      rows[label] = db.prepare(`SELECT * FROM "${table}" ORDER BY "id"`).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };
  for (const r of REGIONS) read('shop.db', `Customers_${r}`, `Customers_${r}`);
  for (const y of YEARS) read(`orders-${y}.db`, 'Orders', `Orders@${y}`);
  return rows;
}

/** Row counts per shard table. */
export function tableCounts(dir: string): Record<string, number> {
  return Object.fromEntries(Object.entries(tableRows(dir)).map(([table, rows]) => [table, rows.length]));
}
