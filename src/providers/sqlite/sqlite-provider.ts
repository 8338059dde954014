import { CallSite } from '../../errors/call-site.js';
import type { ConnectionRef } from '../../metadata/model.js';
import { registerDialect } from '../dialect-registry.js';
import type { DtdeProvider } from '../provider.js';
import { sqliteDialect, type SqliteDialect } from './sqlite-dialect.js';
import { createSqliteDriver, type SqliteDriver } from './sqlite-driver.js';
import type { SqliteOptions } from './sqlite-options.js';

// Known by name from the moment dtde is imported: `toQueryString({ dialect: 'sqlite' })`.
registerDialect(sqliteDialect);

/**
 * What `sqlite()` returns: a `DtdeProvider` whose dialect and driver are SQLite's. Its members'
 * types (`Dialect`, `DatabaseDriver`) are in `dtde/provider`.
 */
export interface SqliteProvider extends DtdeProvider {
  /** @internal The concrete dialect, for dtde's own tests. */
  readonly dialect: SqliteDialect;
  /** @internal The concrete driver (pool counters), for dtde's own tests. */
  readonly driver: SqliteDriver;
}

/**
 * The embedded SQLite provider (better-sqlite3, WAL mode, pooled readers, one writer per file).
 * `file` is the context's own database; shards declared with `{ file: 'eu.db' }` live in files
 * resolved against its folder. The options are validated here (`DtdeConfigurationError`).
 *
 * The provider's driver belongs to the context it is given to: `ctx.close()` closes it.
 *
 * @example
 * ```ts
 * const ctx = new ShopContext({
 *   provider: sqlite({ file: './data/shop.db', readPoolSize: 8 }),
 *   shards: s => s.addShards('EU', 'US').addShard('APAC', { file: 'apac.db' }), // ./data/apac.db
 * });
 * ```
 */
export function sqlite(options: SqliteOptions): SqliteProvider {
  let driver: ReturnType<typeof createSqliteDriver>;
  try {
    driver = createSqliteDriver(options);
  } catch (error) {
    // A bad option: the error points at the user's sqlite(...) line, not at dtde's validation.
    throw CallSite.capture(sqlite, 'sqlite()').relocate(error);
  }
  return Object.freeze({
    dialect: sqliteDialect,
    driver,
    databaseId: (connection: ConnectionRef | null) => driver.filePath(connection),
  });
}
