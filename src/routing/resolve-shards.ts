import type { BoundLambda } from '../linq/expression/query-expression.js';
import type { EntityModel, ShardLayout, ShardModel } from '../metadata/model.js';
import { entityShards } from '../metadata/shard-targets.js';
import { extractShardKeyConstraint, shardKeyOf } from './extract-shard-key-constraint.js';
import {
  andConstraints,
  constraintPoints,
  pointsConstraint,
  UNKNOWN_CONSTRAINT,
  type KeyValue,
  type ShardKeyConstraint,
} from './shard-key-constraint.js';
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
  /**
   * Values the filters pin the shard key to (`===`, `includes`) that name no shard, such as `'UK'`
   * among shards EU and US; empty otherwise. The `strictRouting` option makes them an error.
   */
  readonly unmatched: readonly KeyValue[];
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
export function resolveShards(entity: EntityModel, layout: ShardLayout, predicates: readonly BoundLambda[]): ShardResolution {
  const allShards = entityShards(entity, layout);
  const sharding = entity.sharding;
  if (sharding === null) return { shards: allShards, allShards, constraint: UNKNOWN_CONSTRAINT, unmatched: [] };
  if (sharding.strategy === 'manual') {
    const shards = selectManualShards(entity, sharding.tables, allShards, predicates);
    return { shards, allShards, constraint: UNKNOWN_CONSTRAINT, unmatched: [] };
  }
  const key = shardKeyOf(entity, sharding.property);
  // A date strategy reasons in dates whatever the declared column type says.
  const dateKey = key && sharding.strategy === 'date' ? { ...key, domain: 'date' as const } : key;
  let constraint: ShardKeyConstraint = UNKNOWN_CONSTRAINT;
  if (dateKey !== null) for (const p of predicates) constraint = andConstraints(constraint, extractShardKeyConstraint(p, dateKey));
  // Rows with a null key cannot be routed, but a nullable key may hold some written by other means.
  const effective = constraint.kind === 'set' && constraint.includesNull ? UNKNOWN_CONSTRAINT : constraint;
  const select = (c: ShardKeyConstraint): ShardModel[] => {
    switch (sharding.strategy) {
      case 'value':
        return selectValueShards(c, allShards, { domain: dateKey?.domain ?? 'string', caseSensitive: sharding.caseSensitive });
      case 'date':
        return selectDateShards(c, allShards, sharding.interval, entity.name);
      case 'hash': {
        const uuid = entity.propertyByName.get(sharding.property)?.type.kind === 'uuid';
        return selectHashShards(c, allShards, sharding.shardCount, entity.name, { uuid });
      }
    }
  };
  // Pinned values are few (an equality or an IN list): each is routed alone to find those with no shard.
  const points = sharding.strategy === 'hash' ? null : constraintPoints(effective);
  const unmatched = points === null ? [] : points.filter((p) => select(pointsConstraint([p])).length === 0);
  return { shards: select(effective), allShards, constraint, unmatched };
}
