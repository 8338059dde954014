import { CallSite } from '../../errors/call-site.js';
import { DtdeInvalidOperationError } from '../../errors/dtde-invalid-operation-error.js';
import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import { assertCount } from '../expression/assert-chain-shape.js';
import { type AnyLambda, bindLambda, terminalArguments } from '../parse/bind-lambda.js';
import { GroupedQueryable } from './grouped-queryable.js';
import type {
  ExecuteNowResult,
  ExecuteOptions,
  QueryExecutor,
  QueryExplanation,
  QueryExpression,
  QueryOperator,
  QueryParams,
  QueryStringOptions,
  TerminalOperation,
} from '../expression/query-expression.js';

/** A row predicate: `c => c.total > 100`. */
export type Predicate<T> = (row: T) => boolean;
/** A row predicate reading outside values from a params object: `(c, p) => c.total > p.min`. */
export type ParamsPredicate<T, P> = (row: T, p: P) => boolean;
/** What a numeric aggregate reads (nulls are skipped). */
export type Numeric = number | null | undefined;
/** What an exact bigint aggregate reads (nulls are skipped). */
export type BigNumeric = bigint | null | undefined;

/**
 * A typed, immutable query: every operator returns a new queryable with one more operator, and
 * nothing runs until a terminal (`toArray`, `first`, `count`, ...) or `for await`. Lambdas are
 * parsed when the operator is called, so an unsupported lambda fails at build time. Values from
 * outside the lambda come through a params object: `where((c, p) => c.total > p.min, { min })`.
 *
 * @example
 * const names = await asQueryable(customers)
 *   .where((c, p) => c.region === p.region, { region: 'EU' })
 *   .orderBy(c => c.name)
 *   .select(c => c.name)
 *   .toArray();
 */
export class Queryable<T> implements AsyncIterable<T> {
  /** @internal The operator chain so far. */
  protected readonly query: QueryExpression;
  /** @internal Who runs the chain: the in-memory executor or the sharded engine. */
  protected readonly executor: QueryExecutor;

  /** @internal Created by `asQueryable`, `ctx.set` and the operators. */
  constructor(query: QueryExpression, executor: QueryExecutor) {
    this.query = query;
    this.executor = executor;
  }

  /** @internal The chain as data, for planners, tests and diagnostics. */
  toQueryExpression(): QueryExpression {
    return this.query;
  }

  /**
   * The SQL every shard would get for `toArray()`, without touching a database.
   *
   * @example
   * ctx.customers.where(c => c.region === 'US').toQueryString();                      // the context's dialect
   * ctx.customers.where(c => c.region === 'US').toQueryString({ dialect: 'mssql' }); // SQL Server text
   */
  toQueryString(options?: QueryStringOptions): string {
    return this.built(Queryable.prototype.toQueryString, '.toQueryString()', () =>
      this.inspector('toQueryString').toQueryString!(this.query, options),
    );
  }

  /** The plan of `toArray()` as data (shards, SQL, parameters, merge), without touching a database. */
  explain(options?: QueryStringOptions): QueryExplanation {
    return this.built(Queryable.prototype.explain, '.explain()', () => this.inspector('explain').explain!(this.query, options));
  }

  private inspector(method: 'toQueryString' | 'explain'): QueryExecutor {
    if (typeof this.executor[method] !== 'function') {
      throw new DtdeInvalidOperationError(
        `${method}() needs a query that runs on a database; this one runs in memory (asQueryable). Build it from ctx.set(Entity).`,
        { operation: method },
      );
    }
    return this.executor;
  }

  /**
   * Keeps the rows for which `predicate` is true. On a context's set, predicates on the shard key
   * also decide which shards are read.
   *
   * @example ctx.customers.where(c => c.region === 'US')
   */
  where(predicate: Predicate<T>): Queryable<T>;
  /**
   * Keeps the rows for which `predicate` is true, reading outside values from `params` through its
   * second parameter (they become SQL parameters). Predicates on the shard key decide which shards
   * are read.
   *
   * @example ctx.customers.where((c, p) => c.region === p.region, { region: 'US' })
   */
  where<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P): Queryable<T>;
  where(predicate: AnyLambda, params?: QueryParams): Queryable<T> {
    return this.built(Queryable.prototype.where, '.where()', () =>
      this.withOperator({ kind: 'where', predicate: bindLambda('where', predicate, params) }),
    );
  }

  /**
   * Projects each row into a new value; later operators read the projection. On a context's set it
   * is computed on the client from the columns it reads (in SQL when `distinct()` follows).
   *
   * @example ctx.customers.select(c => ({ id: c.id, name: c.name }))
   */
  select<U>(selector: (row: T) => U): Queryable<U>;
  /**
   * Projects each row into a new value, reading outside values from `params` through the selector's
   * second parameter; later operators read the projection.
   *
   * @example ctx.orders.select((o, p) => ({ id: o.id, big: o.total > p.limit }), { limit: 100 })
   */
  select<U, P extends QueryParams>(selector: (row: T, p: P) => U, params: P): Queryable<U>;
  select<U>(selector: AnyLambda, params?: QueryParams): Queryable<U> {
    return this.built(Queryable.prototype.select, '.select()', () =>
      this.withOperator({ kind: 'select', selector: bindLambda('select', selector, params) }),
    );
  }

  /**
   * Sorts ascending by `key`: nulls first, strings by code point, dates by instant. Break ties with
   * `thenBy`.
   *
   * @example ctx.customers.orderBy(c => c.name).thenBy(c => c.id)
   */
  orderBy<K>(key: (row: T) => K): OrderedQueryable<T>;
  /**
   * Sorts ascending (nulls first) by a key that reads outside values from `params` through its
   * second parameter. Break ties with `thenBy`.
   *
   * @example ctx.orders.orderBy((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  orderBy<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  orderBy(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.built(Queryable.prototype.orderBy, '.orderBy()', () => this.orderedBy('orderBy', key, params, false, false));
  }

  /**
   * Sorts descending by `key`: nulls last, strings by code point, dates by instant. Break ties with
   * `thenBy`.
   *
   * @example ctx.orders.orderByDescending(o => o.orderDate)
   */
  orderByDescending<K>(key: (row: T) => K): OrderedQueryable<T>;
  /**
   * Sorts descending (nulls last) by a key that reads outside values from `params` through its
   * second parameter. Break ties with `thenBy`.
   *
   * @example ctx.orders.orderByDescending((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  orderByDescending<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  orderByDescending(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.built(Queryable.prototype.orderByDescending, '.orderByDescending()', () =>
      this.orderedBy('orderByDescending', key, params, true, false),
    );
  }

  /**
   * Skips the first `count` rows (a non-negative integer; anything else throws). On a context's set,
   * paging without an ordering follows the primary key.
   *
   * @example ctx.customers.orderBy(c => c.name).skip(20).take(10)
   */
  skip(count: number): Queryable<T> {
    return this.built(Queryable.prototype.skip, '.skip()', () => {
      assertCount('skip', count);
      return this.withOperator({ kind: 'skip', count });
    });
  }

  /**
   * Keeps at most `count` rows (a non-negative integer; anything else throws). On a context's set,
   * paging without an ordering follows the primary key.
   *
   * @example ctx.customers.orderBy(c => c.name).take(10)
   */
  take(count: number): Queryable<T> {
    return this.built(Queryable.prototype.take, '.take()', () => {
      assertCount('take', count);
      return this.withOperator({ kind: 'take', count });
    });
  }

  /**
   * Drops rows deeply equal to an earlier one (Dates by instant; null equals undefined).
   *
   * @example ctx.customers.select(c => c.region).distinct()
   */
  distinct(): Queryable<T> {
    return this.withOperator({ kind: 'distinct' });
  }

  /**
   * Groups rows by a key (a value, or an object literal of several); follow with `select` over each
   * group, whose aggregates are `g.count()`, `g.sum(...)`, `g.min`, `g.max` and `g.average`.
   *
   * @example ctx.orders.groupBy(o => o.customerId).select(g => ({ id: g.key, n: g.count() }))
   */
  groupBy<K>(key: (row: T) => K): GroupedQueryable<K, T>;
  /**
   * Groups rows by a key that reads outside values from `params` through its second parameter;
   * follow with `select` over each group.
   *
   * @example ctx.orders.groupBy((o, p) => Math.floor(o.total / p.step), { step: 100 }).select(g => ({ band: g.key, n: g.count() }))
   */
  groupBy<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): GroupedQueryable<K, T>;
  groupBy<K>(key: AnyLambda, params?: QueryParams): GroupedQueryable<K, T> {
    return this.built(Queryable.prototype.groupBy, '.groupBy()', () => {
      const query = this.appendOperator({ kind: 'groupBy', key: bindLambda('groupBy', key, params) });
      return new GroupedQueryable<K, T>(query, (next) => new Queryable(next, this.executor));
    });
  }

  /**
   * Runs the query and collects every row; `options.signal` aborts it.
   *
   * @example const rows = await ctx.customers.where(c => c.region === 'EU').toArray({ signal });
   */
  toArray(options?: ExecuteOptions): Promise<T[]> {
    return this.terminal(Queryable.prototype.toArray, '.toArray()', () => this.run({ kind: 'toArray' }, options)) as Promise<T[]>;
  }

  /**
   * Runs the query and returns its first row; throws `DtdeInvalidOperationError` when there is none.
   *
   * @example const newest = await ctx.orders.orderByDescending(o => o.orderDate).first();
   */
  first(options?: ExecuteOptions): Promise<T>;
  /**
   * The first row matching `predicate`; throws `DtdeInvalidOperationError` when none matches.
   *
   * @example await ctx.customers.orderBy(c => c.name).first(c => c.region === 'EU')
   */
  first(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T>;
  /**
   * The first row matching `predicate`, which reads outside values from `params` through its second
   * parameter; throws `DtdeInvalidOperationError` when none matches.
   *
   * @example await ctx.customers.orderBy(c => c.name).first((c, p) => c.region === p.region, { region })
   */
  first<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T>;
  first(...args: unknown[]): Promise<T> {
    return this.predicateTerminal(Queryable.prototype.first, 'first', args) as Promise<T>;
  }

  /**
   * Runs the query and returns its first row, or null when there is none.
   *
   * @example const newest = await ctx.orders.orderByDescending(o => o.orderDate).firstOrDefault();
   */
  firstOrDefault(options?: ExecuteOptions): Promise<T | null>;
  /**
   * The first row matching `predicate`, or null when none matches.
   *
   * @example await ctx.customers.orderBy(c => c.name).firstOrDefault(c => c.region === 'EU')
   */
  firstOrDefault(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T | null>;
  /**
   * The first row matching `predicate`, which reads outside values from `params` through its second
   * parameter, or null when none matches.
   *
   * @example await ctx.customers.orderBy(c => c.name).firstOrDefault((c, p) => c.region === p.region, { region })
   */
  firstOrDefault<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T | null>;
  firstOrDefault(...args: unknown[]): Promise<T | null> {
    return this.predicateTerminal(Queryable.prototype.firstOrDefault, 'firstOrDefault', args) as Promise<T | null>;
  }

  /**
   * Runs the query and returns its only row; throws `DtdeInvalidOperationError` when there is none
   * or more than one.
   *
   * @example await ctx.customers.where(c => c.id === 42).single()
   */
  single(options?: ExecuteOptions): Promise<T>;
  /**
   * The only row matching `predicate`; throws `DtdeInvalidOperationError` when none or more than one
   * matches.
   *
   * @example await ctx.customers.single(c => c.id === 42)
   */
  single(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T>;
  /**
   * The only row matching `predicate`, which reads outside values from `params` through its second
   * parameter; throws `DtdeInvalidOperationError` when none or more than one matches.
   *
   * @example await ctx.customers.single((c, p) => c.id === p.id, { id })
   */
  single<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T>;
  single(...args: unknown[]): Promise<T> {
    return this.predicateTerminal(Queryable.prototype.single, 'single', args) as Promise<T>;
  }

  /**
   * Runs the query and returns its only row, or null when there is none; throws
   * `DtdeInvalidOperationError` when there are several.
   *
   * @example await ctx.customers.where(c => c.id === 42).singleOrDefault()
   */
  singleOrDefault(options?: ExecuteOptions): Promise<T | null>;
  /**
   * The only row matching `predicate`, or null when none matches; throws `DtdeInvalidOperationError`
   * when several match.
   *
   * @example await ctx.customers.singleOrDefault(c => c.id === 42)
   */
  singleOrDefault(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T | null>;
  /**
   * The only row matching `predicate`, which reads outside values from `params` through its second
   * parameter, or null when none matches; throws `DtdeInvalidOperationError` when several match.
   *
   * @example await ctx.customers.singleOrDefault((c, p) => c.id === p.id, { id })
   */
  singleOrDefault<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T | null>;
  singleOrDefault(...args: unknown[]): Promise<T | null> {
    return this.predicateTerminal(Queryable.prototype.singleOrDefault, 'singleOrDefault', args) as Promise<T | null>;
  }

  /**
   * How many rows the query has; over several shards the shards' counts are added.
   *
   * @example const n = await ctx.customers.where(c => c.region === 'EU').count();
   */
  count(options?: ExecuteOptions): Promise<number>;
  /**
   * How many rows match `predicate`.
   *
   * @example await ctx.customers.count(c => c.region === 'EU')
   */
  count(predicate: Predicate<T>, options?: ExecuteOptions): Promise<number>;
  /**
   * How many rows match `predicate`, which reads outside values from `params` through its second
   * parameter.
   *
   * @example await ctx.customers.count((c, p) => c.region === p.region, { region })
   */
  count<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<number>;
  count(...args: unknown[]): Promise<number> {
    return this.predicateTerminal(Queryable.prototype.count, 'count', args) as Promise<number>;
  }

  /**
   * Whether the query has any row; over several shards it stops at the first shard that has one.
   *
   * @example const some = await ctx.customers.where(c => c.region === 'EU').any();
   */
  any(options?: ExecuteOptions): Promise<boolean>;
  /**
   * Whether any row matches `predicate`.
   *
   * @example await ctx.customers.any(c => c.region === 'EU')
   */
  any(predicate: Predicate<T>, options?: ExecuteOptions): Promise<boolean>;
  /**
   * Whether any row matches `predicate`, which reads outside values from `params` through its second
   * parameter.
   *
   * @example await ctx.customers.any((c, p) => c.region === p.region, { region })
   */
  any<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<boolean>;
  any(...args: unknown[]): Promise<boolean> {
    return this.predicateTerminal(Queryable.prototype.any, 'any', args) as Promise<boolean>;
  }

  /**
   * Whether every row matches `predicate` (true when there are no rows).
   *
   * @example await ctx.orders.all(o => o.total >= 0)
   */
  all(predicate: Predicate<T>, options?: ExecuteOptions): Promise<boolean>;
  /**
   * Whether every row matches `predicate`, which reads outside values from `params` through its
   * second parameter (true when there are no rows).
   *
   * @example await ctx.orders.all((o, p) => o.total <= p.max, { max: 1000 })
   */
  all<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<boolean>;
  all(...args: unknown[]): Promise<boolean> {
    // Its argument errors reject (inside the run) rather than throw.
    return this.terminal(Queryable.prototype.all, '.all()', () => () => {
      const { lambda, options } = terminalArguments('all', args);
      if (lambda === undefined) {
        // Only reachable from untyped code; the types require a predicate.
        throw new DtdeTranslationError('all() needs a predicate, e.g. all(c => c.active).');
      }
      return this.run({ kind: 'all', predicate: lambda }, options)();
    });
  }

  /**
   * Exact sum of a query of bigints (after `select`), skipping nulls. With no rows the result is the
   * number 0, even here (the rows carry no type to tell).
   *
   * @example await ctx.orders.select(o => o.sequence).sum()
   */
  sum(this: Queryable<BigNumeric>, options?: ExecuteOptions): Promise<bigint>;
  /**
   * Sum of a query of numbers (after `select`), skipping nulls; 0 when there are no rows.
   *
   * @example await ctx.orders.select(o => o.total).sum()
   */
  sum(this: Queryable<Numeric>, options?: ExecuteOptions): Promise<number>;
  /**
   * Exact bigint sum of `selector` over the rows, skipping nulls. With no rows the result is the
   * number 0, even for a bigint selector (the rows carry no type to tell).
   *
   * @example await ctx.orders.sum(o => o.sequence)
   */
  sum(selector: (row: T) => BigNumeric, options?: ExecuteOptions): Promise<bigint>;
  /**
   * Sum of `selector` over the rows, skipping nulls; 0 when there are no rows.
   *
   * @example await ctx.orders.sum(o => o.total)
   */
  sum(selector: (row: T) => Numeric, options?: ExecuteOptions): Promise<number>;
  /**
   * Exact bigint sum of `selector`, which reads outside values from `params` through its second
   * parameter, skipping nulls. With no rows the result is the number 0 (the rows carry no type to tell).
   *
   * @example await ctx.orders.sum((o, p) => o.sequence * p.factor, { factor: 2n })
   */
  sum<P extends QueryParams>(selector: (row: T, p: P) => BigNumeric, params: P, options?: ExecuteOptions): Promise<bigint>;
  /**
   * Sum of `selector`, which reads outside values from `params` through its second parameter,
   * skipping nulls; 0 when there are no rows.
   *
   * @example await ctx.orders.sum((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  sum<P extends QueryParams>(selector: (row: T, p: P) => Numeric, params: P, options?: ExecuteOptions): Promise<number>;
  sum(...args: unknown[]): Promise<number | bigint> {
    return this.selectorTerminal(Queryable.prototype.sum, 'sum', args) as Promise<number | bigint>;
  }

  /**
   * Smallest value of the query (after `select`) in dtde's ordering, skipping nulls: null when every
   * value is null; throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.select(o => o.orderDate).min()
   */
  min(options?: ExecuteOptions): Promise<T>;
  /**
   * Smallest value of `selector` in dtde's ordering, skipping nulls: null when every value is null;
   * throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.min(o => o.total)
   */
  min<V>(selector: (row: T) => V, options?: ExecuteOptions): Promise<V>;
  /**
   * Smallest value of `selector`, which reads outside values from `params` through its second
   * parameter, skipping nulls; throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.min((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  min<V, P extends QueryParams>(selector: (row: T, p: P) => V, params: P, options?: ExecuteOptions): Promise<V>;
  min(...args: unknown[]): Promise<unknown> {
    return this.selectorTerminal(Queryable.prototype.min, 'min', args);
  }

  /**
   * Largest value of the query (after `select`) in dtde's ordering, skipping nulls: null when every
   * value is null; throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.select(o => o.orderDate).max()
   */
  max(options?: ExecuteOptions): Promise<T>;
  /**
   * Largest value of `selector` in dtde's ordering, skipping nulls: null when every value is null;
   * throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.max(o => o.total)
   */
  max<V>(selector: (row: T) => V, options?: ExecuteOptions): Promise<V>;
  /**
   * Largest value of `selector`, which reads outside values from `params` through its second
   * parameter, skipping nulls; throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.max((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  max<V, P extends QueryParams>(selector: (row: T, p: P) => V, params: P, options?: ExecuteOptions): Promise<V>;
  max(...args: unknown[]): Promise<unknown> {
    return this.selectorTerminal(Queryable.prototype.max, 'max', args);
  }

  /**
   * Mean of a query of numbers or bigints (after `select`), skipping nulls: null when every value is
   * null; throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.select(o => o.total).average()
   */
  average(this: Queryable<Numeric | BigNumeric>, options?: ExecuteOptions): Promise<number>;
  /**
   * Mean of the non-null values of `selector` (total sum over total count across shards): null when
   * every value is null; throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.average(o => o.total)
   */
  average(selector: (row: T) => Numeric | BigNumeric, options?: ExecuteOptions): Promise<number>;
  /**
   * Mean of the non-null values of `selector`, which reads outside values from `params` through its
   * second parameter; throws `DtdeInvalidOperationError` when there are no rows.
   *
   * @example await ctx.orders.average((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  average<P extends QueryParams>(selector: (row: T, p: P) => Numeric | BigNumeric, params: P, options?: ExecuteOptions): Promise<number>;
  average(...args: unknown[]): Promise<number> {
    return this.selectorTerminal(Queryable.prototype.average, 'average', args) as Promise<number>;
  }

  /** Stream the rows, with an optional AbortSignal: `for await (const c of q.stream({ signal }))`. */
  stream(options?: ExecuteOptions): AsyncIterable<T> {
    return this.streamFrom(CallSite.captureEarly(Queryable.prototype.stream, '.stream()'), options);
  }

  /**
   * Updates every row this query's `where` filters match, in the database, without reading them:
   * `set` returns an object literal of the properties to change, computed from the row (SQL
   * `UPDATE … SET`). Pruned to the shards the filters can match, like a query, and atomic across
   * them. A concurrency token is incremented. Assigning the shard key is refused (rows would have
   * to move: read them and use `update`). Returns the number of rows updated.
   *
   * @example
   * await ctx.orders.where(o => o.status === 'open').executeUpdate(o => ({ status: 'closed', total: o.total * 1.1 }));
   */
  executeUpdate(set: (row: T) => Partial<T>, options?: ExecuteOptions): Promise<number>;
  /**
   * The same, reading outside values through the params object.
   *
   * @example
   * await ctx.orders.where((o, p) => o.id === p.id, { id }).executeUpdate((o, p) => ({ status: p.status }), { status: 'paid' });
   */
  executeUpdate<P extends QueryParams>(set: (row: T, p: P) => Partial<T>, params: P, options?: ExecuteOptions): Promise<number>;
  executeUpdate(set: AnyLambda, ...rest: unknown[]): Promise<number> {
    const { lambda, options } = terminalArguments('executeUpdate', [set, ...rest]);
    return this.writer('executeUpdate').executeUpdate!(this.query, lambda!, options);
  }

  /**
   * Deletes every row this query's `where` filters match, in the database, without reading them
   * (SQL `DELETE`), pruned and atomic like `executeUpdate`. Returns the number of rows deleted.
   *
   * @example
   * const removed = await ctx.orders.where(o => o.status === 'cancelled').executeDelete();
   */
  executeDelete(options?: ExecuteOptions): Promise<number> {
    return this.writer('executeDelete').executeDelete!(this.query, options);
  }

  /** `for await (const row of query)` streams the rows. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.streamFrom(CallSite.captureEarly(Queryable.prototype[Symbol.asyncIterator], 'for await (... of query)'))[
      Symbol.asyncIterator
    ]();
  }

  /** @internal A queryable of the same executor over `query` plus one operator. */
  protected withOperator<U>(operator: QueryOperator): Queryable<U> {
    return new Queryable<U>(this.appendOperator(operator), this.executor);
  }

  /** @internal */
  protected appendOperator(operator: QueryOperator): QueryExpression {
    return { ...this.query, operators: [...this.query.operators, operator] };
  }

  /**
   * Builds for the public operator `api` (`label` names it in messages): a dtde error thrown while
   * building (an unsupported lambda) starts its stack at the user's line, and its message names it.
   */
  protected built<R>(api: Function, label: string, build: () => R): R {
    try {
      return build();
    } catch (error) {
      throw CallSite.capture(api, label).relocate(error);
    }
  }

  /** @internal */
  protected orderedBy(
    name: string,
    key: AnyLambda,
    params: QueryParams | undefined,
    descending: boolean,
    thenBy: boolean,
  ): OrderedQueryable<T> {
    const query = this.appendOperator({ kind: 'orderBy', key: bindLambda(name, key, params), descending, thenBy });
    return new OrderedQueryable<T>(query, this.executor);
  }

  private writer(method: 'executeUpdate' | 'executeDelete'): QueryExecutor {
    if (typeof this.executor[method] !== 'function') {
      throw new DtdeInvalidOperationError(
        `${method}() needs a query that can write: build it from a context's set (ctx.set(Entity).where(...)).`,
        {
          operation: method,
        },
      );
    }
    return this.executor;
  }

  /** Runs the query for `terminal`, answered at once where the executor can (see `QueryExecutor.executeNow`). */
  private run(terminal: TerminalOperation, options: ExecuteOptions | undefined): Run {
    const executor = this.executor;
    if (executor.executeNow === undefined) return () => ({ pending: executor.execute(this.query, terminal, options) });
    return () => executor.executeNow!(this.query, terminal, options);
  }

  /**
   * Runs a terminal for the public method `api`. `build` checks the arguments and returns the run;
   * what it throws is thrown at once, pointed at the user's line (whose whole stack is still
   * there). The run's failure always rejects, pointed at the user's line too: one that comes at
   * once is relocated with the stack still there, and for a pending one the call site is recorded
   * first (its first user frames only; formatted only on failure), so a dtde error from inside
   * the engine (a `DtdeShardError`) starts its stack at the user's line and names it in its message.
   */
  private terminal<R>(api: Function, label: string, build: () => Run): Promise<R> {
    let run: Run;
    try {
      run = build();
    } catch (error) {
      throw CallSite.capture(api, label).relocate(error);
    }
    let answer: ExecuteNowResult;
    try {
      answer = run();
    } catch (error) {
      return Promise.reject(CallSite.capture(api, label).relocate(error));
    }
    if ('value' in answer) return Promise.resolve(answer.value as R);
    const site = CallSite.captureEarly(api, label);
    return (answer.pending as Promise<R>).catch((error: unknown) => {
      throw site.relocate(error);
    });
  }

  private predicateTerminal(
    api: Function,
    kind: 'first' | 'firstOrDefault' | 'single' | 'singleOrDefault' | 'count' | 'any',
    args: readonly unknown[],
  ): Promise<unknown> {
    return this.terminal(api, `.${kind}()`, () => {
      const { lambda, options } = terminalArguments(kind, args);
      return this.run(lambda === undefined ? { kind } : { kind, predicate: lambda }, options);
    });
  }

  private selectorTerminal(api: Function, kind: 'sum' | 'min' | 'max' | 'average', args: readonly unknown[]): Promise<unknown> {
    return this.terminal(api, `.${kind}()`, () => {
      const { lambda, options } = terminalArguments(kind, args);
      return this.run(lambda === undefined ? { kind } : { kind, selector: lambda }, options);
    });
  }

  /** The rows of the query, with errors (planning now, or any row later) pointed at `site`. */
  private streamFrom(site: CallSite, options?: ExecuteOptions): AsyncIterable<T> {
    let rows: AsyncIterable<unknown>;
    try {
      rows = this.executor.stream(this.query, options);
    } catch (error) {
      throw site.relocate(error);
    }
    return { [Symbol.asyncIterator]: () => relocatingIterator(rows[Symbol.asyncIterator]() as AsyncIterator<T>, site) };
  }
}

/** A terminal's query, started when called: answered at once, or pending. */
type Run = () => ExecuteNowResult;

/**
 * A queryable whose last operator is an ordering; only here can `thenBy` refine it.
 *
 * @example
 * asQueryable(people).orderBy(p => p.last).thenBy(p => p.first);
 */
export class OrderedQueryable<T> extends Queryable<T> {
  /**
   * Orders rows that tie on the previous keys by another key, ascending (nulls first).
   *
   * @example ctx.customers.orderBy(c => c.region).thenBy(c => c.name)
   */
  thenBy<K>(key: (row: T) => K): OrderedQueryable<T>;
  /**
   * Orders rows that tie on the previous keys by another key, ascending (nulls first); the key reads
   * outside values from `params` through its second parameter.
   *
   * @example ctx.orders.orderBy(o => o.customerId).thenBy((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  thenBy<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  thenBy(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.built(OrderedQueryable.prototype.thenBy, '.thenBy()', () => this.orderedBy('thenBy', key, params, false, true));
  }

  /**
   * Orders rows that tie on the previous keys by another key, descending (nulls last).
   *
   * @example ctx.orders.orderBy(o => o.customerId).thenByDescending(o => o.orderDate)
   */
  thenByDescending<K>(key: (row: T) => K): OrderedQueryable<T>;
  /**
   * Orders rows that tie on the previous keys by another key, descending (nulls last); the key reads
   * outside values from `params` through its second parameter.
   *
   * @example ctx.orders.orderBy(o => o.customerId).thenByDescending((o, p) => o.total * p.rate, { rate: 1.2 })
   */
  thenByDescending<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  thenByDescending(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.built(OrderedQueryable.prototype.thenByDescending, '.thenByDescending()', () =>
      this.orderedBy('thenByDescending', key, params, true, true),
    );
  }
}

/** `iterator` with the errors of `next`, `return` and `throw` pointed at `site`. */
function relocatingIterator<T>(iterator: AsyncIterator<T>, site: CallSite): AsyncIterator<T> {
  const fail = (error: unknown): never => {
    throw site.relocate(error);
  };
  return {
    next: () => iterator.next().catch(fail),
    return: (value?: unknown) =>
      iterator.return ? iterator.return(value).catch(fail) : Promise.resolve({ done: true, value: value as T }),
    throw: (error?: unknown) => (iterator.throw ? iterator.throw(error).catch(fail) : Promise.reject(error)),
  };
}
