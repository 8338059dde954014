import type { AggregateMergePlan, MergeRow, PartialAggregate } from '../planner/merge-plan.js';
import type { ValueComparer } from './compare-rows.js';
import { toCount } from './exact-sum.js';
import { PartialAccumulator } from './partial-accumulator.js';

/**
 * Applies an `aggregate` plan to the per-shard partial rows (one per shard, or none). `any` and
 * `all` return at the first decisive row, which closes `rows` and so cancels the other shards.
 *
 * @example
 * await mergeAggregate(rowsOf(run.interleaved), { kind: 'aggregate', op: 'count', countField: 'n' });
 */
export async function mergeAggregate(
  rows: AsyncIterable<MergeRow>,
  plan: AggregateMergePlan,
  comparers?: Readonly<Record<string, ValueComparer>>,
): Promise<unknown> {
  if (plan.op === 'any' || plan.op === 'all') {
    const decisive = plan.op === 'any';
    for await (const row of rows) {
      const flag = plan.field === undefined ? plan.op === 'any' : toFlag(row[plan.field]);
      if (flag === decisive) return decisive;
    }
    return !decisive;
  }
  // TypeScript does not narrow this intersection-of-union by `op`; any/all returned above.
  const accumulator = new PartialAccumulator(plan as PartialAggregate, comparers);
  let rowCount = 0n;
  for await (const row of rows) {
    accumulator.add(row);
    if (plan.rowCountField !== undefined) rowCount += toCount(row[plan.rowCountField]);
  }
  // Rows that exist but hold only nulls give null; only "no rows at all" is empty.
  const hasRows = plan.rowCountField !== undefined && rowCount > 0n;
  return accumulator.result(hasRows ? 'null' : (plan.onEmpty ?? 'throw'));
}

/**
 * A boolean as drivers return it: true/false, 1/0, 1n/0n, '1'/'0', 't'/'f', 'true'/'false';
 * null (no answer) is false.
 */
export function toFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return !['0', 'f', 'false', ''].includes(value.trim().toLowerCase());
  return true;
}
