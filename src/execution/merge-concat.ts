import type { ConcatMergePlan, DistinctMergePlan, MergeRow } from '../planner/merge-plan.js';
import type { FieldCollations } from './canonical-key.js';
import { distinctRows, skipTake, stripRows } from './row-stream.js';

/**
 * Applies a `concat` plan to rows in arrival order: strip helper columns, then skip and take.
 *
 * @example
 * for await (const row of mergeConcat(rowsOf(run.interleaved), { kind: 'concat', take: 10 })) ...
 */
export function mergeConcat(rows: AsyncIterable<MergeRow>, plan: ConcatMergePlan): AsyncGenerator<MergeRow, void, undefined> {
  return skipTake(stripRows(rows, plan.stripFields), plan.skip, plan.take);
}

/**
 * Applies an unordered `distinct` plan: strip, drop rows already seen (dates by time, `1n`
 * equals `1`, strings by their field's collation), then skip and take. Rows keep their arrival order.
 */
export function mergeDistinct(
  rows: AsyncIterable<MergeRow>,
  plan: DistinctMergePlan,
  collations?: FieldCollations,
): AsyncGenerator<MergeRow, void, undefined> {
  return skipTake(distinctRows(stripRows(rows, plan.stripFields), collations), plan.skip, plan.take);
}
