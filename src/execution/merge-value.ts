import type { MergeRow, ValueMergePlan } from '../planner/merge-plan.js';
import { mergeAggregate } from './merge-aggregate.js';
import { takeElement } from './merge-element.js';
import { openRowsMerge, publishDone, publishPlan, shardAccessFor, type MergeOptions } from './merge-rows.js';
import { rowsOf } from './row-stream.js';
import { runShardCommands, type ShardCommand } from './run-shard-commands.js';

/**
 * Runs the shard commands and combines their answers into one value as `plan` says: a count,
 * sum, min, max, average, boolean (any/all, which cancel the other shards once decided), or a
 * row / null (first, single...). Rejects with `DtdeShardError`, `DtdeTimeoutError`, the abort
 * reason, or `DtdeInvalidOperationError` (no elements, more than one element). All commands are
 * finished or cancelled and closed before it settles.
 *
 * @example
 * const n = await mergeValue({ kind: 'aggregate', op: 'count', countField: 'n' }, commands, { maxParallel: 8 });
 */
export async function mergeValue(
  plan: ValueMergePlan,
  commands: readonly ShardCommand<MergeRow>[],
  options: MergeOptions,
): Promise<unknown> {
  const started = performance.now();
  publishPlan(options, commands);
  let error: unknown;
  const access = plan.kind === 'aggregate' ? 'interleave' : shardAccessFor(plan.source);
  const run = runShardCommands(commands, { ...options, access });
  try {
    switch (plan.kind) {
      case 'aggregate':
        return await mergeAggregate(rowsOf(run.interleaved), plan, options.comparers);
      case 'element':
        return await takeElement(openRowsMerge(plan.source, run, options), plan.op);
    }
  } catch (e) {
    error = e;
    throw e;
  } finally {
    await run.close();
    publishDone(options.entity, started, error === undefined ? 1 : 0, error);
  }
}
