import { type Expression, isComparisonOperator } from '../linq/expression/expression.js';
import type { BoundLambda } from '../linq/expression/query-expression.js';
import { readParamsPath } from '../linq/expression/read-params-path.js';
import { parseDateShardId } from '../metadata/date-shard-id.js';
import type { EntityModel, ShardModel } from '../metadata/model.js';
import { extractShardKeyConstraint, type ShardKey, shardKeyOf } from '../routing/extract-shard-key-constraint.js';
import {
  constraintContains,
  constraintsOverlap,
  intervalsConstraint,
  notConstraint,
  type ShardKeyConstraint,
  withoutNull,
} from '../routing/shard-key-constraint.js';
import { keyOfShardId } from '../routing/strategies/value-strategy.js';

/**
 * The filters a shard's statement needs: `filters` without the shard-key conjuncts that every row
 * of `shard` satisfies by construction. A value shard's table holds only its value, so
 * `c.region === 'US'` is true for every row of `Customers_US`; a date shard's table holds only its
 * interval, so `o.orderDate >= 2024-01-01` is true for every row of `Orders_2024`. Dropping such a
 * predicate saves the database a comparison per row and lets it pick a plan as for a plain table.
 *
 * Only where the implication is exact, whatever the dialect and collation: a non-nullable key of a
 * case-sensitive value or a date strategy; conjuncts made only of comparisons between the key and a
 * value known at plan time (`===`, `==`, `includes`; for non-string keys also `!==`, `<`, `<=`,
 * `>`, `>=`), combined with `&&` and `||`. Strings are only compared for equality, which no
 * collation can make false for the one value the shard holds. Anything else is kept: a
 * case-insensitive key (a shard holds several casings), manual and hash shards, a date range that
 * covers only part of the shard's interval, a nullable key (rows written by other means may hold
 * null), negations and calls.
 *
 * Returns `filters` itself and an empty `dropped` when nothing is dropped; otherwise `dropped`
 * names the dropped conjuncts (`filter.conjunct` indices), the same for shards that drop the same.
 *
 * @example
 * filtersForShard([where((c, p) => c.region === p.region && c.id === p.id)], customer, usShard);
 * // { filters: [where(c.id === p.id)], dropped: '0.0' }
 */
export function filtersForShard(
  filters: readonly BoundLambda[],
  entity: EntityModel,
  shard: ShardModel,
): { readonly filters: readonly BoundLambda[]; readonly dropped: string } {
  const unchanged = { filters, dropped: '' };
  const sharding = entity.sharding;
  if (sharding === null || filters.length === 0) return unchanged;
  if (sharding.strategy !== 'value' && sharding.strategy !== 'date') return unchanged;
  if (sharding.strategy === 'value' && !sharding.caseSensitive) return unchanged;
  const key = shardKeyOf(entity, sharding.property);
  if (key === null || key.nullable) return unchanged;
  const held = heldKeys(sharding.strategy === 'date' ? { ...key, domain: 'date' } : key, shard, sharding);
  if (held === null) return unchanged;

  const dropped: string[] = [];
  const kept: BoundLambda[] = [];
  filters.forEach((filter, f) => {
    const conjuncts = splitConjuncts(filter.lambda.body);
    const remaining = conjuncts.filter((c, i) => {
      if (!impliedConjunct(c, filter, held)) return true;
      dropped.push(`${f}.${i}`);
      return false;
    });
    if (remaining.length === conjuncts.length) kept.push(filter);
    else if (remaining.length > 0) {
      const body = remaining.reduce((left, right): Expression => ({ kind: 'binary', operator: '&&', left, right }));
      kept.push({ lambda: { ...filter.lambda, body }, params: filter.params });
    }
  });
  return dropped.length === 0 ? unchanged : { filters: kept, dropped: dropped.join(',') };
}

/** What a shard's rows can hold on the key: its one value, or its date interval (null: unknown, keep everything). */
interface HeldKeys {
  readonly key: ShardKey;
  /** True when every key value of the shard's rows satisfies `c`. */
  readonly within: (c: ShardKeyConstraint) => boolean;
}

function heldKeys(
  key: ShardKey,
  shard: ShardModel,
  sharding: NonNullable<EntityModel['sharding']> & { strategy: 'value' | 'date' },
): HeldKeys | null {
  if (sharding.strategy === 'value') {
    const value = keyOfShardId(shard.id, key.domain);
    if (value === undefined) return null;
    return { key, within: (c) => constraintContains(c, value) };
  }
  const range = parseDateShardId(shard.id, sharding.interval);
  if (range === null) return null;
  const interval = intervalsConstraint([{ lower: { value: range.start, inclusive: true }, upper: { value: range.end, inclusive: false } }]);
  // Every value of [start, end) passes iff none of them is in the complement.
  return { key, within: (c) => !constraintsOverlap(withoutNull(notConstraint(c)), interval) };
}

function splitConjuncts(body: Expression): Expression[] {
  if (body.kind === 'binary' && body.operator === '&&') return [...splitConjuncts(body.left), ...splitConjuncts(body.right)];
  return [body];
}

function impliedConjunct(conjunct: Expression, filter: BoundLambda, held: HeldKeys): boolean {
  if (!exactOnKey(conjunct, held.key, filter.params)) return false;
  const constraint = extractShardKeyConstraint({ lambda: { ...filter.lambda, body: conjunct }, params: filter.params }, held.key);
  return constraint.kind === 'set' && held.within(constraint);
}

/**
 * True when `node` is made only of forms whose extracted constraint is exact (see
 * `filtersForShard`): the extractor over-approximates elsewhere, which is sound for routing but
 * would drop a predicate that is not implied.
 */
function exactOnKey(node: Expression, key: ShardKey, params: BoundLambda['params']): boolean {
  switch (node.kind) {
    case 'binary': {
      if (node.operator === '&&' || node.operator === '||')
        return exactOnKey(node.left, key, params) && exactOnKey(node.right, key, params);
      // String keys: only equality is exact (a range of strings depends on the collation).
      const allowed = key.domain === 'string' ? node.operator === '===' || node.operator === '==' : isComparisonOperator(node.operator);
      if (!allowed) return false;
      if (isKeyMember(node.left, key)) return knownKeyValue(node.right, key, params);
      if (isKeyMember(node.right, key)) return knownKeyValue(node.left, key, params);
      return false;
    }
    case 'call': {
      if (node.method !== 'includes' || node.target === null || node.args.length !== 1 || !isKeyMember(node.args[0]!, key)) return false;
      if (node.target.kind === 'array') return node.target.elements.every((e) => knownKeyValue(e, key, params));
      if (node.target.kind !== 'paramsMember') return false;
      const list = readParamsPath(params, node.target.path);
      return Array.isArray(list) && list.every((v) => inDomain(v, key));
    }
    default:
      return false;
  }
}

function isKeyMember(node: Expression, key: ShardKey): boolean {
  return (
    node.kind === 'member' &&
    node.property === key.property &&
    node.object.kind === 'parameter' &&
    node.object.role === 'row' &&
    node.object.depth === 0
  );
}

/** A constant or params value (not null) of the key's domain. */
function knownKeyValue(node: Expression, key: ShardKey, params: BoundLambda['params']): boolean {
  if (node.kind === 'constant') return inDomain(node.value, key);
  if (node.kind === 'paramsMember') return inDomain(readParamsPath(params, node.path), key);
  return false;
}

function inDomain(value: unknown, key: ShardKey): boolean {
  switch (key.domain) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return (typeof value === 'number' && !Number.isNaN(value)) || typeof value === 'bigint';
    case 'date':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case 'boolean':
      return typeof value === 'boolean';
  }
}
