import { compareValues } from '../linq/evaluate/compare-values.js';
import type { MergeOrderKey, MergeRow } from '../planner/merge-plan.js';

/**
 * The comparator of an ordering over row objects: `compareValues` per key (nulls first), negated
 * for descending keys (so nulls come last there, as SQL Server and SQLite do), first difference wins.
 *
 * @example
 * rows.sort(compareRowsBy([{ field: 'name', descending: false }]));
 */
export function compareRowsBy(keys: readonly MergeOrderKey[]): (a: MergeRow, b: MergeRow) => number {
  return (a, b) => {
    for (const key of keys) {
      const c = compareValues(a[key.field], b[key.field]);
      if (c !== 0) return key.descending ? -c : c;
    }
    return 0;
  };
}
