import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { DriverParameters, TypedParameter } from '../database-driver.js';

/**
 * The values to bind to `$1`, `$2`…, in order: an array of values as it is, or a typed list (the
 * dialect's `BoundParameter[]`, names `'1'`, `'2'`…) by its values; the dialect has already written
 * each type into the SQL (`$1::int8`). PostgreSQL has no named parameters, so an object of named
 * values is refused with a `DtdeDatabaseError`.
 */
export function toPostgresValues(parameters: DriverParameters, database: string): readonly unknown[] {
  if (!Array.isArray(parameters)) {
    throw new DtdeDatabaseError(
      `PostgreSQL parameters are positional ($1, $2, …); pass the values as an array, not an object of named values (database ${database}).`,
      { reason: 'failed', database },
    );
  }
  if (parameters.length > 0 && parameters.every(isTypedParameter)) return (parameters as readonly TypedParameter[]).map((p) => p.value);
  return parameters;
}

/** Bound values are never plain objects with these three keys (they are text, numbers, bigints, Dates, null). */
function isTypedParameter(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Date || ArrayBuffer.isView(value)) return false;
  const candidate = value as Partial<Record<keyof TypedParameter, unknown>>;
  return typeof candidate.name === 'string' && typeof candidate.sqlType === 'string' && 'value' in candidate;
}
