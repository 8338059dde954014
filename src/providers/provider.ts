import type { ConnectionRef } from '../metadata/model.js';
// Through the package's own `dtde/provider` entry, not a relative path: `dtde` exports
// `DtdeProvider` (users pass one) but not the contract behind it, so its declarations name the
// dialect and driver types where users can import them. Type-only: nothing of it is loaded.
import type { DatabaseDriver, Dialect } from 'dtde/provider';

/**
 * A database provider: the dialect that writes the SQL and the driver that runs it, for one kind
 * of engine. A context takes one in its options (`provider: sqlite({ file: 'shop.db' })`) and owns
 * its driver from then on: `ctx.close()` closes it, so give each context its own provider.
 * The types of its members, and how to write a provider, are in `dtde/provider`.
 *
 * @example
 * ```ts
 * const provider = sqlite({ file: 'shop.db' });
 * const { sql, parameters } = provider.dialect.renderSelect(statement);
 * for await (const row of provider.driver.query(null, sql, parameters)) console.log(row);
 * ```
 */
export interface DtdeProvider {
  /** Writes the SQL: text, parameters, quoting, DDL types and value conversion. */
  readonly dialect: Dialect;
  /** Runs the SQL: connections, pools, streaming, transactions and cancellation. */
  readonly driver: DatabaseDriver;
  /**
   * A stable identity of the database a connection names, so that two spellings of one database
   * (`{ file: 'eu.db' }` and `{ file: './eu.db' }`) count as one: SQLite answers with the absolute
   * file path. `null` is the context's own database. Throws `DtdeConfigurationError` for a
   * connection this provider cannot use.
   */
  databaseId(connection: ConnectionRef | null): string;
}

/**
 * Whether `value` has the shape of a `DtdeProvider` (a dialect that renders, a driver that runs,
 * a `databaseId` function). Used by the context options schema; it cannot prove more than shape.
 *
 * @example
 * isDtdeProvider(sqlite({ file: 'shop.db' })); // true
 * isDtdeProvider({ file: 'shop.db' });         // false: pass sqlite({ file }) instead
 */
export function isDtdeProvider(value: unknown): value is DtdeProvider {
  if (!isObject(value) || typeof value.databaseId !== 'function') return false;
  const { dialect, driver } = value;
  return (
    isObject(dialect) &&
    ['renderSelect', 'renderCreateTable', 'renderDropTable', 'renderInsert', 'toDbValue', 'fromDbValue'].every(
      (method) => typeof dialect[method] === 'function',
    ) &&
    isObject(driver) &&
    ['query', 'execute', 'transaction', 'poolSize', 'ensureDatabase', 'deleteDatabase', 'close'].every(
      (method) => typeof driver[method] === 'function',
    )
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
