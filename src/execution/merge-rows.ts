import type { MergeRow, RowsMergePlan } from '../planner/merge-plan.js';
import { publishQueryDone, publishQueryPlan, queryDoneChannel, queryPlanChannel } from './diagnostics.js';
import type { FieldCollations } from './canonical-key.js';
import type { ValueComparer } from './compare-rows.js';
import { mergeConcat, mergeDistinct } from './merge-concat.js';
import { mergeGroups } from './merge-groups.js';
import { mergeOrdered } from './merge-ordered.js';
import { rowsOf } from './row-stream.js';
import {
  runShardCommands,
  type RunShardCommandsOptions,
  type ShardAccess,
  type ShardCommand,
  type ShardRun,
} from './run-shard-commands.js';

/** Options of `mergeRows` / `mergeValue`: the runner's bounds plus diagnostics context. */
export interface MergeOptions extends Omit<RunShardCommandsOptions, 'access'> {
  /** The entity name; when given, `dtde:query:plan` is published with the commands' shard ids. */
  readonly entity?: string;
  /** Why the plan has no command, published with it (see `ShardQueryPlan.noShardReason`). */
  readonly noShardReason?: string;
  /** Per row field, the engine's order where it is not dtde's default (see `Dialect.orderComparer`). */
  readonly comparers?: Readonly<Record<string, ValueComparer>>;
  /**
   * Per string field, the collation of a column that does not compare by code point: distinct rows
   * and group keys are equal under it, and `comparers` holds its order.
   */
  readonly collations?: FieldCollations;
}

/**
 * Runs the shard commands (bounded, cancellable) and merges their rows as `plan` says. Nothing
 * starts until the first `next()`; leaving the loop early (`break`, take reached) cancels the
 * commands still running and waits until their iterators are closed. Errors: `DtdeShardError`
 * naming the first failed shard, `DtdeTimeoutError`, or the abort signal's reason.
 *
 * @example
 * for await (const row of mergeRows(plan, commands, { maxParallel: 8, signal })) console.log(row);
 */
export function mergeRows(
  plan: RowsMergePlan,
  commands: readonly ShardCommand<MergeRow>[],
  options: MergeOptions,
): AsyncIterable<MergeRow> {
  return { [Symbol.asyncIterator]: () => runRowsMerge(plan, commands, options) };
}

async function* runRowsMerge(
  plan: RowsMergePlan,
  commands: readonly ShardCommand<MergeRow>[],
  options: MergeOptions,
): AsyncGenerator<MergeRow, void, undefined> {
  const started = performance.now();
  publishPlan(options, commands);
  let rowCount = 0;
  let error: unknown;
  const run = runShardCommands(commands, { ...options, access: shardAccessFor(plan) });
  try {
    for await (const row of openRowsMerge(plan, run, options)) {
      rowCount++;
      yield row;
    }
  } catch (e) {
    error = e;
    throw e;
  } finally {
    await run.close();
    publishDone(options.entity, started, rowCount, error);
  }
}

/** How a rows plan reads its shards: only the ordered merge needs every head at once. */
export function shardAccessFor(plan: RowsMergePlan): ShardAccess {
  return plan.kind === 'ordered' ? 'merge' : 'interleave';
}

/** The merged rows of `plan` over a run started with `shardAccessFor(plan)`. */
export function openRowsMerge(
  plan: RowsMergePlan,
  run: ShardRun<MergeRow>,
  { comparers, collations }: Pick<MergeOptions, 'comparers' | 'collations'> = {},
): AsyncIterable<MergeRow> {
  switch (plan.kind) {
    case 'ordered':
      return mergeOrdered(run.streams, plan, comparers, collations);
    case 'concat':
      return mergeConcat(rowsOf(run.interleaved), plan);
    case 'distinct':
      return mergeDistinct(rowsOf(run.interleaved), plan, collations);
    case 'groupBy':
      return mergeGroups(run.interleaved, plan, comparers, collations);
  }
}

export function publishPlan(options: MergeOptions, commands: readonly ShardCommand<unknown>[]): void {
  const { entity, noShardReason } = options;
  if (entity === undefined || !queryPlanChannel.hasSubscribers) return;
  const shardIds = commands.map((c) => c.shardId);
  publishQueryPlan(
    shardIds.length > 0
      ? { entity, shardIds }
      : { entity, shardIds, noShardMatched: true, reason: noShardReason ?? 'no shard can hold matching rows' },
  );
}

export function publishDone(entity: string | undefined, started: number, rowCount: number, error: unknown): void {
  // The message is built only for a listener: a small query should not pay for it.
  if (!queryDoneChannel.hasSubscribers) return;
  publishQueryDone({
    ...(entity !== undefined ? { entity } : {}),
    durationMs: performance.now() - started,
    rowCount,
    ...(error !== undefined ? { error } : {}),
  });
}
