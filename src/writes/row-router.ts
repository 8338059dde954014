import { DtdeRoutingError } from '../errors/dtde-routing-error.js';
import type { EntityModel, ShardModel, ShardTarget } from '../metadata/model.js';
import { shardTargets } from '../metadata/shard-targets.js';
import { routeEntity } from '../routing/route-entity.js';
import type { WriteRuntime } from './write-runtime.js';

/** Routes one row of an entity to the target it is written to; `operation` names the write in errors. */
export type RowRouter = (row: Readonly<Record<string, unknown>>, operation: string) => ShardTarget;

/**
 * The router of `entity`'s rows for one write: `routeEntity` picks the shard, which must not be
 * read-only (`DtdeRoutingError` otherwise). The shard's target is found through a map built once,
 * and under `shardBy` (a handful of key values) each key value is routed once: a bulk insert
 * routes thousands of rows.
 *
 * @example
 * const route = rowRouter(customer, runtime);
 * route({ id: 1, region: 'US', ... }, 'add').table; // { name: 'Customers_US' }
 */
export function rowRouter(entity: EntityModel, runtime: WriteRuntime): RowRouter {
  const targets = shardTargets(entity, runtime.layout, { maxIdentifierLength: runtime.maxIdentifierLength });
  const byShard = new Map<ShardModel, ShardTarget>(targets.map((t) => [t.shard, t]));
  const targetOf = (shard: ShardModel): ShardTarget =>
    byShard.get(shard) ?? targets.find((t) => t.shard.qualifiedId === shard.qualifiedId)!;
  const sharding = entity.sharding;
  const memo = sharding?.strategy === 'value' ? new Map<unknown, ShardModel>() : null;
  const keyProperty = sharding !== null && sharding.strategy !== 'manual' ? sharding.property : null;
  return (row, operation) => {
    let shard: ShardModel | undefined;
    const key = keyProperty === null ? undefined : row[keyProperty];
    // Only text and numbers route by their value alone (a Date is an object, an object's identity says nothing).
    const memoable = memo !== null && (typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint');
    if (memoable) shard = memo.get(key);
    if (shard === undefined) {
      shard = routeEntity(entity, runtime.layout, row);
      if (memoable) memo.set(key, shard);
    }
    if (shard.readOnly) {
      throw new DtdeRoutingError(
        `Cannot ${operation} ${entity.name}: its row belongs to shard '${shard.qualifiedId}', which is read-only. ` +
          "Write to another shard, or drop readOnly() from that shard's declaration.",
        { entity: entity.name, keyValue: shard.id, availableShards: targets.map((t) => t.shard.qualifiedId) },
      );
    }
    return targetOf(shard);
  };
}

/**
 * `error` as thrown, unless it is a `DtdeRoutingError`: then the same error with `where` (the
 * operation and the row's position, as validation names them) in front of its message.
 */
export function routingErrorAt(error: unknown, where: string): unknown {
  if (!(error instanceof DtdeRoutingError)) return error;
  const { entity, keyValue, availableShards } = error;
  return new DtdeRoutingError(`${where}: ${error.message}`, { entity, keyValue, availableShards, cause: error });
}
