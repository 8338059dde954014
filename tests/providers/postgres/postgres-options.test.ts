import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../../src/errors/dtde-configuration-error.js';
import {
  parsePostgresOptions,
  postgresOptionsSchema,
  redactUrl,
  resolvePostgresConnection,
  type PostgresOptions,
} from '../../../src/providers/postgres/postgres-options.js';
import { postgres } from '../../../src/providers/postgres/postgres-provider.js';

// postgres(...) options: a URL, an object, or both; defaults; shard connections over the
// context's own endpoint; messages that never show the password.

const SECRET = 'pa$$w0rd-do-not-print';

/** An endpoint with its hidden (non-enumerable) password made visible, to compare whole. */
const open = <T extends { password?: string }>(e: T) => ({ ...e, password: e.password });

describe('postgres() options', () => {
  it('reads a URL: host, port, database, login, sslmode, a Unix socket folder', () => {
    expect(
      open(parsePostgresOptions(`postgres://app:${encodeURIComponent(SECRET)}@db1.example:6543/shop?sslmode=verify-full`).endpoint),
    ).toEqual({
      host: 'db1.example',
      port: 6543,
      database: 'shop',
      user: 'app',
      password: SECRET,
      ssl: {},
    });
    expect(parsePostgresOptions('postgresql://app@/shop?host=/var/run/postgresql').endpoint).toMatchObject({
      host: '/var/run/postgresql',
      port: 5432,
      database: 'shop',
    });
    expect(parsePostgresOptions('postgres://[::1]:5432/shop?sslmode=require').endpoint).toMatchObject({
      host: '::1',
      ssl: { rejectUnauthorized: false },
    });
  });

  it('fills defaults, and lets fields override the URL', () => {
    const options = parsePostgresOptions({ url: 'postgres://app:x@db1/shop', database: 'other', pool: { max: 3 } });
    expect(options.endpoint).toMatchObject({ host: 'db1', port: 5432, database: 'other', user: 'app', password: 'x', ssl: false });
    expect(options).toMatchObject({
      pool: { min: 0, max: 3, idleTimeoutMs: 10_000 },
      connectTimeoutMs: 10_000,
      statementTimeoutMs: 0,
      batchSize: 256,
      applicationName: 'dtde',
      maintenanceDatabase: 'postgres',
    });
    expect(parsePostgresOptions({ host: 'h', database: 'd', ssl: true }).endpoint.ssl).toEqual({});
  });

  it('refuses bad options with DtdeConfigurationError naming them, never showing the password', () => {
    const bad: unknown[] = [
      { database: 'shop', pool: { max: 0 } },
      { database: 'shop', port: 'x' },
      { database: 'shop', colour: 'blue' },
      { host: 'h' },
      `postgres://app:${SECRET}@h/shop?foo=bar`,
      `mysql://app:${SECRET}@h/shop`,
      `postgres://app:${SECRET}@h:99999/shop`,
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        postgres(options as PostgresOptions);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(DtdeConfigurationError);
      expect((error as Error).message).not.toContain(SECRET);
      expect(JSON.stringify(error)).not.toContain(SECRET);
    }
  });

  it('keeps the interface and the schema in step: every option of the schema is documented', () => {
    const documented: (keyof PostgresOptions)[] = [
      'url',
      'host',
      'port',
      'database',
      'user',
      'password',
      'ssl',
      'pool',
      'connectTimeoutMs',
      'statementTimeoutMs',
      'batchSize',
      'applicationName',
      'maintenanceDatabase',
    ];
    expect(Object.keys(postgresOptionsSchema.shape).sort()).toEqual([...documented].sort());
  });

  it('keeps the password (and a TLS key) out of what logging or JSON shows of the options', () => {
    const options = parsePostgresOptions({ url: `postgres://app:${SECRET}@h/shop`, ssl: { key: SECRET, cert: 'c' } });
    expect(options.endpoint.password).toBe(SECRET);
    expect(JSON.stringify(options)).not.toContain(SECRET);
    expect(inspect(options, { depth: 10 })).not.toContain(SECRET);
    expect(inspect(postgres(`postgres://app:${SECRET}@h/shop`), { depth: 10 })).not.toContain(SECRET);
  });

  it('redacts the login of a URL for messages', () => {
    expect(redactUrl(`postgres://app:${SECRET}@h/shop?password=${SECRET}&sslmode=require`)).toBe(
      'postgres://***@h/shop?password=***&sslmode=require',
    );
  });
});

describe('shard connections', () => {
  const base = parsePostgresOptions(`postgres://app:${SECRET}@db1:5433/shop`).endpoint;

  it('inherit what they leave out from the context; another host has its own default port', () => {
    expect(resolvePostgresConnection(null, base)).toBe(base);
    expect(open(resolvePostgresConnection({ database: 'shop_2024' }, base))).toEqual({ ...open(base), database: 'shop_2024' });
    expect(open(resolvePostgresConnection({ host: 'db2', database: 'eu' }, base))).toEqual({
      ...open(base),
      host: 'db2',
      port: 5432,
      database: 'eu',
    });
    expect(open(resolvePostgresConnection({ url: 'postgres://db3:7000/us' }, base))).toEqual({
      ...open(base),
      host: 'db3',
      port: 7000,
      database: 'us',
    });
    expect(open(resolvePostgresConnection({ url: 'postgres://other:pw@db3/us', ssl: true }, base))).toEqual({
      host: 'db3',
      port: 5432,
      database: 'us',
      user: 'other',
      password: 'pw',
      ssl: {},
    });
  });

  it('refuse other shapes, saying which shapes work', () => {
    expect(() => resolvePostgresConnection({ file: 'eu.db' }, base)).toThrow(
      /A PostgreSQL shard names its database: addShard\('EU', \{ database: 'shop_eu' \}\)/,
    );
    expect(() => resolvePostgresConnection({ database: 42 }, base)).toThrow(DtdeConfigurationError);
  });
});
