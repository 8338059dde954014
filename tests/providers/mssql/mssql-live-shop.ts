import sql from 'mssql';
import { mssql, type MssqlProvider, type ShardsBuilder } from '../../../src/index.js';
import { poolConfig } from '../../../src/providers/mssql/mssql-database.js';
import { mssqlDialect } from '../../../src/providers/mssql/mssql-dialect.js';
import { dropMssqlDatabase } from '../../../src/providers/mssql/mssql-maintenance.js';
import { parseMssqlOptions } from '../../../src/providers/mssql/mssql-options.js';
import { Oracle } from '../../e2e/support/oracle.js';
import { shopData, type ShopData } from '../../e2e/support/shop-data.js';
import { Archive, ARCHIVE_SPLIT, Customer, Event, Order, Product, ShopContext } from '../../e2e/support/shop-model.js';
import { BUCKETS, REGIONS, YEARS } from '../../support/shop-model.js';

// The e2e shop on the SQL Server (or Babelfish) that DTDE_MSSQL_URL names: customers in table
// shards of the own database (table mode), orders in one database per year (database mode),
// event buckets as tables in two more databases (mixed). Every database is new, named after the
// process, created with a binary collation (case-sensitive, ordered by UTF-16 code units, which
// for the shop's strings is code-point order, as the in-memory evaluator orders) and dropped at
// the end. Written for SQL Server's documented T-SQL only, so it also runs on Babelfish.

/** The connection string of the live server, or undefined when the live suite is not asked for. */
export const MSSQL_URL = process.env.DTDE_MSSQL_URL;

/** A case- and accent-sensitive collation that orders by code unit, as the evaluator orders strings. */
export const LIVE_COLLATION = 'Latin1_General_100_BIN2';

let counter = 0;

/** A database name no other test or run uses: `dtde_m<pid>_<tag>_<n>`. */
export function liveDatabaseName(tag: string): string {
  return `dtde_m${process.pid}_${tag}_${++counter}`;
}

/** Runs `fn` on a one-connection pool to the live server's `master`. */
export async function withMaster<T>(fn: (pool: sql.ConnectionPool) => Promise<T>): Promise<T> {
  const options = parseMssqlOptions({ connectionString: MSSQL_URL, database: 'master', pool: { max: 1 } });
  const pool = new sql.ConnectionPool(poolConfig(options.endpoint, options));
  pool.on('error', () => undefined);
  await pool.connect();
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

/** Creates fresh databases with the binary collation (without it where the server refuses COLLATE, as Babelfish may). */
export async function createLiveDatabases(names: readonly string[]): Promise<void> {
  await withMaster(async (pool) => {
    for (const name of names) {
      const quoted = mssqlDialect.quoteIdentifier(name);
      await pool
        .request()
        .batch(`CREATE DATABASE ${quoted} COLLATE ${LIVE_COLLATION}`)
        .catch(() => pool.request().batch(`CREATE DATABASE ${quoted}`));
    }
  });
}

/** Drops the databases as the driver's deleteDatabase does, ending other sessions on them first where the server can. */
export async function dropLiveDatabases(names: readonly string[]): Promise<void> {
  for (const name of names) {
    const options = parseMssqlOptions({ connectionString: MSSQL_URL, database: name, pool: { max: 1 } });
    await dropMssqlDatabase(options.endpoint, options);
  }
}

/** A provider on the live server's database `database` (the login and TLS settings of DTDE_MSSQL_URL). */
export function liveProvider(database: string, pool = 8): MssqlProvider {
  // Every string column dtde creates gets the binary collation, and the merge compares in it.
  return mssql({ connectionString: MSSQL_URL, database, pool: { max: pool }, collation: LIVE_COLLATION });
}

/** Where one live shop lives. */
export interface LiveDatabases {
  readonly own: string;
  readonly years: ReadonlyMap<string, string>;
  readonly eventsA: string;
  readonly eventsB: string;
  readonly all: readonly string[];
  shards(s: ShardsBuilder): ShardsBuilder;
}

export function liveDatabases(): LiveDatabases {
  const own = liveDatabaseName('shop');
  const years = new Map(YEARS.map((year) => [year, liveDatabaseName(`orders${year}`)]));
  const eventsA = liveDatabaseName('eventsa');
  const eventsB = liveDatabaseName('eventsb');
  return {
    own,
    years,
    eventsA,
    eventsB,
    all: [own, ...years.values(), eventsA, eventsB],
    shards: (s) =>
      s
        .addShards(...REGIONS)
        .addShardGroup('years', (g) => {
          for (const year of YEARS) g.addShard(year, { database: years.get(year)! });
        })
        .addShardGroup('buckets', (g) =>
          g
            .addTableShardInDatabase(BUCKETS[0], { database: eventsA })
            .addTableShardInDatabase(BUCKETS[1], { database: eventsA })
            .addTableShardInDatabase(BUCKETS[2], { database: eventsB })
            .addTableShardInDatabase(BUCKETS[3], { database: eventsB }),
        ),
  };
}

/** The loaded live shop, the shape the e2e tests' `openShop()` returns. */
export interface LiveShop {
  readonly ctx: ShopContext;
  readonly databases: LiveDatabases;
  readonly data: ShopData;
  readonly oracle: Oracle;
  close(): Promise<void>;
}

/**
 * The e2e shop on the live server in fresh databases: created (the shard databases by
 * `ensureCreated` itself when the server lets the login create databases; here beforehand, for
 * the collation), loaded with `shopData()` and the two archive tables, and an oracle over the same rows.
 */
export async function openLiveShop(options: { maxParallelShards?: number; seed?: number; size?: number } = {}): Promise<LiveShop> {
  const databases = liveDatabases();
  await createLiveDatabases(databases.all);
  const ctx = new ShopContext({
    provider: liveProvider(databases.own),
    maxParallelShards: options.maxParallelShards ?? 4,
    shards: (s) => databases.shards(s),
  });
  const close = async () => {
    await ctx.close();
    await dropLiveDatabases(databases.all);
  };
  try {
    await ctx.ensureCreated();
    const data = shopData(options.seed, options.size);
    await ctx.bulkInsert(Customer, data.customers);
    await ctx.bulkInsert(Order, data.orders);
    await ctx.bulkInsert(Event, data.events);
    await ctx.bulkInsert(Product, data.products);
    await createArchiveTables(databases.own, data.archive);
    const oracle = new Oracle([
      [Customer, data.customers],
      [Order, data.orders],
      [Event, data.events],
      [Product, data.products],
      [Archive, data.archive],
    ]);
    return { ctx, databases, data, oracle, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The manual-sharding tables exist before dtde: created and filled here with plain T-SQL. */
async function createArchiveTables(database: string, rows: readonly Archive[]): Promise<void> {
  const options = parseMssqlOptions({ connectionString: MSSQL_URL, database, pool: { max: 1 } });
  const pool = new sql.ConnectionPool(poolConfig(options.endpoint, options));
  pool.on('error', () => undefined);
  await pool.connect();
  try {
    for (const [table, part] of [
      ['ArchiveOld', rows.filter((r) => r.orderDate < ARCHIVE_SPLIT)],
      ['ArchiveNew', rows.filter((r) => r.orderDate >= ARCHIVE_SPLIT)],
    ] as const) {
      await pool
        .request()
        .batch(
          `CREATE TABLE [${table}] ([id] int NOT NULL PRIMARY KEY, [orderDate] datetime2(7) NOT NULL, [total] decimal(12,2) NOT NULL)`,
        );
      for (const row of part) {
        await pool
          .request()
          .input('id', sql.Int, row.id)
          .input('at', sql.DateTime2(7), row.orderDate)
          .input('total', sql.Decimal(12, 2), row.total)
          .query(`INSERT INTO [${table}] ([id], [orderDate], [total]) VALUES (@id, @at, @total)`);
      }
    }
  } finally {
    await pool.close();
  }
}
