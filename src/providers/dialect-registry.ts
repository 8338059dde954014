import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { Dialect } from '../sql/dialect.js';

// Dialects by name, filled by the providers when their module loads; the query engine reads it for
// `toQueryString({ dialect: 'name' })` without importing any provider.
const dialects = new Map<string, Dialect>();

/**
 * Makes a dialect known by its `name`, so that `toQueryString({ dialect: name })` and
 * `explain({ dialect: name })` can render with it on any context. Each built-in provider registers
 * its dialect when its module loads; a third-party provider does the same from its own module.
 * Registering the same dialect object again does nothing; another dialect under a taken name is a
 * `DtdeConfigurationError`.
 *
 * @example
 * ```ts
 * import { registerDialect } from 'dtde/provider';
 * export const duckDialect = new DuckDialect(); // name: 'duckdb'
 * registerDialect(duckDialect);
 * ctx.orders.where((o) => o.total > 100).toQueryString({ dialect: 'duckdb' });
 * ```
 */
export function registerDialect(dialect: Dialect): void {
  const known = dialects.get(dialect.name);
  if (known === dialect) return;
  if (known !== undefined) {
    throw new DtdeConfigurationError(
      `A different dialect is already registered as '${dialect.name}'; give the new dialect a name of its own.`,
      { path: 'registerDialect' },
    );
  }
  dialects.set(dialect.name, dialect);
}

/**
 * The registered dialect called `name`. Throws `DtdeConfigurationError` listing the known names
 * when there is none.
 *
 * @example
 * ```ts
 * findDialect('mssql').renderSelect(statement).sql; // SELECT ... FROM [Customers_EU] AS [c] ...
 * ```
 */
export function findDialect(name: string): Dialect {
  const dialect = dialects.get(name);
  if (dialect !== undefined) return dialect;
  const known = [...dialects.keys()].sort().map((n) => `'${n}'`);
  throw new DtdeConfigurationError(
    `Unknown dialect '${name}'; the known dialects are ${known.length > 0 ? known.join(', ') : 'none'}. ` +
      `Pass one of those names, or a Dialect object (a provider's dialect, or one registered with registerDialect() from 'dtde/provider').`,
    { path: 'options.dialect' },
  );
}
