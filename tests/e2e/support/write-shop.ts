import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgres } from '../../../src/providers/postgres/postgres-provider.js';
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

/** Where a write shop lives: a folder of SQLite files, or PostgreSQL databases given by URL. */
export type WriteShopPlace =
  | { readonly kind: 'sqlite'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly own: string; readonly years: Readonly<Record<string, string>> };

/** The write shop over `place`: on PostgreSQL the own database holds the customers, each year's URL its orders. */
export function openWriteShopAt(place: WriteShopPlace, options: Omit<DtdeContextOptions, 'provider' | 'shards'> = {}): WriteShop {
  if (place.kind === 'sqlite') return openWriteShop(place.dir, options);
  return new WriteShop({
    ...options,
    provider: postgres({ url: place.own }),
    shards: (s) =>
      s.addShards(...REGIONS).addShardGroup('years', (g) => {
        for (const y of YEARS) g.addShard(y, { url: place.years[y] });
      }),
  });
}

/** Every row of every shard table of `place`, by table, read with the raw drivers. */
export async function tableRowsAt(place: WriteShopPlace): Promise<Record<string, Record<string, unknown>[]>> {
  if (place.kind === 'sqlite') return tableRows(place.dir);
  const rows: Record<string, Record<string, unknown>[]> = {};
  const read = async (url: string, table: string, label: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      rows[label] = (await client.query(`SELECT * FROM "${table}" ORDER BY "id"`)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  for (const r of REGIONS) await read(place.own, `Customers_${r}`, `Customers_${r}`);
  for (const y of YEARS) await read(place.years[y], 'Orders', `Orders@${y}`);
  return rows;
}

export function openWriteShop(
  dir: string,
  options: Omit<DtdeContextOptions, 'provider' | 'shards'> & { readOnlyShard?: string } = {},
): WriteShop {
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
  Object.assign(new Customer(), {
    id,
    region,
    name,
    email: null,
    createdAt: new Date(Date.UTC(2024, 0, id)),
    vip: false,
    score: id,
    rating: null,
  });

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
