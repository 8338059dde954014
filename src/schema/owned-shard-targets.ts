import type { EntityModel, Model, ShardLayout, ShardTarget } from '../metadata/model.js';
import { shardTargets, type ShardTargetOptions } from '../metadata/shard-targets.js';

/** One table dtde creates and drops: a shard target of a non-manual entity. */
export interface OwnedShardTarget {
  readonly entity: EntityModel;
  readonly target: ShardTarget;
}

/**
 * Every table dtde owns for a model and shard layout: each shard target of each sharded entity
 * and the single table of each unsharded one. Manual sharding's tables pre-exist and belong to
 * the user, so they are never listed (never created, never dropped).
 *
 * @example
 * ownedShardTargets(ctx.model, ctx.shardLayout).map((t) => t.target.table.name);
 * // ['Customers_EU', 'Customers_US', 'Orders', 'Orders', ...]
 */
export function ownedShardTargets(model: Model, layout: ShardLayout, options: ShardTargetOptions = {}): OwnedShardTarget[] {
  const owned: OwnedShardTarget[] = [];
  for (const entity of model.entities.values()) {
    if (isManual(entity)) continue;
    for (const target of shardTargets(entity, layout, options)) owned.push({ entity, target });
  }
  return owned;
}

/** Manual sharding maps an entity onto pre-existing tables that dtde must never create or drop. */
export function isManual(entity: EntityModel): boolean {
  return entity.sharding !== null && (entity.sharding.strategy === 'manual' || entity.sharding.storageMode === 'manual');
}
