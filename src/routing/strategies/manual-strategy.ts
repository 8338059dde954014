import { rowMembers } from '../../linq/expression/row-members.js';
import type { BoundLambda } from '../../linq/expression/query-expression.js';
import type { EntityModel, ManualShardTable, ShardModel } from '../../metadata/model.js';
import { extractShardKeyConstraint, shardKeyOf } from '../extract-shard-key-constraint.js';
import { andConstraints, constraintsOverlap, UNKNOWN_CONSTRAINT, type ShardKeyConstraint } from '../shard-key-constraint.js';

/**
 * Manual sharding: pre-existing tables, each holding the rows its own predicate accepts
 * (`(o, p) => o.orderDate >= p.from && o.orderDate < p.to`). There is no single key property; the
 * keys are the row properties a table's predicate reads. A table is pruned when, for one of those
 * properties, the values its predicate allows and the values the query allows cannot overlap
 * (interval reasoning with the same extractor as every other strategy); when unsure, it stays.
 */

// Tables and their predicates are fixed by the model, so each is read once per entity.
const tableCache = new WeakMap<EntityModel, WeakMap<ManualShardTable, ReadonlyMap<string, ShardKeyConstraint>>>();

/** For each row property `table`'s predicate reads, the values that predicate allows (unreadable ones are left out). */
export function manualTableConstraints(entity: EntityModel, table: ManualShardTable): ReadonlyMap<string, ShardKeyConstraint> {
  let byTable = tableCache.get(entity);
  if (byTable === undefined) tableCache.set(entity, (byTable = new WeakMap()));
  let out = byTable.get(table);
  if (out === undefined) {
    const computed = new Map<string, ShardKeyConstraint>();
    for (const property of rowMembers(table.predicate.lambda.body).names) {
      const key = shardKeyOf(entity, property);
      if (key === null) continue;
      const c = extractShardKeyConstraint(table.predicate, key);
      if (c.kind !== 'unknown') computed.set(property, c);
    }
    byTable.set(table, (out = computed));
  }
  return out;
}

/**
 * The manual tables that can hold a row matching every one of `predicates`. `shards[i]` is the
 * shard of `tables[i]` (as `entityShards` gives them); the result keeps that order.
 *
 * @example
 * selectManualShards(entity, tables, shards, [{ lambda: parseLambda(o => o.orderDate >= d2024), params: {} }])
 */
export function selectManualShards(
  entity: EntityModel,
  tables: readonly ManualShardTable[],
  shards: readonly ShardModel[],
  predicates: readonly BoundLambda[],
): ShardModel[] {
  const queryCache = new Map<string, ShardKeyConstraint>();
  const queryConstraint = (property: string): ShardKeyConstraint => {
    let c = queryCache.get(property);
    if (c === undefined) {
      const key = shardKeyOf(entity, property);
      c = UNKNOWN_CONSTRAINT;
      if (key !== null) for (const p of predicates) c = andConstraints(c, extractShardKeyConstraint(p, key));
      queryCache.set(property, c);
    }
    return c;
  };
  return shards.filter((_, i) => {
    for (const [property, tableC] of manualTableConstraints(entity, tables[i])) {
      if (!constraintsOverlap(tableC, queryConstraint(property))) return false;
    }
    return true;
  });
}
