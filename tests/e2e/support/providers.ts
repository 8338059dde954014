import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqlite, type DtdeProvider, type ShardsBuilder } from '../../../src/index.js';
import { postgres } from '../../../src/providers/postgres/postgres-provider.js';
import { BUCKETS, REGIONS, YEARS } from '../../support/shop-model.js';
import {
  createDatabases,
  dropDatabases,
  freshDatabaseName,
  postgresServers,
  withClient,
  withDatabase,
} from '../../support/postgres-servers.js';
import { Oracle } from './oracle.js';
import { shopData, type ShopData } from './shop-data.js';
import { Archive, Customer, Event, Order, Product, ShopContext } from './shop-model.js';

// The engines the end-to-end tests run on. Each factory gives a fresh, empty place for one test
// (a temp folder of SQLite files; new databases on the two PostgreSQL servers), the shop's shard
// layout in that engine's terms, and the raw SQL a test needs to set up what dtde does not create
// (the manual archive tables). `openShopOn(name)` loads the shop on any of them.

export type E2eProviderName = 'sqlite' | 'postgres';

/** Where one test's shop lives, on one engine. */
export interface E2eDatabases {
  readonly name: E2eProviderName;
  /** A new provider over these databases (each context owns its own). */
  provider(): DtdeProvider;
  /**
   * The shop's shards: customers in table shards of the own database; orders in one database
   * per year (database mode); event buckets as tables in two other databases (mixed mode).
   * On PostgreSQL the year and event databases are spread over both servers.
   */
  shards(s: ShardsBuilder): ShardsBuilder;
  /** Creates and fills the pre-existing archive tables (manual sharding) in the own database. */
  createArchiveTables(rows: readonly Archive[]): Promise<void>;
  /** Removes every database and file; call after the contexts are closed. */
  dispose(): Promise<void>;
}

export interface E2eProvider {
  readonly name: E2eProviderName;
  /** Fresh, empty databases for one test (PostgreSQL: `CREATE DATABASE` happens in ensureCreated). */
  open(): Promise<E2eDatabases>;
}

const sqliteProvider: E2eProvider = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'dtde-e2e-'));
    const file = join(dir, 'shop.db');
    return {
      name: 'sqlite',
      provider: () => sqlite({ file }),
      shards: (s) =>
        s
          .addShards(...REGIONS)
          .addShardGroup('years', (g) => {
            for (const year of YEARS) g.addShard(year, { file: `orders-${year}.db` });
          })
          .addShardGroup('buckets', (g) =>
            g
              .addTableShardInDatabase(BUCKETS[0], { file: 'events-a.db' })
              .addTableShardInDatabase(BUCKETS[1], { file: 'events-a.db' })
              .addTableShardInDatabase(BUCKETS[2], { file: 'events-b.db' })
              .addTableShardInDatabase(BUCKETS[3], { file: 'events-b.db' }),
          ),
      async createArchiveTables(rows) {
        const db = new Database(file);
        try {
          for (const table of ['ArchiveOld', 'ArchiveNew']) {
            db.exec(`CREATE TABLE "${table}" ("id" INTEGER PRIMARY KEY, "orderDate" TEXT NOT NULL, "total" REAL NOT NULL)`);
          }
          const insert = (table: string) => db.prepare(`INSERT INTO "${table}" VALUES (?, ?, ?)`);
          const old = insert('ArchiveOld');
          const recent = insert('ArchiveNew');
          db.transaction(() => {
            for (const r of rows) (r.orderDate < ARCHIVE_SPLIT_TIME ? old : recent).run(r.id, r.orderDate.toISOString(), r.total);
          })();
        } finally {
          db.close();
        }
      },
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const ARCHIVE_SPLIT_TIME = new Date('2020-01-01T00:00:00Z');

const postgresProvider: E2eProvider = {
  name: 'postgres',
  async open() {
    const { main, second } = postgresServers();
    const own = freshDatabaseName('shop');
    // Years 2023 and 2025 and the events-b bucket pair on the second server, the rest on the main.
    const years = new Map(
      YEARS.map((year, i) => [year, { server: i % 2 === 0 ? second : main, database: freshDatabaseName(`orders${year}`) }]),
    );
    const eventsA = { server: main, database: freshDatabaseName('eventsa') };
    const eventsB = { server: second, database: freshDatabaseName('eventsb') };
    const ref = (place: { server: string; database: string }) => ({ url: withDatabase(place.server, place.database) });
    // The own database exists before ensureCreated, as an application's usually does; the shard
    // databases are created by ensureCreated (CREATE DATABASE through the maintenance database).
    await createDatabases(main, [own]);
    return {
      name: 'postgres',
      provider: () => postgres({ url: withDatabase(main, own), pool: { max: 8 } }),
      shards: (s) =>
        s
          .addShards(...REGIONS)
          .addShardGroup('years', (g) => {
            for (const year of YEARS) g.addShard(year, ref(years.get(year)!));
          })
          .addShardGroup('buckets', (g) =>
            g
              .addTableShardInDatabase(BUCKETS[0], ref(eventsA))
              .addTableShardInDatabase(BUCKETS[1], ref(eventsA))
              .addTableShardInDatabase(BUCKETS[2], ref(eventsB))
              .addTableShardInDatabase(BUCKETS[3], ref(eventsB)),
          ),
      async createArchiveTables(rows) {
        await withClient(withDatabase(main, own), async (client) => {
          for (const table of ['ArchiveOld', 'ArchiveNew']) {
            await client.query(
              `CREATE TABLE "${table}" ("id" integer PRIMARY KEY, "orderDate" timestamptz NOT NULL, "total" numeric(12,2) NOT NULL)`,
            );
          }
          for (const [table, part] of [
            ['ArchiveOld', rows.filter((r) => r.orderDate < ARCHIVE_SPLIT_TIME)],
            ['ArchiveNew', rows.filter((r) => r.orderDate >= ARCHIVE_SPLIT_TIME)],
          ] as const) {
            if (part.length === 0) continue;
            const values = part.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ');
            await client.query(
              `INSERT INTO "${table}" VALUES ${values}`,
              part.flatMap((r) => [r.id, r.orderDate.toISOString(), r.total]),
            );
          }
        });
      },
      async dispose() {
        const onMain = [own, eventsA.database, ...[...years.values()].filter((p) => p.server === main).map((p) => p.database)];
        const onSecond = [eventsB.database, ...[...years.values()].filter((p) => p.server === second).map((p) => p.database)];
        await dropDatabases(main, onMain);
        await dropDatabases(second, onSecond);
      },
    };
  },
};

/** The engines, by name. */
export const E2E_PROVIDERS: Readonly<Record<E2eProviderName, E2eProvider>> = { sqlite: sqliteProvider, postgres: postgresProvider };

/** A loaded shop on one engine, the shape `openShop()` returns. */
export interface ShopOn {
  readonly ctx: ShopContext;
  readonly databases: E2eDatabases;
  readonly data: ShopData;
  readonly oracle: Oracle;
  close(): Promise<void>;
}

/**
 * The e2e shop on `name`'s engine in fresh databases: created, loaded with `shopData()` and with
 * the two archive tables, and an oracle over the same rows.
 */
export async function openShopOn(
  name: E2eProviderName,
  options: { maxParallelShards?: number; seed?: number; size?: number } = {},
): Promise<ShopOn> {
  const databases = await E2E_PROVIDERS[name].open();
  const ctx = new ShopContext({
    provider: databases.provider(),
    maxParallelShards: options.maxParallelShards ?? 4,
    shards: (s) => databases.shards(s),
  });
  try {
    await ctx.ensureCreated();
    const data = shopData(options.seed, options.size);
    await ctx.bulkInsert(Customer, data.customers);
    await ctx.bulkInsert(Order, data.orders);
    await ctx.bulkInsert(Event, data.events);
    await ctx.bulkInsert(Product, data.products);
    await databases.createArchiveTables(data.archive);
    const oracle = new Oracle([
      [Customer, data.customers],
      [Order, data.orders],
      [Event, data.events],
      [Product, data.products],
      [Archive, data.archive],
    ]);
    return {
      ctx,
      databases,
      data,
      oracle,
      async close() {
        await ctx.close();
        await databases.dispose();
      },
    };
  } catch (error) {
    await ctx.close();
    await databases.dispose();
    throw error;
  }
}
