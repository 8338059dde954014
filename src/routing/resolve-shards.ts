import type { BoundLambda } from '../linq/expression/query-expression.js';
import type { EntityModel, ShardLayout, ShardModel } from '../metadata/model.js';
import { entityShards } from '../metadata/shard-targets.js';
import { extractShardKeyConstraint, shardKeyOf } from './extract-shard-key-constraint.js';
import { andConstraints, UNKNOWN_CONSTRAINT, type ShardKeyConstraint } from './shard-key-constraint.js';
import { selectDateShards } from './strategies/date-strategy.js';
import { selectHashShards } from './strategies/hash-strategy.js';
import { selectManualShards } from './strategies/manual-strategy.js';
import { selectValueShards } from './strategies/value-strategy.js';

export interface ShardResolution {
  /**
   * The shards to query, in layout order (declaration order of the entity's group; table order for
   * manual sharding). Empty when the predicates contradict each other on the key
   * (`c.region === 'EU' && c.region === 'US'`): the answer is empty without any I/O.
   */
  readonly shards: readonly ShardModel[];
  /** Every shard of the entity, in the same order (what a full fan-out queries). */
  readonly allShards: readonly ShardModel[];
  /** The constraint on the shard key that chose them (`unknown` for manual and unsharded entities). */
  readonly constraint: ShardKeyConstraint;
}

/**
 * The shards whose rows can satisfy every one of `predicates` (they are ANDed): each is reduced to
 * a constraint on the entity's shard key, which the entity's strategy turns into shards. Only the
 * configured shard key prunes; what cannot be reasoned about fans out. Unsharded entities get
 * their one synthetic shard. The one routing path: the planner calls it with a query's filters
 * (after `select` they are inlined over the row, so they still prune), and `routeEntity` applies
 * the same strategies to a single row.
 *
 * @example
 * resolveShards(customerModel, layout, [bindLambda('where', (c) => c.region === 'EU')]).shards; // [the EU shard]
 */
export function resolveShards(
  entity: EntityModel,
  layout: ShardLayout,
  predicates: readonly BoundLambda[],
): ShardResolution {
  const allShards = entityShards(entity, layout);
  const sharding = entity.sharding;
  if (sharding === null) return { shards: allShards, allShards, constraint: UNKNOWN_CONSTRAINT };
  if (sharding.strategy === 'manual') {
    const shards = selectManualShards(entity, sharding.tables, allShards, predicates);
    return { shards, allShards, constraint: UNKNOWN_CONSTRAINT };
  }
  const key = shardKeyOf(entity, sharding.property);
  // A date strategy reasons in dates whatever the declared column type says.
  const dateKey = key && sharding.strategy === 'date' ? { ...key, domain: 'date' as const } : key;
  let constraint: ShardKeyConstraint = UNKNOWN_CONSTRAINT;
  if (dateKey !== null) for (const p of predicates) constraint = andConstraints(constraint, extractShardKeyConstraint(p, dateKey));
  // Rows with a null key cannot be routed, but a nullable key may hold some written by other means.
  const effective = constraint.kind === 'set' && constraint.includesNull ? UNKNOWN_CONSTRAINT : constraint;
  let shards: ShardModel[];
  switch (sharding.strategy) {
    case 'value':
      shards = selectValueShards(effective, allShards, { domain: dateKey?.domain ?? 'string', caseSensitive: sharding.caseSensitive });
      break;
    case 'date':
      shards = selectDateShards(effective, allShards, sharding.interval, entity.name);
      break;
    case 'hash': {
      const uuid = entity.propertyByName.get(sharding.property)?.type.kind === 'uuid';
      shards = selectHashShards(effective, allShards, sharding.shardCount, entity.name, { uuid });
      break;
    }
  }
  return { shards, allShards, constraint };
}
