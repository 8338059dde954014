import { BINARY_COLLATION, type StringCollation } from './string-collation.js';

/**
 * The one ordering dtde uses on the client: in the in-memory evaluator and when merging shard
 * streams. It matches what SQLite and SQL Server do on one table for the types we support:
 * null (and undefined) sort first ascending; numbers, bigints and dates compare exactly
 * (a bigint and a number compare by value, never through a lossy conversion); booleans as
 * false < true; strings by code point, which is SQLite's BINARY collation, unless a `collation`
 * says otherwise (a column declared `.collation('und-u-ks-level2')`).
 */

export function compareValues(a: unknown, b: unknown, collation: StringCollation = BINARY_COLLATION): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? -1 : 1;

  if (typeof a === 'string' && typeof b === 'string') return collation.compare(a, b);
  if (a instanceof Date && b instanceof Date) return sign(a.getTime() - b.getTime());
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (isNumeric(a) && isNumeric(b)) return compareNumeric(a, b);
  // Mixed types do not occur in a well-typed column; order them by type name so the sort is total.
  const ta = typeName(a);
  const tb = typeName(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

function isNumeric(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // number vs bigint: JavaScript's relational operators compare these exactly.
  return a < b ? -1 : a > b ? 1 : 0;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function typeName(v: unknown): string {
  return v instanceof Date ? 'date' : typeof v;
}
