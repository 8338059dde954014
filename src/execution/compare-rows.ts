import { compareValues } from '../linq/evaluate/compare-values.js';
import type { MergeOrderKey, MergeRow } from '../planner/merge-plan.js';

/**
 * How an engine orders two non-null values of one column when that is not `compareValues`' order
 * (SQL Server's `uniqueidentifier`); supplied by the dialect (`Dialect.orderComparer`) per field.
 */
export type ValueComparer = (a: unknown, b: unknown) => number;

/**
 * The comparator of an ordering over row objects: per key, `compareValues` (nulls first), or the
 * field's own comparer from `comparers` for two non-null values; negated for descending keys (so
 * nulls come last there, as SQL Server and SQLite do); the first difference wins.
 *
 * @example
 * rows.sort(compareRowsBy([{ field: 'name', descending: false }]));
 * rows.sort(compareRowsBy([{ field: 'uuid', descending: false }], { uuid: compareMssqlUuid }));
 */
export function compareRowsBy(
  keys: readonly MergeOrderKey[],
  comparers: Readonly<Record<string, ValueComparer>> = {},
): (a: MergeRow, b: MergeRow) => number {
  const compare = keys.map((key): ValueComparer => {
    const own = comparers[key.field];
    if (own === undefined) return compareValues;
    return (x, y) => (x === null || x === undefined || y === null || y === undefined ? compareValues(x, y) : own(x, y));
  });
  return (a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const c = compare[i](a[key.field], b[key.field]);
      if (c !== 0) return key.descending ? -c : c;
    }
    return 0;
  };
}
