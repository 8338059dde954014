import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../../src/errors/dtde-configuration-error.js';
import { createPostgresDriver, type PostgresDriver } from '../../../src/providers/postgres/postgres-driver.js';
import { dropDatabases, freshDatabaseName, postgresServers, withClient, withDatabase } from '../../support/postgres-servers.js';
import { eventually, openTestDatabase, type TestDatabase } from './postgres-test-database.js';

// Databases on two real servers: one pool per database, shard connections naming another
// database or server, CREATE DATABASE when missing (also when several callers race), and
// DROP DATABASE with the driver's own streams on it ended first.

let own: TestDatabase;
let driver: PostgresDriver;
const created: { server: string; name: string }[] = [];

beforeAll(async () => {
  own = await openTestDatabase('dbs');
});
afterAll(async () => {
  await own?.drop();
  for (const { server, name } of created) await dropDatabases(server, [name]);
});
afterEach(async () => {
  await driver?.close();
});

function fresh(server: 'main' | 'second', tag: string): { name: string; url: string } {
  const admin = postgresServers()[server];
  const name = freshDatabaseName(tag);
  created.push({ server: admin, name });
  return { name, url: withDatabase(admin, name) };
}

const exists = (server: 'main' | 'second', name: string) =>
  withClient(
    postgresServers()[server],
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );

describe('shard connections', () => {
  it('name a database on the same server by name, or any database by URL or parts; the id has no credentials', () => {
    driver = createPostgresDriver('postgres://app:s3cret@DB1.example:5432/shop');
    expect(driver.databaseId(null)).toBe('postgres://db1.example:5432/shop');
    expect(driver.databaseId({ database: 'shop_2024' })).toBe('postgres://db1.example:5432/shop_2024');
    // Two spellings of one database are one id.
    expect(driver.databaseId({ url: 'postgres://db1.example/shop' })).toBe(driver.databaseId(null));
    expect(driver.databaseId({ host: 'db2.example', database: 'shop' })).toBe('postgres://db2.example:5432/shop');
    expect(driver.databaseId({ url: 'postgresql://other:pw@10.0.0.7:6432/eu?sslmode=require' })).toBe('postgres://10.0.0.7:6432/eu');
    expect(() => driver.databaseId({ file: 'eu.db' })).toThrow(DtdeConfigurationError);
    expect(() => driver.databaseId({ url: 'mysql://x/y' })).toThrow(/scheme must be postgres/);
    expect(driver.poolSize({ database: 'x' })).toBe(10);
  });
});

describe('one pool per database, on two servers', () => {
  it('reads from databases on both servers through separate pools', async () => {
    const second = fresh('second', 'other');
    driver = createPostgresDriver({ url: own.url, applicationName: own.applicationName, pool: { max: 4 } });
    await driver.ensureDatabase({ url: second.url });
    const port = async (connection: Parameters<PostgresDriver['query']>[0]) => {
      for await (const row of driver.query(connection, `SELECT current_setting('port') AS port, current_database() AS db`)) return row;
      return null;
    };
    const mainPort = new URL(postgresServers().main).port;
    const secondPort = new URL(postgresServers().second).port;
    expect(mainPort).not.toBe(secondPort);
    expect(await port(null)).toEqual({ port: mainPort, db: own.name });
    expect(await port({ url: second.url })).toEqual({ port: secondPort, db: second.name });
    expect([...driver.stats().databases.keys()].sort()).toEqual([driver.databaseId(null), driver.databaseId({ url: second.url })].sort());
    expect(driver.poolSize({ url: second.url })).toBe(4);
  });
});

describe('ensureDatabase', () => {
  it('creates a missing database through the maintenance database, and leaves an existing one alone', async () => {
    const target = fresh('main', 'ensure');
    driver = createPostgresDriver(own.url);
    expect(await exists('main', target.name)).toBe(false);
    await driver.ensureDatabase({ database: target.name });
    expect(await exists('main', target.name)).toBe(true);
    await driver.execute({ database: target.name }, 'CREATE TABLE kept (id int)');
    await driver.ensureDatabase({ database: target.name });
    await driver.ensureDatabase(null);
    const tables = await withClient(
      target.url,
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'`)).rows[0].n,
    );
    expect(tables).toBe(1);
  });

  it('is safe when several drivers create the same database at once', async () => {
    const target = fresh('second', 'race');
    const drivers = Array.from({ length: 4 }, () => createPostgresDriver(withDatabase(postgresServers().second, 'postgres')));
    try {
      await Promise.all(drivers.map((d) => d.ensureDatabase({ database: target.name })));
      expect(await exists('second', target.name)).toBe(true);
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
    }
  });
});

describe('deleteDatabase', () => {
  it('ends the driver’s streams on it with reason closed, then drops it; a missing database is fine', async () => {
    const target = fresh('second', 'delete');
    driver = createPostgresDriver({ url: own.url, applicationName: own.applicationName });
    await driver.ensureDatabase({ url: target.url });
    const stream = driver.query({ url: target.url }, 'SELECT pg_sleep(60)')[Symbol.asyncIterator]();
    const pending = stream.next();
    await eventually(
      () =>
        withClient(
          target.url,
          async (c) =>
            (await c.query(`SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'`)).rowCount === 1,
        ),
      'the stream running',
    );
    await driver.deleteDatabase({ url: target.url });
    await expect(pending).rejects.toMatchObject({ reason: 'closed' });
    expect(await exists('second', target.name)).toBe(false);
    await driver.deleteDatabase({ url: target.url });
    // The driver still serves its other databases.
    for await (const row of driver.query(null, 'SELECT 1 AS one')) expect(row).toEqual({ one: 1 });
  });
});
