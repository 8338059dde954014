import type { BoundLambda, QueryOperator } from '../linq/expression/query-expression.js';

/**
 * A query chain normalised into the one shape the planner can send to shards exactly:
 *
 *   FROM entity WHERE filters [GROUP BY key SELECT groupSelect] [SELECT projection]
 *   [DISTINCT] ORDER BY ordering OFFSET skip LIMIT take
 *
 * Lambdas after a `select` are rewritten to read the row directly (the projection is inlined), so
 * filters and order keys always read the entity row. Operators after a group select are kept as
 * they are and run on the client over the groups' output (its size is the number of groups).
 */
export interface QueryShape {
  /** Predicates over the row, ANDed. */
  readonly filters: readonly BoundLambda[];
  /** The projection over the row, or null for whole entities. Evaluated on the client (as EF Core's top-level projection). */
  readonly projection: BoundLambda | null;
  /** `groupBy(key).select(g => ...)`: partial aggregates per shard, merged and projected on the client. */
  readonly group: GroupShape | null;
  readonly ordering: readonly OrderKey[];
  readonly skip: number;
  /** Null when there is no `take`. */
  readonly take: number | null;
  readonly distinct: boolean;
}

export interface GroupShape {
  readonly key: BoundLambda;
  readonly select: BoundLambda;
  /** Operators after the group select (orderBy, skip, take, distinct...): applied on the client to the groups' output. */
  readonly then: readonly QueryOperator[];
}

export interface OrderKey {
  /** Over the entity row. */
  readonly key: BoundLambda;
  readonly descending: boolean;
}
