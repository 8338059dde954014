import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { DEFAULT_MAX_IDENTIFIER_LENGTH, shardTableSuffix, validateIdentifier } from './identifier.js';
import type { EntityModel, ShardLayout, ShardModel, ShardTarget, TableName } from './model.js';
import { DEFAULT_SHARD_GROUP } from './model.js';
import { applyTablePattern } from './sharding-builder.js';

export interface ShardTargetOptions {
  /** Longest table name accepted; default 128. */
  readonly maxIdentifierLength?: number;
}

// Targets are computed once per (entity, layout, limit): the planner asks on every query, and
// callers may compare the synthetic shards of manual and unsharded entities by identity.
const cache = new WeakMap<EntityModel, WeakMap<ShardLayout, Map<number, readonly ShardTarget[]>>>();

/**
 * Where each shard of an entity physically lives: the connection (null = the context's database)
 * and the table, in the shard order of the entity's group.
 *
 * - `tables` storage: `{Table}_{ShardId}` (the entity's pattern) in the shard's connection.
 * - `databases` storage: the entity's own table in the shard's connection; a shard declared without
 *   a connection is a configuration error. Shards declared with `addTableShardInDatabase` use the
 *   pattern in either mode.
 * - `manual`: one target per `addTable` table, in the context's database. Its shard is synthetic:
 *   id = table name without schema, default group, not read-only.
 * - unsharded: one target, the entity's own table in the context's database, with a synthetic shard
 *   whose id (and qualifiedId) is the table name.
 *
 * @example
 * shardTargets(model.entities.get(Customer)!, layout)
 * // [{ shard: EU, connection: null, table: { name: 'Customers_EU' } }, ...]
 */
export function shardTargets(entity: EntityModel, layout: ShardLayout, options: ShardTargetOptions = {}): readonly ShardTarget[] {
  const max = options.maxIdentifierLength ?? DEFAULT_MAX_IDENTIFIER_LENGTH;
  let byLayout = cache.get(entity);
  if (byLayout === undefined) cache.set(entity, (byLayout = new WeakMap()));
  let byLimit = byLayout.get(layout);
  if (byLimit === undefined) byLayout.set(layout, (byLimit = new Map()));
  let targets = byLimit.get(max);
  if (targets === undefined) {
    targets = Object.freeze(computeTargets(entity, layout, max));
    byLimit.set(max, targets);
  }
  return targets;
}

/**
 * The target of one shard of an entity (`shard` from the entity's group, or a synthetic shard from
 * `shardTargets` for manual and unsharded entities).
 */
export function shardTarget(entity: EntityModel, layout: ShardLayout, shard: ShardModel, options: ShardTargetOptions = {}): ShardTarget {
  const target = shardTargets(entity, layout, options).find((t) => t.shard === shard || t.shard.qualifiedId === shard.qualifiedId);
  if (target === undefined) {
    const path = `${entity.name}.shards`;
    throw new DtdeConfigurationError(
      `${path}: shard '${shard.qualifiedId}' is not a shard of ${entity.name}; use one of its shardTargets.`,
      {
        path,
      },
    );
  }
  return target;
}

/** The shards an entity uses: its group's shards, or the synthetic shards of manual and unsharded entities. */
export function entityShards(entity: EntityModel, layout: ShardLayout, options: ShardTargetOptions = {}): readonly ShardModel[] {
  return shardTargets(entity, layout, options).map((t) => t.shard);
}

function computeTargets(entity: EntityModel, layout: ShardLayout, max: number): ShardTarget[] {
  const sharding = entity.sharding;
  if (sharding === null) {
    return [target(syntheticShard(entity.table.name), null, entity.table)];
  }
  if (sharding.strategy === 'manual') {
    return sharding.tables.map((t) => target(syntheticShard(t.id), null, t.table));
  }
  const shards = layout.groups.get(sharding.shardGroup);
  if (shards === undefined) {
    const path = `${entity.name}.useShardGroup`;
    throw new DtdeConfigurationError(
      `${path}: shard group '${sharding.shardGroup}' is not declared; add it to the context options: ` +
        `shards: s => s.addShardGroup('${sharding.shardGroup}', g => g.addShards(...)).`,
      { path },
    );
  }
  return shards.map((shard) => {
    const patterned = (): TableName => {
      const path = `${entity.name}.withTablePattern`;
      const name = applyTablePattern(sharding.tablePattern, entity.table.name, shardTableSuffix(shard.id));
      const table = { name: validateIdentifier(name, `shard '${shard.qualifiedId}' table name`, path, max) };
      return entity.table.schema === undefined ? table : { ...table, schema: entity.table.schema };
    };
    if (shard.placement === 'tableInDatabase') return target(shard, shard.connection, patterned());
    if (sharding.storageMode === 'databases') {
      if (shard.connection === null) {
        const path = `${entity.name}.withStorageMode`;
        throw new DtdeConfigurationError(
          `${path}: ${entity.name} stores each shard in its own database, but shard '${shard.qualifiedId}' has no connection; ` +
            `declare it with addShard('${shard.id}', connection), or use withStorageMode('tables').`,
          { path },
        );
      }
      return target(shard, shard.connection, entity.table);
    }
    return target(shard, shard.connection, patterned());
  });
}

function syntheticShard(id: string): ShardModel {
  return Object.freeze({ id, group: DEFAULT_SHARD_GROUP, qualifiedId: id, placement: 'table', connection: null, readOnly: false });
}

function target(shard: ShardModel, connection: ShardModel['connection'], table: TableName): ShardTarget {
  return Object.freeze({ shard, connection, table: Object.freeze(table) });
}
