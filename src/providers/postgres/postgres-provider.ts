import { CallSite } from '../../errors/call-site.js';
import type { ConnectionRef } from '../../metadata/model.js';
import type { DtdeProvider } from '../provider.js';
import { postgresDialect, type PostgresDialect } from './postgres-dialect.js';
import { createPostgresDriver, type PostgresDriver } from './postgres-driver.js';
import type { PostgresOptions } from './postgres-options.js';

/**
 * What `postgres()` returns: a `DtdeProvider` whose dialect and driver are PostgreSQL's. Its
 * members' types (`Dialect`, `DatabaseDriver`) are in `dtde/provider`.
 */
export interface PostgresProvider extends DtdeProvider {
  /** @internal The concrete dialect, for dtde's own tests. */
  readonly dialect: PostgresDialect;
  /** @internal The concrete driver (pool counters), for dtde's own tests. */
  readonly driver: PostgresDriver;
}

/**
 * The PostgreSQL provider (`pg` 8, a pool per database, cursors for streaming). Give it the
 * context's own database as a URL or an object; shards name other databases with
 * `{ database: 'name' }` (same server and login) or other servers with `{ url }` or
 * `{ host, port, database, user, password }`. The options are validated here
 * (`DtdeConfigurationError`, never showing the password). Needs PostgreSQL 13 or later with ICU
 * (the `und-x-icu` collation), which every mainstream build has.
 *
 * The provider's driver belongs to the context it is given to: `ctx.close()` closes it.
 *
 * @example
 * ```ts
 * const ctx = new ShopContext({
 *   provider: postgres({ url: process.env.DATABASE_URL, pool: { max: 16 } }),
 *   shards: (s) => s
 *     .addShards('EU', 'US')                                                      // tables in the own database
 *     .addShardGroup('years', (g) => g
 *       .addShard('2024', { database: 'shop_2024' })                               // same server
 *       .addShard('2025', { url: 'postgres://app:secret@db2:5432/shop_2025' })),   // another server
 * });
 * await ctx.ensureCreated(); // CREATE DATABASE / TABLE IF NOT EXISTS
 * ```
 */
export function postgres(options: PostgresOptions | string): PostgresProvider {
  let driver: ReturnType<typeof createPostgresDriver>;
  try {
    driver = createPostgresDriver(options);
  } catch (error) {
    // A bad option: the error points at the user's postgres(...) line, not at dtde's validation.
    throw CallSite.capture(postgres, 'postgres()').relocate(error);
  }
  return Object.freeze({
    dialect: postgresDialect,
    driver,
    databaseId: (connection: ConnectionRef | null) => driver.databaseId(connection),
  });
}
