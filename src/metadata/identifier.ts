import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { TableName } from './model.js';

/**
 * SQL identifiers (tables, schemas, columns, shard table suffixes) are validated once, when the
 * model or the shard layout is configured, so nothing unsafe can reach SQL text at query time.
 * The rule is deliberately narrow and the same for every dialect: ASCII letters, digits and
 * underscore, at most `maxLength` characters (SQL Server allows 128; PostgreSQL 63).
 */

/** SQL Server's limit; a context can lower it with the `maxIdentifierLength` option. */
export const DEFAULT_MAX_IDENTIFIER_LENGTH = 128;

const IDENTIFIER = /^[A-Za-z0-9_]+$/;
// Shard ids appear in date form (`2024-06-15`) and in logs as `group::id`, so they may hold `-` and
// `.` (removed from the table suffix) but never `:`.
const SHARD_ID = /^[A-Za-z0-9_.-]+$/;
const GROUP_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * Throws a DtdeConfigurationError unless `value` is a safe identifier.
 *
 * @example
 * validateIdentifier('Customers', 'table name', 'Customer.toTable'); // ok
 * validateIdentifier('Customers; drop', 'table name', 'Customer.toTable'); // throws
 */
export function validateIdentifier(
  value: string,
  what: string,
  path: string,
  maxLength: number = DEFAULT_MAX_IDENTIFIER_LENGTH,
  hint = '',
): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new DtdeConfigurationError(
      `${path}: ${what} ${describe(value)} is not a safe SQL identifier; use only ASCII letters, digits and underscore${hint}.`,
      { path },
    );
  }
  if (value.length > maxLength) {
    throw new DtdeConfigurationError(
      `${path}: ${what} '${value}' is ${value.length} characters long, over the limit of ${maxLength}; choose a shorter name${hint}.`,
      { path },
    );
  }
  return value;
}

/** Throws unless `id` is a usable shard id (letters, digits, `_`, `-`, `.`) with a non-empty table suffix. */
export function validateShardId(id: string, path: string): string {
  if (typeof id !== 'string' || !SHARD_ID.test(id)) {
    throw new DtdeConfigurationError(
      `${path}: shard id ${describe(id)} is not allowed; use ASCII letters, digits, '_', '-' or '.' (e.g. 'EU', '2024Q2', '2024-06').`,
      { path },
    );
  }
  if (shardTableSuffix(id) === '') {
    throw new DtdeConfigurationError(
      `${path}: shard id '${id}' has no letter, digit or underscore left for its table suffix; give it at least one.`,
      { path },
    );
  }
  return id;
}

/** Throws unless `name` is a usable shard group name (letters, digits, `_`, `-`). */
export function validateGroupName(name: string, path: string): string {
  if (typeof name !== 'string' || !GROUP_NAME.test(name)) {
    throw new DtdeConfigurationError(`${path}: shard group name ${describe(name)} is not allowed; use ASCII letters, digits, '_' or '-'.`, {
      path,
    });
  }
  return name;
}

/**
 * The table suffix of a shard id: the id with every character that is not a letter, digit or
 * underscore removed (`2024Q2` -> `2024Q2`, `2024-06` -> `202406`).
 */
export function shardTableSuffix(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '');
}

/**
 * Splits `'dbo.Orders_2023'` into `{ schema: 'dbo', name: 'Orders_2023' }` and validates both parts.
 */
export function parseQualifiedTableName(qualified: string, path: string, maxLength?: number): TableName {
  if (typeof qualified !== 'string') {
    throw new DtdeConfigurationError(`${path}: expected a table name such as 'dbo.Orders_2023', got ${describe(qualified)}.`, { path });
  }
  const parts = qualified.split('.');
  if (parts.length > 2) {
    throw new DtdeConfigurationError(`${path}: table name '${qualified}' has more than one '.'; write 'schema.table' or 'table'.`, {
      path,
    });
  }
  const name = validateIdentifier(parts[parts.length - 1]!, 'table name', path, maxLength);
  if (parts.length === 1) return { name };
  return { schema: validateIdentifier(parts[0]!, 'schema name', path, maxLength), name };
}

/** `dbo.Orders` or `Orders`, for messages. */
export function formatTableName(table: TableName): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : `${String(value)} (${typeof value})`;
}
