import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../../src/index.js';
import { mssqlDatabaseId, parseMssqlOptions, resolveMssqlConnection } from '../../../src/providers/mssql/mssql-options.js';
import { parseMssqlConnectionString } from '../../../src/providers/mssql/parse-mssql-connection-string.js';

const SECRET = 'S3cr3t;P@ss=word}';

/** Runs `fn`, expects a DtdeConfigurationError, and returns it. */
function configError(fn: () => unknown): DtdeConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DtdeConfigurationError);
    return error as DtdeConfigurationError;
  }
  throw new Error('expected a DtdeConfigurationError');
}

describe('SQL Server connection strings', () => {
  it('reads the ADO.NET keywords, case-insensitively, with their synonyms', () => {
    expect(
      parseMssqlConnectionString(
        'Server=tcp:db1.example.com,14330;Initial Catalog=shop;User ID=app;Password=pw;Encrypt=yes;TrustServerCertificate=True;' +
          'Connect Timeout=20;Command Timeout=60;Application Name=orders;Min Pool Size=2;Max Pool Size=30',
      ),
    ).toEqual({
      server: 'db1.example.com',
      port: 14330,
      database: 'shop',
      user: 'app',
      password: 'pw',
      encrypt: true,
      trustServerCertificate: true,
      connectTimeoutMs: 20_000,
      requestTimeoutMs: 60_000,
      applicationName: 'orders',
      poolMin: 2,
      poolMax: 30,
    });
    expect(parseMssqlConnectionString('data source=.;database=x;uid=u;pwd=p;encrypt=false')).toEqual({
      server: 'localhost',
      database: 'x',
      user: 'u',
      password: 'p',
      encrypt: false,
    });
  });

  it('reads named instances, quoted values and the odd separators ADO.NET allows', () => {
    expect(parseMssqlConnectionString('Server=db1\\SQLEXPRESS;Database=shop')).toEqual({
      server: 'db1',
      instanceName: 'SQLEXPRESS',
      database: 'shop',
    });
    expect(parseMssqlConnectionString(`Server=db1;Database=shop;Password={${SECRET.replace('}', '}}')}};`)).toMatchObject({
      password: SECRET,
    });
    expect(parseMssqlConnectionString(`Password='it''s';User Id="a ""b"""`)).toEqual({ password: "it's", user: 'a "b"' });
    expect(parseMssqlConnectionString(' ;; Server = db1 ; Database = shop ;;')).toEqual({ server: 'db1', database: 'shop' });
    expect(parseMssqlConnectionString('Encrypt=strict;Pooling=true;MultipleActiveResultSets=false')).toEqual({ encrypt: 'strict' });
    expect(parseMssqlConnectionString('Encrypt=Mandatory')).toEqual({ encrypt: true });
    expect(parseMssqlConnectionString('Encrypt=Optional')).toEqual({ encrypt: false });
  });

  it('names the keyword it cannot use, never a value', () => {
    const unknown = configError(() => parseMssqlConnectionString(`Server=db1;Passwort=${SECRET}`));
    expect(unknown.message).toMatch(/the keyword 'Passwort' is not supported/);
    expect(unknown.message).not.toContain(SECRET);
    const integrated = configError(() => parseMssqlConnectionString('Server=db1;Integrated Security=SSPI'));
    expect(integrated.message).toMatch(/'Integrated Security' is not supported: dtde logs in to SQL Server with a user and password/);
    const noEquals = configError(() => parseMssqlConnectionString(`Server=db1;${SECRET.split('=')[0]}`));
    expect(noEquals.message).toMatch(/the part at position 12 has no '='/);
    expect(noEquals.message).not.toContain('S3cr3t');
    expect(configError(() => parseMssqlConnectionString('Server=db1,99999')).message).toMatch(
      /'Server port' must be a whole number from 1 to 65535/,
    );
    expect(configError(() => parseMssqlConnectionString('Encrypt=maybe')).message).toMatch(/'Encrypt' must be true or false/);
    expect(configError(() => parseMssqlConnectionString("Password='unterminated")).message).toMatch(
      /the value of 'Password' has no closing '/,
    );
    expect(configError(() => parseMssqlConnectionString('Server=np:\\\\.\\pipe\\sql')).message).toMatch(
      /only TCP connections are supported/,
    );
  });
});

describe('mssql() options', () => {
  it('takes a connection string and fills in the defaults', () => {
    const options = parseMssqlOptions('Server=db1;Database=shop;User Id=app;Password=pw');
    // The password is readable but not enumerable: logging the options does not show it.
    expect(options.endpoint.password).toBe('pw');
    expect(Object.keys(options.endpoint)).not.toContain('password');
    expect(inspect(options, { depth: 5 })).not.toContain("'pw'");
    expect(options).toEqual({
      endpoint: {
        server: 'db1',
        port: 1433,
        instanceName: undefined,
        database: 'shop',
        user: 'app',
        encrypt: true,
        trustServerCertificate: false,
      },
      pool: { min: 0, max: 10, idleTimeoutMs: 30_000 },
      connectTimeoutMs: 15_000,
      requestTimeoutMs: 0,
      batchSize: 256,
      applicationName: 'dtde',
      maintenanceDatabase: 'master',
    });
  });

  it('takes an object, whose fields override the connection string', () => {
    const options = parseMssqlOptions({
      connectionString: 'Server=db1,1500;Database=shop;User Id=app;Password=pw;Max Pool Size=5;Connect Timeout=3',
      database: 'other',
      encrypt: false,
      trustServerCertificate: true,
      pool: { min: 1, idleTimeoutMs: 500 },
      requestTimeoutMs: 30_000,
      batchSize: 64,
    });
    expect(options.endpoint).toMatchObject({ server: 'db1', port: 1500, database: 'other', encrypt: false, trustServerCertificate: true });
    expect(options.pool).toEqual({ min: 1, max: 5, idleTimeoutMs: 500 });
    expect(options).toMatchObject({ connectTimeoutMs: 3000, requestTimeoutMs: 30_000, batchSize: 64 });
    expect(parseMssqlOptions({ server: 'db2', instanceName: 'SQLEXPRESS', database: 'shop' }).endpoint).toMatchObject({
      server: 'db2',
      port: undefined,
      instanceName: 'SQLEXPRESS',
    });
  });

  it('refuses bad options by name, without the password', () => {
    expect(configError(() => parseMssqlOptions({ server: 'db1' })).message).toMatch(
      /no database given; name one in the connection string \(Database=shop\)/,
    );
    const typo = configError(() => parseMssqlOptions({ server: 'db1', database: 'shop', pasword: SECRET }));
    expect(typo.message).toMatch(/^mssql\(\{ pasword \}\): unknown option 'pasword'; the options are connectionString, /);
    expect(typo.message).not.toContain(SECRET);
    expect(configError(() => parseMssqlOptions({ database: 'shop', pool: { max: 0 } })).path).toBe('mssql options.pool.max');
    expect(configError(() => parseMssqlOptions({ database: 'shop', pool: { min: 5, max: 2 } })).message).toMatch(
      /pool.min \(5\) is larger than pool.max \(2\)/,
    );
    const badString = configError(() => parseMssqlOptions(`Server=db1;Database=shop;Pasword=${SECRET}`));
    expect(badString.message).not.toContain(SECRET);
  });
});

describe('shard connections and database ids', () => {
  const base = parseMssqlOptions({
    server: 'DB1',
    port: 1500,
    database: 'shop',
    user: 'app',
    password: 'pw',
    trustServerCertificate: true,
  }).endpoint;

  it('a shard names a database on the context server, or another server by object or connection string', () => {
    expect(resolveMssqlConnection({ database: 'shop_2024' }, base)).toEqual({ ...base, database: 'shop_2024' });
    expect(resolveMssqlConnection({ server: 'db2', database: 'shop' }, base)).toEqual({
      ...base,
      server: 'db2',
      port: 1433,
      database: 'shop',
    });
    const other = resolveMssqlConnection({ connectionString: 'Server=db3,1600;Database=s3;User Id=other;Password=x' }, base);
    expect(other).toEqual({ ...base, server: 'db3', port: 1600, database: 's3', user: 'other' });
    expect([base.password, other.password, resolveMssqlConnection({ database: 'shop_2024' }, base).password]).toEqual(['pw', 'x', 'pw']);
    expect(resolveMssqlConnection(null, base)).toBe(base);
  });

  it('two spellings of one database have one id, and the id holds no credentials', () => {
    const ids = [
      { database: 'shop_2024' },
      { connectionString: 'Server=db1,1500;Database=shop_2024;User Id=someone;Password=else' },
      { server: 'db1', port: 1500, database: 'shop_2024', password: 'other' },
    ].map((c) => mssqlDatabaseId(resolveMssqlConnection(c, base)));
    expect(new Set(ids)).toEqual(new Set(['mssql://db1:1500/shop_2024']));
    expect(mssqlDatabaseId(resolveMssqlConnection({ server: 'db2', instanceName: 'Sales', database: 'x' }, base))).toBe(
      'mssql://db2\\sales/x',
    );
  });

  it('refuses anything else, naming the keys but no values', () => {
    const error = configError(() => resolveMssqlConnection({ file: 'eu.db', password: SECRET }, base));
    expect(error.message).toMatch(/Invalid SQL Server shard connection \(keys 'file', 'password'\)/);
    expect(error.message).not.toContain(SECRET);
    expect(configError(() => resolveMssqlConnection({ connectionString: 'Server=x;Bogus=1' }, base)).message).toMatch(
      /Invalid SQL Server shard connection string: the keyword 'Bogus' is not supported/,
    );
  });
});
