import { CallSite } from '../../errors/call-site.js';
import type { ConnectionRef } from '../../metadata/model.js';
import { registerDialect } from '../dialect-registry.js';
import type { DtdeProvider } from '../provider.js';
import { MssqlDialect, mssqlDialect } from './mssql-dialect.js';
import { createMssqlDriver, type MssqlDriver } from './mssql-driver.js';
import type { MssqlOptions } from './mssql-options.js';

// Known by name from the moment dtde is imported: `toQueryString({ dialect: 'mssql' })`.
registerDialect(mssqlDialect);

/**
 * What `mssql()` returns: a `DtdeProvider` whose dialect and driver are SQL Server's. Its
 * members' types (`Dialect`, `DatabaseDriver`) are in `dtde/provider`.
 */
export interface MssqlProvider extends DtdeProvider {
  /** @internal The concrete dialect, for dtde's own tests. */
  readonly dialect: MssqlDialect;
  /** @internal The concrete driver (pool counters), for dtde's own tests. */
  readonly driver: MssqlDriver;
}

/**
 * The SQL Server provider (`mssql` 12 on `tedious` 19, one pool per database, streaming with
 * back-pressure). Give it the context's own database as an ADO.NET connection string or an
 * object; shards name other databases with `{ database: 'name' }` (same server and login) or
 * other servers with `{ connectionString }` or `{ server, port, database, user, password }`. The
 * options are validated here (`DtdeConfigurationError`, never showing the password).
 *
 * The provider's driver belongs to the context it is given to: `ctx.close()` closes it.
 *
 * @example
 * ```ts
 * const ctx = new ShopContext({
 *   provider: mssql('Server=db1,1433;Database=shop;User Id=app;Password=…;Encrypt=true'),
 *   shards: (s) => s
 *     .addShards('EU', 'US')                                                       // tables in the own database
 *     .addShardGroup('years', (g) => g
 *       .addShard('2024', { database: 'shop_2024' })                                // same server
 *       .addShard('2025', { connectionString: 'Server=db2;Database=shop_2025;User Id=app;Password=…' })), // another one
 * });
 * await ctx.ensureCreated(); // CREATE DATABASE / IF OBJECT_ID(…) IS NULL CREATE TABLE
 * ```
 */
export function mssql(options: MssqlOptions | string): MssqlProvider {
  let driver: ReturnType<typeof createMssqlDriver>;
  try {
    driver = createMssqlDriver(options);
  } catch (error) {
    // A bad option: the error points at the user's mssql(...) line, not at dtde's validation.
    throw CallSite.capture(mssql, 'mssql()').relocate(error);
  }
  const collation = typeof options === 'string' ? undefined : options.collation;
  return Object.freeze({
    dialect: collation === undefined ? mssqlDialect : new MssqlDialect(collation),
    driver,
    databaseId: (connection: ConnectionRef | null) => driver.databaseId(connection),
  });
}
