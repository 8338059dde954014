import type { StringCollation } from '../linq/evaluate/string-collation.js';

/** Per row field, the collation its strings compare with where it is not code point (see `fieldCollations`). */
export type FieldCollations = Readonly<Record<string, StringCollation>>;

/**
 * A string that is equal for two values exactly when the merge must treat them as the same
 * (distinct rows, group keys): dates by time, a bigint equals the number of the same value
 * (`1n` and `1`), `-0` equals `0`, null equals undefined, plain objects by their properties in any
 * order, arrays and byte arrays by content.
 *
 * @example
 * canonicalKey(new Date(0)) === canonicalKey(new Date(0)); // true
 * canonicalKey(1n) === canonicalKey(1);                     // true
 */
export function canonicalKey(value: unknown, collation?: StringCollation): string {
  if (value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'string':
      return `s${JSON.stringify(collation === undefined ? value : collation.key(value))}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'bigint':
      return `i${value.toString()}`;
    case 'number':
      // Integral numbers share the bigint encoding so 1 and 1n meet; -0 becomes 0.
      if (Number.isInteger(value)) return `i${BigInt(value).toString()}`;
      return `n${String(value)}`;
    case 'object':
      return canonicalObject(value);
    default:
      return `u${String(value)}`;
  }
}

function canonicalObject(value: object): string {
  if (value instanceof Date) return `d${String(value.getTime())}`;
  if (value instanceof Uint8Array) return `x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (Array.isArray(value)) return `[${value.map((v) => canonicalKey(v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalKey(record[k])}`).join(',')}}`;
}

/** The canonical key of a row restricted to `fields` (group keys), strings by their field's collation. */
export function canonicalFields(
  row: Readonly<Record<string, unknown>>,
  fields: readonly { readonly field: string }[],
  collations: FieldCollations = {},
): string {
  return fields.map((f) => canonicalKey(row[f.field], collations[f.field])).join('|');
}

/** The canonical key of a whole row (distinct rows), strings by their field's collation. */
export function canonicalRow(row: Readonly<Record<string, unknown>>, collations: FieldCollations = {}): string {
  const fields = Object.keys(row).sort();
  return `{${fields.map((k) => `${JSON.stringify(k)}:${canonicalKey(row[k], collations[k])}`).join(',')}}`;
}
