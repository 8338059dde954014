// A sharded SQLite shop for the benchmarks, plus the same rows in one unsharded table per entity
// (the raw-driver baseline), built once in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bulkLoad, DtdeContext, type ModelBuilder, type ShardsBuilder, sqlite } from '../src/index.js';

export class Customer {
  id!: number;
  region!: string;
  name!: string;
  email!: string | null;
  createdAt!: Date;
}

export class Order {
  id!: number;
  customerId!: number;
  orderDate!: Date;
  total!: number;
  status!: string;
}

export class ShopContext extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.email).string(200).nullable();
      e.property((c) => c.createdAt).dateTime();
      e.shardBy((c) => c.region).withStorageMode('tables'); // Customers_EU, ... in shop.db
    });
    mb.entity(Order, (e) => {
      e.toTable('Orders');
      e.key((o) => o.id);
      e.property((o) => o.id).int();
      e.property((o) => o.customerId).int();
      e.property((o) => o.orderDate).dateTime();
      e.property((o) => o.total).decimal(12, 2);
      e.property((o) => o.status).string(16);
      e.shardByDate((o) => o.orderDate, 'year').withStorageMode('databases').useShardGroup('years'); // orders-2023.db, ...
    });
  }
}

export const REGIONS = ['EU', 'US', 'APAC', 'LATAM'];
export const YEARS = ['2023', '2024', '2025'];
export const STATUSES = ['new', 'paid', 'shipped', 'cancelled'];
const FIRST = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'Edsger', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];

/** Deterministic pseudo-random numbers (mulberry32), so every run loads the same rows. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeCustomers(count: number, rnd: () => number): Customer[] {
  return Array.from({ length: count }, (_, i) => {
    const id = i + 1;
    // A numeric suffix keeps names mostly distinct, so ORDER BY name does real work.
    const name = `${FIRST[Math.floor(rnd() * FIRST.length)]} ${LAST[Math.floor(rnd() * LAST.length)]} ${Math.floor(rnd() * 10_000)}`;
    return Object.assign(new Customer(), {
      id,
      region: REGIONS[Math.floor(rnd() * REGIONS.length)],
      name,
      email: rnd() < 0.1 ? null : `c${id}@example.com`,
      createdAt: new Date(Date.UTC(2022, 0, 1) + Math.floor(rnd() * 3 * 365 * 86_400_000)),
    });
  });
}

export function makeOrders(count: number, customers: number, rnd: () => number): Order[] {
  return Array.from({ length: count }, (_, i) =>
    Object.assign(new Order(), {
      id: i + 1,
      customerId: 1 + Math.floor(rnd() * customers),
      // 2023-01-01 .. 2025-12-31: the three yearly shards.
      orderDate: new Date(Date.UTC(2023, 0, 1) + Math.floor(rnd() * 3 * 365 * 86_400_000)),
      total: Math.round(rnd() * 50_000) / 100,
      status: STATUSES[Math.floor(rnd() * STATUSES.length)],
    }),
  );
}

/** The unsharded tables, with the same column types, storage (ISO text dates, REAL decimals) and keys dtde creates. */
export const BASELINE_DDL = [
  `CREATE TABLE "Customers" ("id" INTEGER NOT NULL, "region" TEXT NOT NULL, "name" TEXT NOT NULL, "email" TEXT, "createdAt" TEXT NOT NULL, PRIMARY KEY ("id"))`,
  `CREATE TABLE "Orders" ("id" INTEGER NOT NULL, "customerId" INTEGER NOT NULL, "orderDate" TEXT NOT NULL, "total" REAL NOT NULL, "status" TEXT NOT NULL, PRIMARY KEY ("id"))`,
];

/** Writes the rows into one unsharded table per entity with prepared single-row INSERTs, one transaction per table. */
export function loadBaseline(db: Database.Database, customers: readonly Customer[], orders: readonly Order[]): void {
  for (const ddl of BASELINE_DDL) db.exec(ddl);
  const insertCustomer = db.prepare(`INSERT INTO "Customers" VALUES (?, ?, ?, ?, ?)`);
  const insertOrder = db.prepare(`INSERT INTO "Orders" VALUES (?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (const c of customers) insertCustomer.run(c.id, c.region, c.name, c.email, c.createdAt.toISOString());
  })();
  db.transaction(() => {
    for (const o of orders) insertOrder.run(o.id, o.customerId, o.orderDate.toISOString(), o.total, o.status);
  })();
}

/** A temp folder removed by `dispose()`. */
export function tempFolder(prefix: string): { readonly dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Shop {
  readonly dir: string;
  readonly customers: readonly Customer[];
  readonly orders: readonly Order[];
  /** The sharded shop, default maxParallelShards (8). */
  readonly parallel: ShopContext;
  /** The same files through a second context with maxParallelShards: 1. */
  readonly sequential: ShopContext;
  /** The unsharded copy, through a read-only connection. */
  readonly baseline: Database.Database;
  close(): Promise<void>;
}

/** Builds the sharded shop (bulkLoad) and the unsharded baseline from the same rows. */
export async function buildShop(customerCount: number, orderCount: number): Promise<Shop> {
  const folder = tempFolder('dtde-bench-shop-');
  const rnd = random(2026);
  const customers = makeCustomers(customerCount, rnd);
  const orders = makeOrders(orderCount, customerCount, rnd);
  const file = path.join(folder.dir, 'shop.db');
  const shards = (s: ShardsBuilder) =>
    s.addShards(...REGIONS).addShardGroup('years', (g) => {
      for (const y of YEARS) g.addShard(y, { file: `orders-${y}.db` });
    });
  const parallel = new ShopContext({ provider: sqlite({ file }), shards });
  await parallel.ensureCreated();
  await bulkLoad(parallel, Customer, customers);
  await bulkLoad(parallel, Order, orders);
  const sequential = new ShopContext({ provider: sqlite({ file }), shards, maxParallelShards: 1 });

  // Loaded through a writer that stays open, queried through a read-only connection: the same
  // arrangement as dtde's write connection and read pool.
  const baselineFile = path.join(folder.dir, 'baseline.db');
  const writer = new Database(baselineFile);
  writer.pragma('journal_mode = WAL');
  loadBaseline(writer, customers, orders);
  const baseline = new Database(baselineFile, { readonly: true });

  return {
    dir: folder.dir,
    customers,
    orders,
    parallel,
    sequential,
    baseline,
    async close() {
      baseline.close();
      writer.close();
      await sequential.close();
      await parallel.close();
      folder.dispose();
    },
  };
}
