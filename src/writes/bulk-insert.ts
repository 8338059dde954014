import { runAll } from './run-all.js';
import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { EntityModel } from '../metadata/model.js';
import { shardTargets } from '../metadata/shard-targets.js';
import type { PendingChange } from './pending-change.js';
import { planChanges } from './plan-changes.js';
import { validateChanges } from './validate-changes.js';
import type { WriteRuntime } from './write-runtime.js';
import type { WriteSession } from './write-session.js';

export interface BulkInsertOptions {
  /** Rows read, validated and routed before any of them is sent. Default 10,000. */
  readonly batchSize?: number;
  /** Stops the insert between statements; everything inserted so far rolls back. */
  readonly signal?: AbortSignal;
}

export interface BulkInsertResult {
  readonly rowsInserted: number;
  /** Rows inserted per shard, by qualified shard id (`group::id`; plain id in the default group); 0 for untouched shards. */
  readonly perShard: Readonly<Record<string, number>>;
}

const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Inserts many rows of one entity in `session`: each batch is validated (every bad field of every
 * row in one error) and routed in full before any of it is sent, then written as multi-row INSERT
 * statements within the dialect's limits (rows and parameters per statement). Atomic across every
 * shard and batch: the caller commits the session once, with the cross-database protocol when
 * the rows span databases.
 */
export async function bulkInsert(
  session: WriteSession,
  runtime: WriteRuntime,
  entity: EntityModel,
  rows: Iterable<object> | AsyncIterable<object>,
  options: BulkInsertOptions = {},
): Promise<BulkInsertResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new DtdeConfigurationError(`bulkInsert options.batchSize: expected an integer >= 1, got ${String(batchSize)}.`, {
      path: 'bulkInsert options.batchSize',
    });
  }
  const perShard: Record<string, number> = {};
  for (const target of shardTargets(entity, runtime.layout, { maxIdentifierLength: runtime.maxIdentifierLength }))
    perShard[target.shard.qualifiedId] = 0;
  let rowsInserted = 0;
  let firstIndex = 0;
  const flush = async (batch: object[]): Promise<void> => {
    const changes: PendingChange[] = batch.map((object) => ({ kind: 'add', entity, object }));
    validateChanges(changes, `bulkInsert(${entity.name})`, { firstIndex, noun: 'row' });
    await runtime.ensureShards?.(entity, batch);
    const plan = planChanges(changes, runtime, { operation: `bulkInsert(${entity.name})`, firstIndex, noun: 'row' });
    await session.run(plan.statements, options.signal);
    session.onCommit(() => runAll(plan.afterCommit));
    for (const s of plan.statements) perShard[s.target.shard.qualifiedId] += s.insertedRows ?? 0;
    rowsInserted += batch.length;
    firstIndex += batch.length;
  };
  let batch: object[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === batchSize) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await flush(batch);
  return { rowsInserted, perShard };
}
