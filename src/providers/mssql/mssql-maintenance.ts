import type sql from 'mssql';
import { mssqlError, poolConfig } from './mssql-database.js';
import { mssqlDialect } from './mssql-dialect.js';
import type { MssqlEndpoint, ResolvedMssqlOptions } from './mssql-options.js';
import { loadMssql } from './load-mssql.js';
import { errorNumber } from './to-mssql-database-error.js';

/** SQL Server's "database already exists" (a concurrent CREATE DATABASE won the race). */
const DATABASE_EXISTS = 1801;

/**
 * Creates the database `endpoint` names unless `DB_ID` finds it, through the server's maintenance
 * database (`master` unless `maintenanceDatabase` says otherwise) with the same login. Resolves
 * `false` when the database already existed; a concurrent CREATE that wins the race is not an
 * error.
 */
export async function createMssqlDatabase(endpoint: MssqlEndpoint, options: ResolvedMssqlOptions, signal?: AbortSignal): Promise<boolean> {
  return withMaintenancePool(endpoint, options, signal, async (pool) => {
    if (await databaseExists(pool, endpoint.database)) return false;
    try {
      await pool.request().batch(`CREATE DATABASE ${mssqlDialect.quoteIdentifier(endpoint.database)}`);
    } catch (error) {
      if (errorNumber(error) !== DATABASE_EXISTS) throw error;
    }
    return true;
  });
}

/**
 * Drops the database `endpoint` names, first ending other sessions on it
 * (`SET SINGLE_USER WITH ROLLBACK IMMEDIATE`, where the server offers it; Babelfish does not, and
 * there the DROP alone must do). A missing database is not an error.
 */
export async function dropMssqlDatabase(endpoint: MssqlEndpoint, options: ResolvedMssqlOptions, signal?: AbortSignal): Promise<void> {
  const quoted = mssqlDialect.quoteIdentifier(endpoint.database);
  await withMaintenancePool(endpoint, options, signal, async (pool) => {
    if (!(await databaseExists(pool, endpoint.database))) return;
    await pool
      .request()
      .batch(`ALTER DATABASE ${quoted} SET SINGLE_USER WITH ROLLBACK IMMEDIATE`)
      .catch(() => undefined);
    await pool.request().batch(`DROP DATABASE ${quoted}`);
  });
}

async function databaseExists(pool: sql.ConnectionPool, name: string): Promise<boolean> {
  const found = await pool
    .request()
    .input('name', loadMssql().NVarChar(128), name)
    .query<{ id: number | null }>('SELECT DB_ID(@name) AS id');
  return found.recordset[0]?.id != null;
}

/** Runs `fn` on a one-connection pool to the server's maintenance database, then closes it. */
async function withMaintenancePool<T>(
  endpoint: MssqlEndpoint,
  options: ResolvedMssqlOptions,
  signal: AbortSignal | undefined,
  fn: (pool: sql.ConnectionPool) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const config = poolConfig(endpoint, { ...options, pool: { min: 0, max: 1, idleTimeoutMs: 1000 } }, options.maintenanceDatabase);
  const pool = new (loadMssql().ConnectionPool)(config);
  pool.on('error', () => undefined);
  const onAbort = (): void => void pool.close().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await pool.connect();
    return await fn(pool);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw mssqlError(endpoint, options, error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await pool.close().catch(() => undefined);
  }
}
