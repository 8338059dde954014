// The SQLite data every SQLite scenario reads, built once per run in a temp folder:
// - shop.db: customers value-sharded by region into 4 table shards (Customers_EU, Customers_US, ...),
//   the same number of rows in each, loaded through dtde;
// - fan16.db: the same customers hash-sharded by id into 16 table shards (CustomersH_h0 ...);
// - baseline.db: the same customers in one unsharded "Customers" table, loaded with the raw driver.
// Queries through Kysely and Drizzle read the very tables dtde reads (Customers_US in shop.db).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DtdeContext, type ModelBuilder, sqlite } from '../src/index.js';

export class Customer {
  id!: number;
  region!: string;
  name!: string;
  email!: string | null;
  createdAt!: Date;
}

/** The same rows as `Customer`, hash-sharded by id (16 shards). */
export class HashedCustomer {
  id!: number;
  region!: string;
  name!: string;
  email!: string | null;
  createdAt!: Date;
}

export const REGIONS = ['EU', 'US', 'APAC', 'LATAM'] as const;
export const HASH_SHARDS = Array.from({ length: 16 }, (_, i) => `h${i}`);
export const CUSTOMER_COLUMNS = `"id", "region", "name", "email", "createdAt"`;

export class ShopContext extends DtdeContext {
  customers = this.set(Customer);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, (e) => {
      e.toTable('Customers');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.email)
        .string(200)
        .nullable();
      e.property((c) => c.createdAt).dateTime();
      e.shardBy((c) => c.region).withStorageMode('tables');
    });
  }
}

export class HashedShopContext extends DtdeContext {
  customers = this.set(HashedCustomer);

  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(HashedCustomer, (e) => {
      e.toTable('CustomersH');
      e.key((c) => c.id);
      e.property((c) => c.id).int();
      e.property((c) => c.region).string(8);
      e.property((c) => c.name).string(200);
      e.property((c) => c.email)
        .string(200)
        .nullable();
      e.property((c) => c.createdAt).dateTime();
      e.shardByHash((c) => c.id, HASH_SHARDS.length).withStorageMode('tables');
    });
  }
}

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

/** `count` customers, regions in turn (so each region holds count / 4), names mostly distinct. */
export function makeCustomers(count: number, seed = 2026, firstId = 1): Customer[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    const name = `${FIRST[Math.floor(rnd() * FIRST.length)]} ${LAST[Math.floor(rnd() * LAST.length)]} ${Math.floor(rnd() * 100_000)}`;
    return Object.assign(new Customer(), {
      id,
      region: REGIONS[i % REGIONS.length]!,
      name,
      email: rnd() < 0.1 ? null : `c${id}@example.com`,
      createdAt: new Date(Date.UTC(2022, 0, 1) + Math.floor(rnd() * 3 * 365 * 86_400_000)),
    });
  });
}

/** A temp folder removed by `dispose()`. */
export function tempFolder(prefix: string): { readonly dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SqliteShop {
  readonly dir: string;
  readonly customers: readonly Customer[];
  readonly shop: ShopContext;
  readonly hashed: HashedShopContext;
  /** Read-only raw connections: shop.db (the shard tables) and baseline.db (one unsharded table). */
  readonly shopDb: Database.Database;
  readonly baselineDb: Database.Database;
  close(): Promise<void>;
}

/** Builds the three files from the same `4 × perRegion` customers. */
export async function buildSqliteShop(perRegion: number): Promise<SqliteShop> {
  const folder = tempFolder('dtde-bench-');
  const customers = makeCustomers(perRegion * REGIONS.length);
  const shop = new ShopContext({
    provider: sqlite({ file: path.join(folder.dir, 'shop.db') }),
    shards: (s) => s.addShards(...REGIONS),
  });
  await shop.ensureCreated();
  await shop.bulkInsert(Customer, customers);
  // An ordered merge opens one stream per shard: the pool holds all 16.
  const hashed = new HashedShopContext({
    provider: sqlite({ file: path.join(folder.dir, 'fan16.db'), readPoolSize: 16 }),
    shards: (s) => s.addShards(...HASH_SHARDS),
  });
  await hashed.ensureCreated();
  await hashed.bulkInsert(
    HashedCustomer,
    customers.map((c) => Object.assign(new HashedCustomer(), c)),
  );

  const baselineFile = path.join(folder.dir, 'baseline.db');
  const writer = new Database(baselineFile);
  writer.pragma('journal_mode = WAL');
  writer.exec(
    `CREATE TABLE "Customers" ("id" INTEGER NOT NULL, "region" TEXT NOT NULL, "name" TEXT NOT NULL, "email" TEXT, "createdAt" TEXT NOT NULL, PRIMARY KEY ("id"))`,
  );
  const insert = writer.prepare(`INSERT INTO "Customers" VALUES (?, ?, ?, ?, ?)`);
  writer.transaction(() => {
    for (const c of customers) insert.run(c.id, c.region, c.name, c.email, c.createdAt.toISOString());
  })();
  writer.close();

  const shopDb = new Database(path.join(folder.dir, 'shop.db'), { readonly: true });
  const baselineDb = new Database(baselineFile, { readonly: true });
  return {
    dir: folder.dir,
    customers,
    shop,
    hashed,
    shopDb,
    baselineDb,
    async close() {
      shopDb.close();
      baselineDb.close();
      await hashed.close();
      await shop.close();
      folder.dispose();
    },
  };
}
