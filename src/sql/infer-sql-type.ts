import type { SqlType } from './sql-ast.js';

/** The SQL type hint a JavaScript value carries on its own (without a column to compare with). */
export function inferSqlType(value: unknown): SqlType | null {
  switch (typeof value) {
    case 'string':
      return { kind: 'string' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'bigint':
      return { kind: 'bigint' };
    case 'number':
      if (!Number.isSafeInteger(value)) return { kind: 'float' };
      return value >= -2147483648 && value <= 2147483647 ? { kind: 'int' } : { kind: 'bigint' };
    default:
      return value instanceof Date ? { kind: 'dateTime' } : null;
  }
}
