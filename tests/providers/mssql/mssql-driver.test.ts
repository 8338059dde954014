import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import sql from 'mssql';
import tedious from 'tedious';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DtdeConfigurationError,
  DtdeContext,
  DtdeDatabaseError,
  DtdeShardError,
  type ModelBuilder,
  mssql,
  QUERY_DONE_CHANNEL,
  QUERY_PLAN_CHANNEL,
  QUERY_SHARD_CHANNEL,
} from '../../../src/index.js';
import { poolConfig } from '../../../src/providers/mssql/mssql-database.js';
import { mssqlDialect } from '../../../src/providers/mssql/mssql-dialect.js';
import { createMssqlDriver } from '../../../src/providers/mssql/mssql-driver.js';
import { mssqlType, toMssqlInputs } from '../../../src/providers/mssql/to-mssql-inputs.js';
import { selectStatement, sql as tree } from '../../../src/sql/sql-ast.js';
import { Customer, configureCustomer, configureOrder, Order } from '../../support/shop-model.js';

// The SQL Server driver without a server: pools, parameter types and credentials. Connections go
// to 127.0.0.1 port 1, where nothing listens, so a connect fails at once (ECONNREFUSED).

const PASSWORD = 'N0t-In-Any-Message!';
const USER = 'dtde_app';
const unreachable = `Server=127.0.0.1,1;Database=shop;User Id=${USER};Password=${PASSWORD};Encrypt=false;Connect Timeout=5`;

const drivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  vi.restoreAllMocks();
});

describe('one pool per database, never the global pool', () => {
  it('keys pools by server, database and login; ids by server and database only', async () => {
    const driver = createMssqlDriver(unreachable);
    drivers.push(driver);
    const same = [
      null,
      { database: 'shop' },
      { connectionString: `Server=127.0.0.1,1;Database=shop;User Id=${USER};Password=${PASSWORD}` },
      { server: '127.0.0.1', port: 1, database: 'shop' },
    ];
    expect(new Set(same.map((c) => driver.poolKey(c))).size).toBe(1);
    const others = [{ database: 'shop_2024' }, { server: 'db2', database: 'shop' }, { database: 'shop', user: 'someone_else' }];
    expect(new Set([...same, ...others].map((c) => driver.poolKey(c))).size).toBe(4);
    // A query makes its database's pool (lazily: nothing connects before the first next()).
    for (const connection of [...same, ...others]) driver.query(connection, 'SELECT 1');
    expect(driver.poolCount).toBe(4);
    expect(driver.databaseId({ database: 'shop', user: 'someone_else' })).toBe('mssql://127.0.0.1:1/shop');
    expect(driver.databaseId({ server: 'db2', database: 'shop' })).toBe('mssql://db2:1433/shop');
  });

  it('connects its own ConnectionPool: the mssql module’s global connect is never used', async () => {
    const globalConnect = vi.spyOn(sql, 'connect');
    const driver = createMssqlDriver(unreachable);
    drivers.push(driver);
    await expect(driver.execute(null, 'SELECT 1')).rejects.toThrow(DtdeDatabaseError);
    await expect(driver.ensureDatabase({ database: 'other' })).rejects.toThrow(DtdeDatabaseError);
    expect(globalConnect).not.toHaveBeenCalled();
  });

  it('sizes every pool as configured, and checks connections by their socket', () => {
    const driver = createMssqlDriver({ connectionString: unreachable, pool: { max: 3, min: 1 } });
    drivers.push(driver);
    expect(driver.poolSize({ database: 'x' })).toBe(3);
    const config = poolConfig(driver.options.endpoint, driver.options);
    expect(config).toMatchObject({
      server: '127.0.0.1',
      port: 1,
      database: 'shop',
      pool: { min: 1, max: 3, acquireTimeoutMillis: 5000 },
      options: { encrypt: false, useUTC: true, appName: 'dtde' },
      validateConnection: 'socket',
    });
  });
});

describe('parameters typed from the model', () => {
  it('binds each parameter with the type the dialect declared for it', () => {
    const c = (name: string) => tree.column('t', name);
    const statement = selectStatement(
      { table: { name: 'T' }, alias: 't' },
      {
        where: [
          tree.binary('=', c('code'), tree.param('EU', { kind: 'string', maxLength: 8 })),
          tree.binary('=', c('n'), tree.param(7, { kind: 'int' })),
          tree.binary('=', c('big'), tree.param(9007199254740993n, { kind: 'bigint' })),
          tree.binary('=', c('price'), tree.param(12.5, { kind: 'decimal', precision: 12, scale: 2 })),
          tree.binary('=', c('on'), tree.param(true, { kind: 'boolean' })),
          tree.binary('=', c('at'), tree.param(new Date('2024-02-29T12:00:00.123Z'), { kind: 'dateTime' })),
          tree.binary('=', c('uid'), tree.param('6f9619ff-8b86-d011-b42d-00c04fc964ff', { kind: 'uuid' })),
          tree.binary('>', c('ratio'), tree.param(0.25, { kind: 'float' })),
          tree.binary('=', c('notes'), tree.param('x'.repeat(5000), { kind: 'string' })),
        ].reduce((a, b) => tree.and(a, b)),
      },
    );
    const rendered = mssqlDialect.renderSelect(statement);
    const inputs = toMssqlInputs(rendered.parameters, 'mssql://x:1433/db');
    const described = inputs.map((i) => {
      const t = i.type as sql.ISqlType & { length?: number; precision?: number; scale?: number };
      return [i.name, (t.type as { name?: string }).name ?? t.type, t.length ?? t.precision ?? t.scale, t.scale];
    });
    expect(described).toEqual([
      ['p0', 'NVarChar', 8, undefined],
      ['p1', 'Int', undefined, undefined],
      ['p2', 'BigInt', undefined, undefined],
      ['p3', 'Decimal', 12, 2],
      ['p4', 'Bit', undefined, undefined],
      ['p5', 'DateTime2', 7, 7],
      ['p6', 'UniqueIdentifier', undefined, undefined],
      ['p7', 'Float', undefined, undefined],
      ['p8', 'NVarChar', sql.MAX, undefined],
    ]);
    // The bigint never passes through a lossy number: tedious reads its text as a 64-bit integer.
    expect(inputs[2].value).toBe('9007199254740993');
    expect(tedious.TYPES.BigInt.validate(inputs[2].value, undefined)).toBe(9007199254740993n);
  });

  it('types untyped values from the value, and refuses a type it does not bind', () => {
    expect(toMssqlInputs([1, 'a', 2n ** 40n, null], 'db').map((i) => [i.name, (i.type.type as { name?: string }).name, i.value])).toEqual([
      ['p0', 'Int', 1],
      ['p1', 'NVarChar', 'a'],
      ['p2', 'BigInt', '1099511627776'],
      ['p3', 'NVarChar', null],
    ]);
    expect(toMssqlInputs({ '@id': 3 }, 'db').map((i) => i.name)).toEqual(['id']);
    expect(() => mssqlType('geography', 'mssql://x:1433/db')).toThrow(/SQL Server parameter type 'geography' is not one dtde binds/);
  });
});

class Shop extends DtdeContext {
  customers = this.set(Customer);
  orders = this.set(Order);
  protected override onModelCreating(mb: ModelBuilder): void {
    mb.entity(Customer, configureCustomer).entity(Order, (e) => configureOrder(e, { storage: 'databases' }));
  }
}

describe('maxParallelShards against the pool size', () => {
  it('is refused before any connection, with the SQL Server way to raise the pool and no login in the message', async () => {
    const ctx = new Shop({
      provider: mssql({ connectionString: unreachable, pool: { max: 2 } }),
      shards: (s) => s.addShards('EU', 'US', 'APAC').addShardGroup('years', (g) => g.addShard('2024', { database: 'shop_2024' })),
      maxParallelShards: 3,
    });
    try {
      const error = await ctx.customers.toArray().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DtdeConfigurationError);
      expect((error as Error).message.split('\n')[0]).toBe(
        'options.maxParallelShards: Customer has 3 shards in database "mssql://127.0.0.1:1/shop", so one query can stream from 3 of them at once ' +
          '(maxParallelShards is 3), but the mssql pool for that database holds 2 connections. ' +
          'Raise the pool size to at least 3 (mssql({ ..., pool: { max: 3 } }) or Max Pool Size=3 in the connection string) or lower maxParallelShards to 2.',
      );
      expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
      expect(inspect(error, { depth: 10 })).not.toContain(USER);
    } finally {
      await ctx.close();
    }
  });
});

describe('credentials never in errors, diagnostics or explain()', () => {
  it('an unreachable server: the error names the database, never the login', async () => {
    const driver = createMssqlDriver(unreachable);
    drivers.push(driver);
    const error = await driver.execute(null, 'SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeDatabaseError);
    expect((error as DtdeDatabaseError).message).toMatch(
      /^(Cannot reach the SQL Server of|The connection to SQL Server database) mssql:\/\/127\.0\.0\.1:1\/shop/,
    );
    expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
    const streamed = await (async () => {
      for await (const _ of driver.query({ database: 'other' }, 'SELECT 1')) return null;
    })().catch((e: unknown) => e);
    expect(inspect(streamed, { depth: 10 })).not.toContain(PASSWORD);
  });

  it('a context: explain(), toQueryString(), shard errors and the diagnostics channels hold no password or login', async () => {
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    const channels = [QUERY_PLAN_CHANNEL, QUERY_SHARD_CHANNEL, QUERY_DONE_CHANNEL];
    for (const channel of channels) subscribe(channel, listener);
    const ctx = new Shop({
      provider: mssql(unreachable),
      shards: (s) =>
        s
          .addShards('EU', 'US')
          .addShardGroup('years', (g) =>
            g
              .addShard('2024', { database: 'shop_2024' })
              .addShard('2025', { connectionString: `Server=127.0.0.1,1;Database=shop_2025;User Id=other;Password=${PASSWORD}x` }),
          ),
    });
    try {
      const query = ctx.orders.where((o) => o.total > 10).orderBy((o) => o.orderDate);
      const shown = [query.toQueryString(), JSON.stringify(query.explain()), inspect(query.explain(), { depth: 10 })].join('\n');
      expect(shown).not.toContain(PASSWORD);
      expect(shown).not.toContain(USER);
      const error = await query.toArray().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DtdeShardError);
      expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD);
      expect(messages.length).toBeGreaterThan(0);
      expect(inspect(messages, { depth: 10 })).not.toContain(PASSWORD);
      // Logging the context or its provider after a query shows no password either.
      expect(inspect(ctx, { depth: 12 })).not.toContain(PASSWORD);
      expect(inspect(ctx.options.provider, { depth: 12 })).not.toContain(PASSWORD);
    } finally {
      for (const channel of channels) unsubscribe(channel, listener);
      await ctx.close();
    }
  });
});
