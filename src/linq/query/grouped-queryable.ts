import { CallSite } from '../../errors/call-site.js';
import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import { type AnyLambda, bindLambda } from '../parse/bind-lambda.js';
import type { Grouping } from '../expression/grouping.js';
import type { BoundLambda, QueryExpression, QueryParams } from '../expression/query-expression.js';
import type { Queryable } from './queryable.js';

/**
 * Makes the `Queryable` that follows `select`; passed in by `Queryable.groupBy` so that the two
 * modules do not import each other.
 */
export type QueryableFactory = <U>(query: QueryExpression) => Queryable<U>;

/**
 * The result of `groupBy(key)`: the only thing to do with it is `select` one row per group,
 * using the group's key and aggregates (`g.count()`, `g.sum(o => o.total)`, `g.average(...)`).
 *
 * @example
 * const totals = await asQueryable(orders)
 *   .groupBy(o => ({ customer: o.customerId, year: o.orderDate.getFullYear() }))
 *   .select(g => ({ customer: g.key.customer, year: g.key.year, total: g.sum(o => o.total) }))
 *   .toArray();
 */
export class GroupedQueryable<K, T> {
  readonly #query: QueryExpression;
  readonly #next: QueryableFactory;

  /** @internal Created by `Queryable.groupBy`. */
  constructor(query: QueryExpression, next: QueryableFactory) {
    this.#query = query;
    this.#next = next;
  }

  /**
   * Turn each group into a row from its key and aggregates. Across shards every aggregate is
   * computed from exact partials (average as sum over count), then this selector runs per group.
   *
   * @example
   * .select(g => ({ region: g.key, n: g.count(), avg: g.average(c => c.score) }))
   */
  select<U>(selector: (group: Grouping<K, T>) => U): Queryable<U>;
  /**
   * The same, reading outside values through the params object.
   *
   * @example
   * .select((g, p) => ({ region: g.key, over: g.sum(c => c.score) > p.limit }), { limit: 1000 })
   */
  select<U, P extends QueryParams>(selector: (group: Grouping<K, T>, p: P) => U, params: P): Queryable<U>;
  select<U>(selector: AnyLambda, params?: QueryParams): Queryable<U> {
    let bound: BoundLambda;
    try {
      bound = bindLambda('select', selector, params);
    } catch (error) {
      // An unsupported lambda points at the user's line (see Queryable's operators).
      throw CallSite.capture(GroupedQueryable.prototype.select, '.select()').relocate(error);
    }
    const operators = [...this.#query.operators, { kind: 'select' as const, selector: bound }];
    return this.#next<U>({ ...this.#query, operators });
  }

  /** @internal The chain so far (ending in groupBy), for diagnostics. */
  toQueryExpression(): QueryExpression {
    return this.#query;
  }
}

// Untyped callers (plain JS) get a clear error rather than "x is not a function" when they use
// another operator right after groupBy. These do not appear in the types.
const NOT_AFTER_GROUP_BY = [
  'where',
  'orderBy',
  'orderByDescending',
  'skip',
  'take',
  'distinct',
  'groupBy',
  'toArray',
  'first',
  'firstOrDefault',
  'single',
  'singleOrDefault',
  'count',
  'any',
  'all',
  'sum',
  'min',
  'max',
  'average',
];
for (const name of NOT_AFTER_GROUP_BY) {
  Object.defineProperty(GroupedQueryable.prototype, name, {
    enumerable: false,
    value(): never {
      throw new DtdeTranslationError(
        `${name}() cannot follow groupBy(...) directly: select one row per group first, ` +
          `e.g. .groupBy(o => o.customerId).select(g => ({ id: g.key, n: g.count() })).${name}(...).`,
      );
    },
  });
}
