import { BINARY_COLLATION, type StringCollation } from './string-collation.js';

/**
 * Value equality as dtde promises it for `===`, `==`, `includes` (IN), `distinct` and group keys.
 * It is JavaScript's `===` with the three changes that make it agree with SQL on a column:
 * - null and undefined are equal to each other (a missing column value is null);
 * - two Dates are equal when they hold the same instant (`getTime()`), as SQL compares values;
 * - a number and a bigint are equal when they hold the same value (`1 === 1n` in SQL terms).
 * - two strings are equal when the `collation` calls them equal (code point by default; a
 *   case-insensitive column's `'bob' === 'Bob'` is true, as on its engine).
 * Otherwise there is no coercion: `'1'` does not equal `1`, even under `==`.
 *
 * @example
 * valuesEqual(new Date(0), new Date(0)); // true
 * valuesEqual(null, undefined);          // true
 */
export function valuesEqual(a: unknown, b: unknown, collation: StringCollation = BINARY_COLLATION): boolean {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'bigint' && typeof b === 'number') return Number.isInteger(b) && a === BigInt(b);
  if (typeof a === 'number' && typeof b === 'bigint') return Number.isInteger(a) && BigInt(a) === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b || collation.compare(a, b) === 0;
  return a === b;
}
