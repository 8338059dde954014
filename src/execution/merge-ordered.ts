import type { MergeRow, OrderedMergePlan } from '../planner/merge-plan.js';
import type { FieldCollations } from './canonical-key.js';
import { compareRowsBy, type ValueComparer } from './compare-rows.js';
import { kWayMerge } from './k-way-merge.js';
import { distinctRows, skipTake, stripRows } from './row-stream.js';

/**
 * Applies an `ordered` plan to per-shard streams, each sorted by `plan.keys`: k-way merge (ties
 * by shard index; a field in `comparers` compares in its engine's order), strip helper columns,
 * optional distinct, then skip and take once. Pulls no
 * more rows than `skip + take` (plus duplicates) need.
 *
 * @example
 * for await (const row of mergeOrdered(run.streams, plan)) ...
 */
export function mergeOrdered(
  streams: readonly AsyncIterable<MergeRow>[],
  plan: OrderedMergePlan,
  comparers?: Readonly<Record<string, ValueComparer>>,
  collations?: FieldCollations,
): AsyncIterable<MergeRow> {
  const compare = compareRowsBy(plan.keys, comparers);
  if (plan.distinct) {
    // Distinct compares rows without their helper columns, and skips what it keeps.
    return skipTake(distinctRows(stripRows(kWayMerge(streams, compare), plan.stripFields), collations), plan.skip, plan.take);
  }
  // The merge drops the skipped rows itself; only the rows of the page are stripped.
  return stripRows(skipTake(kWayMerge(streams, compare, plan.skip), 0, plan.take), plan.stripFields);
}
