import type { ConnectionRef } from '../../metadata/model.js';
import type { DtdeProvider } from '../provider.js';
import { sqliteDialect, type SqliteDialect } from './sqlite-dialect.js';
import { createSqliteDriver, type SqliteDriver } from './sqlite-driver.js';
import type { SqliteOptions } from './sqlite-options.js';

/** The SQLite provider: `sqliteDialect` plus a `SqliteDriver` for the given file. */
export interface SqliteProvider extends DtdeProvider {
  readonly dialect: SqliteDialect;
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
 * const ctx = new ShopContext({
 *   provider: sqlite({ file: './data/shop.db', readPoolSize: 8 }),
 *   shards: s => s.addShards('EU', 'US').addShard('APAC', { file: 'apac.db' }), // ./data/apac.db
 * });
 */
export function sqlite(options: SqliteOptions): SqliteProvider {
  const driver = createSqliteDriver(options);
  return Object.freeze({
    dialect: sqliteDialect,
    driver,
    databaseId: (connection: ConnectionRef | null) => driver.filePath(connection),
  });
}
