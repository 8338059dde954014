import { compareValues } from './compare-values.js';
import type { GroupAggregateMethod } from '../expression/expression.js';
import type { StringCollation } from './string-collation.js';

/** The aggregates that read values (count reads rows, not values). */
export type ValueAggregate = Exclude<GroupAggregateMethod, 'count'>;

/**
 * Aggregate already-selected values the way SQL does, which is also what dtde promises on the
 * client: null and undefined values are skipped; `sum` of no values is 0; `min`, `max` and
 * `average` of no (non-null) values are null. Callers that must throw on an empty sequence
 * (terminal `average()`, `min()`, `max()`) check emptiness before calling.
 *
 * bigint stays exact: when any value is a bigint (and every number is an integer) the sum is a
 * bigint; the average then divides the exact bigint sum, so only the final division rounds.
 *
 * @example
 * aggregateValues('sum', [1, null, 2]);   // 3
 * aggregateValues('sum', [2n ** 60n, 1n]); // 1152921504606846977n
 * aggregateValues('max', []);             // null
 */
export function aggregateValues(method: ValueAggregate, values: readonly unknown[], collation?: StringCollation): unknown {
  const present = values.filter((v) => v !== null && v !== undefined);
  switch (method) {
    case 'sum':
      return sum(present);
    case 'average':
      return present.length === 0 ? null : average(present);
    case 'min':
    case 'max': {
      if (present.length === 0) return null;
      const direction = method === 'min' ? -1 : 1;
      let best = present[0];
      for (const v of present) if (compareValues(v, best, collation) * direction > 0) best = v;
      return best;
    }
  }
}

function sum(values: readonly unknown[]): number | bigint {
  if (values.some((v) => typeof v === 'bigint') && values.every(isBigintOrInteger)) {
    let total = 0n;
    for (const v of values) total += BigInt(v as number | bigint);
    return total;
  }
  let total = 0;
  for (const v of values) total += Number(v);
  return total;
}

function average(values: readonly unknown[]): number {
  const total = sum(values);
  if (typeof total === 'number') return total / values.length;
  // Divide the exact sum in two steps so a sum above 2^53 does not lose its low digits first.
  const count = BigInt(values.length);
  return Number(total / count) + Number(total % count) / values.length;
}

function isBigintOrInteger(v: unknown): boolean {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}
