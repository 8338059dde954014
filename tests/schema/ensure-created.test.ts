import { describe, expect, it } from 'vitest';
import { DtdeContext } from '../../src/context/dtde-context.js';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { DtdeInvalidOperationError } from '../../src/errors/dtde-invalid-operation-error.js';
import type { ModelBuilder } from '../../src/metadata/model-builder.js';
import type { ShardGroupBuilder } from '../../src/metadata/shard-group-builder.js';
import type { ShardsBuilder } from '../../src/metadata/shards-builder.js';
import { sqlite } from '../../src/providers/sqlite/sqlite-provider.js';
import { Customer } from '../support/shop-model.js';
import { columnsOf, databaseFiles, execIn, rowsOf, ShopContext, tablesIn, useContextFolder } from './schema-fixtures.js';

const dir = useContextFolder();
const years = (g: ShardGroupBuilder) => g.addShard('2024', { file: 'orders-2024.db' }).addShard('2025', { file: 'orders-2025.db' });

function shop(shards: (s: ShardsBuilder) => ShardsBuilder, extra: { readPoolSize?: number; maxParallelShards?: number } = {}): ShopContext {
  const provider = sqlite({ file: dir.file('main.db'), ...(extra.readPoolSize === undefined ? {} : { readPoolSize: extra.readPoolSize }) });
  return dir.track(
    new ShopContext({ provider, shards, ...(extra.maxParallelShards === undefined ? {} : { maxParallelShards: extra.maxParallelShards }) }),
  );
}

describe('ensureCreated', () => {
  it('table mode, database mode, unsharded: exactly the expected tables in the expected files; manual tables absent', async () => {
    const ctx = shop((s) => s.addShards('EU', 'US').addShardGroup('years', years));
    await ctx.ensureCreated();
    expect(databaseFiles(dir.folder())).toEqual(['main.db', 'orders-2024.db', 'orders-2025.db']);
    // Customers in table shards in the main file; the unsharded Products table there too.
    // The manual tables ArchiveOld and ArchiveNew are not created: manual tables pre-exist and belong to the user.
    expect(tablesIn(dir.file('main.db'))).toEqual(['Customers_EU', 'Customers_US', 'Products']);
    // Orders in database mode: the entity's own table name, one file per shard.
    expect(tablesIn(dir.file('orders-2024.db'))).toEqual(['Orders']);
    expect(tablesIn(dir.file('orders-2025.db'))).toEqual(['Orders']);
  });

  it('creates columns with types, nullability, primary key and identity from the model', async () => {
    const ctx = shop((s) => s.addShards('EU').addShardGroup('years', years));
    await ctx.ensureCreated();
    expect(columnsOf(dir.file('main.db'), 'Customers_EU')).toEqual([
      'id INTEGER NOT NULL PK1',
      'region TEXT NOT NULL',
      'name TEXT NOT NULL',
      'email TEXT',
      'createdAt TEXT NOT NULL',
      'vip INTEGER NOT NULL',
      'score INTEGER NOT NULL',
      'rating INTEGER',
    ]);
    expect(columnsOf(dir.file('orders-2024.db'), 'Orders')).toEqual([
      'id INTEGER NOT NULL PK1',
      'customerId INTEGER NOT NULL',
      'orderDate TEXT NOT NULL',
      'total REAL NOT NULL',
      'status TEXT NOT NULL',
      'note TEXT',
    ]);
    // The generated key is an AUTOINCREMENT identity.
    execIn(
      dir.file('orders-2024.db'),
      `INSERT INTO "Orders" ("customerId", "orderDate", "total", "status") VALUES (1, '2024-01-01T00:00:00.000Z', 1, 'new')`,
    );
    expect(rowsOf(dir.file('orders-2024.db'), 'Orders')[0].id).toBe(1);
  });

  it('mixed mode: addTableShardInDatabase puts the patterned shard table in its own file', async () => {
    const ctx = shop((s) => s.addShards('EU').addTableShardInDatabase('LATAM', { file: 'latam.db' }).addShardGroup('years', years));
    await ctx.ensureCreated();
    expect(databaseFiles(dir.folder())).toEqual(['latam.db', 'main.db', 'orders-2024.db', 'orders-2025.db']);
    expect(tablesIn(dir.file('main.db'))).toEqual(['Customers_EU', 'Products']);
    expect(tablesIn(dir.file('latam.db'))).toEqual(['Customers_LATAM']);
  });

  it('is idempotent: a second call changes nothing and keeps the rows', async () => {
    const ctx = shop((s) => s.addShards('EU', 'US').addShardGroup('years', years));
    await ctx.ensureCreated();
    execIn(dir.file('main.db'), `INSERT INTO "Customers_EU" VALUES (1, 'EU', 'Ann', NULL, '2024-01-01T00:00:00.000Z', 0, 10, NULL)`);
    await ctx.ensureCreated();
    expect(tablesIn(dir.file('main.db'))).toEqual(['Customers_EU', 'Customers_US', 'Products']);
    expect(rowsOf(dir.file('main.db'), 'Customers_EU')).toHaveLength(1);
    // A second context over the same files agrees.
    await shop((s) => s.addShards('EU', 'US').addShardGroup('years', years)).ensureCreated();
    expect(databaseFiles(dir.folder())).toEqual(['main.db', 'orders-2024.db', 'orders-2025.db']);
  });
});

describe('ensureDeleted', () => {
  it('drops tables in the main file, deletes shard database files, and leaves manual tables and other tables alone', async () => {
    const ctx = shop((s) => s.addShards('EU', 'US').addTableShardInDatabase('LATAM', { file: 'latam.db' }).addShardGroup('years', years));
    await ctx.ensureCreated();
    execIn(
      dir.file('main.db'),
      `CREATE TABLE "ArchiveOld" ("id" INTEGER PRIMARY KEY, "orderDate" TEXT, "total" REAL); INSERT INTO "ArchiveOld" VALUES (1, '2019-05-01T00:00:00.000Z', 5); CREATE TABLE "Mine" ("x" INTEGER)`,
    );
    await ctx.ensureDeleted();
    expect(databaseFiles(dir.folder())).toEqual(['main.db']);
    expect(tablesIn(dir.file('main.db'))).toEqual(['ArchiveOld', 'Mine']);
    expect(rowsOf(dir.file('main.db'), 'ArchiveOld')).toEqual([{ id: 1, orderDate: '2019-05-01T00:00:00.000Z', total: 5 }]);
    // Idempotent, and ensureCreated brings everything back.
    await ctx.ensureDeleted();
    await ctx.ensureCreated();
    expect(databaseFiles(dir.folder())).toEqual(['latam.db', 'main.db', 'orders-2024.db', 'orders-2025.db']);
    expect(tablesIn(dir.file('main.db'))).toEqual(['ArchiveOld', 'Customers_EU', 'Customers_US', 'Mine', 'Products']);
  });

  it('does nothing when nothing was ever created', async () => {
    const ctx = shop((s) => s.addShards('EU').addShardGroup('years', years));
    await ctx.ensureDeleted();
    expect(databaseFiles(dir.folder())).toEqual([]);
  });
});

describe('maxParallelShards against the pool size', () => {
  it('refuses, at ensureCreated, more concurrent streams on one file than its pool holds, naming both numbers and the fix', async () => {
    const ctx = shop((s) => s.addShards('EU', 'US', 'APAC').addShardGroup('years', years), { readPoolSize: 2, maxParallelShards: 8 });
    const error = await ctx.ensureCreated().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    expect((error as DtdeConfigurationError).path).toBe('options.maxParallelShards');
    expect((error as Error).message).toBe(
      `options.maxParallelShards: Customer has 3 shards in database "${dir.file('main.db')}", so one query can stream from 3 of them at once ` +
        '(maxParallelShards is 8), but the sqlite pool for that database holds 2 connections. ' +
        'Raise the pool size to at least 3 (sqlite({ file, readPoolSize: 3 })) or lower maxParallelShards to 2.',
    );
    expect(databaseFiles(dir.folder())).toEqual([]); // refused before any I/O
  });

  it('counts min(maxParallelShards, shards in the file): fits when either is small enough; database shards need one each', async () => {
    // 3 table shards in main.db, at most 2 at once: fits a pool of 2.
    await shop((s) => s.addShards('EU', 'US', 'APAC').addShardGroup('years', years), {
      readPoolSize: 2,
      maxParallelShards: 2,
    }).ensureCreated();
    // 2 table shards, pool of 2, maxParallelShards 8: at most 2 at once. Orders' shards have a file each.
    await shop((s) => s.addShards('EU', 'US').addShardGroup('years', years), { readPoolSize: 2, maxParallelShards: 8 }).ensureCreated();
    expect(tablesIn(dir.file('main.db'))).toEqual(['Customers_APAC', 'Customers_EU', 'Customers_US', 'Products']);
  });
});

describe('close and await using', () => {
  it('await using closes the context at the end of the scope; afterwards it refuses work', async () => {
    let escaped: ShopContext;
    {
      await using ctx = new ShopContext({
        provider: sqlite({ file: dir.file('main.db') }),
        shards: (s) => s.addShards('EU').addShardGroup('years', years),
      });
      escaped = ctx;
      await ctx.ensureCreated();
    }
    const error = await escaped.ensureCreated().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeInvalidOperationError);
    expect((error as Error).message).toBe('ShopContext is closed, so ensureCreated cannot run; create a new context.');
    // The files are released: deleting them from outside works, and a new context can reopen them.
    await shop((s) => s.addShards('EU').addShardGroup('years', years)).ensureDeleted();
    expect(databaseFiles(dir.folder())).toEqual(['main.db']);
  });

  it('close is idempotent and closes the driver', async () => {
    const provider = sqlite({ file: dir.file('main.db') });
    const ctx = new ShopContext({ provider, shards: (s) => s.addShards('EU').addShardGroup('years', years) });
    await ctx.ensureCreated();
    await Promise.all([ctx.close(), ctx.close()]);
    await ctx.close();
    expect(() => provider.driver.query(null, 'SELECT 1')).toThrow('is closed; create a new context');
  });

  it('without a provider, ensureCreated says how to configure one; close still works', async () => {
    class Bare extends DtdeContext {
      protected override onModelCreating(mb: ModelBuilder): void {
        mb.entity(Customer, (e) => {
          e.key((c) => c.id);
          e.property((c) => c.id).int();
        });
      }
    }
    const ctx = new Bare();
    const error = await ctx.ensureCreated().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    expect((error as Error).message).toBe(
      "Bare has no provider configured, so ensureCreated cannot run; pass provider: sqlite({ file: 'app.db' }) (or another dtde provider) in the context options.",
    );
    await ctx.close();
  });
});
