import type { DtdeContext } from '../context/dtde-context.js';
import { contextRuntime } from '../context/context-runtime.js';
import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { DtdeDatabaseError } from '../errors/dtde-database-error.js';
import { DtdeRoutingError } from '../errors/dtde-routing-error.js';
import { DtdeShardError } from '../errors/dtde-shard-error.js';
import { entityModelOf } from '../metadata/entity-model-of.js';
import type { EntityClass, ShardModel, ShardTarget } from '../metadata/model.js';
import { routeEntity } from '../routing/route-entity.js';
import { shardTargets } from '../metadata/shard-targets.js';
import { entityRowSchema } from './entity-row-schema.js';
import { insertEntityRows } from './insert-entity-rows.js';

export interface BulkLoadOptions {
  /** Rows read, validated and routed before any of them is written. Default 10,000. */
  readonly batchSize?: number;
  /** Stops the load between statements; the shard transaction in progress rolls back. */
  readonly signal?: AbortSignal;
}

export interface BulkLoadResult {
  readonly rowsLoaded: number;
  /** Rows written per shard, by qualified shard id (`group::id`; plain id in the default group); 0 for untouched shards. */
  readonly perShard: Readonly<Record<string, number>>;
}

const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Loads rows of one entity into their shards: a loader for initial data, seeding and tests, not
 * a unit of work. Rows are read in batches of `batchSize`; each batch is validated against the
 * model (required properties present, types and string lengths right) and routed by the shard key
 * in full before any of it is written, then each shard's rows of the batch are inserted in one
 * transaction on that shard (multi-row INSERT statements).
 *
 * Atomic per shard, NOT across shards: when a shard's transaction fails, that shard's rows of the
 * batch roll back, but shards (and batches) already committed stay written. A bad row stops the
 * load before its batch writes anything. Atomic multi-shard writes are `saveChanges`' job.
 *
 * Errors: `DtdeValidationError` (row index, property, fix), `DtdeRoutingError` (row index, key,
 * shards that exist; also for a row that belongs to a read-only shard), `DtdeShardError` (the
 * shard whose transaction failed, what was committed before it, the driver error as `cause`).
 *
 * @example
 * const { rowsLoaded, perShard } = await bulkLoad(ctx, Customer, customers);
 * // rowsLoaded: 3, perShard: { EU: 2, US: 1 }
 */
export async function bulkLoad<T extends object>(
  ctx: DtdeContext,
  entity: EntityClass<T>,
  rows: Iterable<T> | AsyncIterable<T>,
  options: BulkLoadOptions = {},
): Promise<BulkLoadResult> {
  const runtime = contextRuntime(ctx);
  const provider = runtime.ready('bulkLoad');
  const model = entityModelOf(runtime.model, entity, runtime.contextName);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new DtdeConfigurationError(`bulkLoad options.batchSize: expected an integer >= 1, got ${String(batchSize)}.`, {
      path: 'bulkLoad options.batchSize',
    });
  }
  const { signal } = options;
  const label = `bulkLoad(${model.name})`;
  const schema = entityRowSchema(model);
  const targets = new Map<ShardModel, ShardTarget>();
  const perShard: Record<string, number> = {};
  for (const target of shardTargets(model, runtime.layout, { maxIdentifierLength: runtime.options.maxIdentifierLength })) {
    targets.set(target.shard, target);
    perShard[target.shard.qualifiedId] = 0;
  }
  let rowsLoaded = 0;

  const route = (row: T, index: number): ShardTarget => {
    let shard: ShardModel;
    try {
      shard = routeEntity(model, runtime.layout, row);
    } catch (error) {
      if (!(error instanceof DtdeRoutingError)) throw error;
      const { entity: name, keyValue, availableShards } = error;
      throw new DtdeRoutingError(`${label}: row ${index}: ${error.message}`, { entity: name, keyValue, availableShards, cause: error });
    }
    if (shard.readOnly) {
      const shards = [...targets.keys()].map((s) => s.qualifiedId);
      throw new DtdeRoutingError(
        `${label}: row ${index} belongs to shard '${shard.qualifiedId}', which is read-only; remove the row from the load, or drop readOnly() from that shard's declaration.`,
        { entity: model.name, keyValue: shard.id, availableShards: shards },
      );
    }
    return targets.get(shard) ?? [...targets.values()].find((t) => t.shard.qualifiedId === shard.qualifiedId)!;
  };

  const flush = async (batch: T[], firstIndex: number): Promise<void> => {
    const byTarget = new Map<ShardTarget, T[]>();
    batch.forEach((row, offset) => {
      schema.check(row, firstIndex + offset, 'bulkLoad');
      const target = route(row, firstIndex + offset);
      const group = byTarget.get(target);
      if (group === undefined) byTarget.set(target, [row]);
      else group.push(row);
    });
    for (const [target, shardRows] of byTarget) {
      signal?.throwIfAborted();
      let inserted: number;
      try {
        inserted = await provider.driver.transaction(
          target.connection,
          (tx) => insertEntityRows(tx, provider.dialect, model, target.table, shardRows, signal),
          { signal },
        );
      } catch (error) {
        if (signal?.aborted && error === signal.reason) throw error;
        throw shardFailure(label, target, shardRows.length, firstIndex, rowsLoaded, perShard, error);
      }
      perShard[target.shard.qualifiedId] += inserted;
      rowsLoaded += inserted;
    }
  };

  let batch: T[] = [];
  let index = 0;
  for await (const row of rows) {
    batch.push(row);
    index++;
    if (batch.length === batchSize) {
      await flush(batch, index - batch.length);
      batch = [];
    }
  }
  if (batch.length > 0) await flush(batch, index - batch.length);
  return { rowsLoaded, perShard };
}

function shardFailure(
  label: string,
  target: ShardTarget,
  rowCount: number,
  firstIndex: number,
  rowsLoaded: number,
  perShard: Record<string, number>,
  cause: unknown,
): DtdeShardError {
  const committed = Object.entries(perShard)
    .filter(([, n]) => n > 0)
    .map(([id, n]) => `${id}: ${n}`);
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DtdeShardError(
    `${label}: writing ${rowCount} ${rowCount === 1 ? 'row' : 'rows'} of the batch starting at row ${firstIndex} to shard '${target.shard.qualifiedId}' (table ${target.table.name}) failed, ` +
      `so that shard's transaction was rolled back. bulkLoad is atomic per shard, not across shards: ${rowsLoaded} ${rowsLoaded === 1 ? 'row' : 'rows'} committed earlier stay written` +
      `${committed.length > 0 ? ` (${committed.join(', ')})` : ''}. Fix the cause and load the remaining rows, or start over with ensureDeleted/ensureCreated. Cause: ${reason}`,
    { shardId: target.shard.qualifiedId, sql: cause instanceof DtdeDatabaseError ? cause.sql : undefined, cause },
  );
}
