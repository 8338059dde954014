import type { GroupByMergePlan, MergeRow } from '../planner/merge-plan.js';
import { canonicalFields, type FieldCollations } from './canonical-key.js';
import { compareRowsBy, type ValueComparer } from './compare-rows.js';
import { PartialAccumulator } from './partial-accumulator.js';
import type { ShardRow } from './run-shard-commands.js';
import { stripRow } from './row-stream.js';

interface Group {
  readonly first: MergeRow;
  readonly shardIndex: number;
  readonly position: number;
  readonly accumulators: PartialAccumulator[];
}

/**
 * Applies a `groupBy` plan to per-shard partial groups: merges groups by key equality (strings
 * by their field's collation, so `bob` and `Bob` are one group of a case-insensitive column), computes
 * each aggregate from its partials (average = total sum / total count), then the optional order,
 * skip and take. Without `order`, groups come in order of first appearance by shard index, then
 * the shard's row order, whatever order shards answered in. Reads every row before yielding;
 * memory is one entry per group.
 *
 * @example
 * for await (const row of mergeGroups(run.interleaved, plan)) ...
 */
export async function* mergeGroups(
  rows: AsyncIterable<ShardRow<MergeRow>>,
  plan: GroupByMergePlan,
  comparers: Readonly<Record<string, ValueComparer>> = {},
  collations?: FieldCollations,
): AsyncGenerator<MergeRow, void, undefined> {
  const groups = new Map<string, Group>();
  const positions: number[] = [];
  for await (const { shardIndex, row } of rows) {
    if (plan.rowCountField !== undefined && Number(row[plan.rowCountField]) === 0) continue; // an empty shard's aggregate row
    const position = (positions[shardIndex] = (positions[shardIndex] ?? -1) + 1);
    const key = canonicalFields(row, plan.keys, collations);
    let group = groups.get(key);
    if (!group) {
      group = { first: row, shardIndex, position, accumulators: plan.aggregates.map((a) => new PartialAccumulator(a, comparers)) };
      groups.set(key, group);
    } else if (shardIndex < group.shardIndex || (shardIndex === group.shardIndex && position < group.position)) {
      // Arrival order is not shard order: keep the earliest appearance as the group's representative.
      group = { ...group, first: row, shardIndex, position };
      groups.set(key, group);
    }
    for (const accumulator of group.accumulators) accumulator.add(row);
  }

  const ordered = [...groups.values()].sort((a, b) => a.shardIndex - b.shardIndex || a.position - b.position);
  let output = ordered.map((group) => {
    const out: Record<string, unknown> = {};
    for (const key of plan.keys) out[key.field] = group.first[key.field];
    plan.aggregates.forEach((aggregate, i) => {
      // A group has at least one row, so empty min/max/average mean all-null values: null, as LINQ.
      out[aggregate.output] = group.accumulators[i].result('null');
    });
    return out as MergeRow;
  });
  if (plan.order && plan.order.length > 0) output = output.sort(compareRowsBy(plan.order, comparers)); // stable
  const skip = plan.skip ?? 0;
  const end = plan.take === undefined ? output.length : skip + Math.max(0, plan.take);
  for (const row of output.slice(skip, end)) yield stripRow(row, plan.stripFields);
}
