import { BINARY_COLLATION, type StringCollation } from './string-collation.js';

/**
 * A string that is the same for two values exactly when they are deeply equal under dtde's
 * value equality (see `valuesEqual`): null and undefined alike, Dates by instant, a number and a
 * bigint of the same integer value alike, strings by the `collation`'s key, plain objects and arrays element by element (object
 * keys in any order). Used to key groups and to find distinct rows in one pass.
 *
 * @example
 * valueKey({ a: 1, d: new Date(0) }) === valueKey({ d: new Date(0), a: 1n }); // true
 */
export function valueKey(value: unknown, collation: StringCollation = BINARY_COLLATION): string {
  if (value === null || value === undefined) return 'n';
  switch (typeof value) {
    case 'string':
      return `s${JSON.stringify(collation.key(value))}`;
    case 'boolean':
      return value ? 'T' : 'F';
    case 'bigint':
      return `i${value.toString()}`;
    case 'number':
      // Integers share the bigint spelling so 1 and 1n key alike; -0 is 0, as in SQL.
      if (Number.isInteger(value)) return `i${BigInt(value).toString()}`;
      return `f${String(value)}`;
    case 'object':
      if (value instanceof Date) return `D${value.getTime()}`;
      if (Array.isArray(value)) return `[${value.map((v) => valueKey(v, collation)).join(',')}]`;
      return objectKey(value as Record<string, unknown>, collation);
    default:
      // Functions and symbols never come out of an evaluated expression; key them by type only.
      return `?${typeof value}`;
  }
}

function objectKey(value: Record<string, unknown>, collation: StringCollation): string {
  const names = Object.keys(value).sort();
  return `{${names.map((name) => `${JSON.stringify(name)}:${valueKey(value[name], collation)}`).join(',')}}`;
}
