import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqlite } from '../../../src/index.js';
import { Oracle } from './oracle.js';
import { shopData, type ShopData } from './shop-data.js';
import { Archive, Customer, Event, Order, Product, ShopContext, shopShards } from './shop-model.js';

export interface OpenShop {
  readonly ctx: ShopContext;
  readonly dir: string;
  readonly file: string;
  readonly data: ShopData;
  readonly oracle: Oracle;
  close(): Promise<void>;
}

/**
 * A sharded shop in a fresh temp folder: customers in table shards of the main file, orders in one
 * file per year, events in table shards spread over two other files, products unsharded, and
 * two pre-existing archive tables for manual sharding. Loaded with `shopData()`.
 */
export async function openShop(options: { maxParallelShards?: number; seed?: number; size?: number } = {}): Promise<OpenShop> {
  const dir = mkdtempSync(join(tmpdir(), 'dtde-e2e-'));
  const file = join(dir, 'shop.db');
  const ctx = new ShopContext({
    provider: sqlite({ file }),
    maxParallelShards: options.maxParallelShards ?? 4,
    shards: shopShards,
  });
  await ctx.ensureCreated();
  const data = shopData(options.seed, options.size);
  await ctx.bulkInsert(Customer, data.customers);
  await ctx.bulkInsert(Order, data.orders);
  await ctx.bulkInsert(Event, data.events);
  await ctx.bulkInsert(Product, data.products);
  createArchiveTables(file, data.archive);
  const oracle = new Oracle([
    [Customer, data.customers],
    [Order, data.orders],
    [Event, data.events],
    [Product, data.products],
    [Archive, data.archive],
  ]);
  return {
    ctx,
    dir,
    file,
    data,
    oracle,
    async close() {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Manual-mode tables exist before dtde: create and fill them with the raw driver. */
function createArchiveTables(file: string, rows: readonly Archive[]): void {
  const db = new Database(file);
  try {
    for (const table of ['ArchiveOld', 'ArchiveNew']) {
      db.exec(`CREATE TABLE "${table}" ("id" INTEGER PRIMARY KEY, "orderDate" TEXT NOT NULL, "total" REAL NOT NULL)`);
    }
    const insert = (table: string) => db.prepare(`INSERT INTO "${table}" VALUES (?, ?, ?)`);
    const old = insert('ArchiveOld');
    const recent = insert('ArchiveNew');
    db.transaction(() => {
      for (const r of rows) (r.orderDate.getTime() < Date.UTC(2020, 0, 1) ? old : recent).run(r.id, r.orderDate.toISOString(), r.total);
    })();
  } finally {
    db.close();
  }
}
