import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import { assertCount } from './assert-chain-shape.js';
import { type AnyLambda, bindLambda, terminalArguments } from './bind-lambda.js';
import { GroupedQueryable } from './grouped-queryable.js';
import type {
  ExecuteOptions,
  QueryExecutor,
  QueryExplanation,
  QueryExpression,
  QueryOperator,
  QueryParams,
  QueryStringOptions,
  TerminalOperation,
} from './query-expression.js';

type Predicate<T> = (row: T) => boolean;
type ParamsPredicate<T, P> = (row: T, p: P) => boolean;
type Numeric = number | null | undefined;
type BigNumeric = bigint | null | undefined;

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
  /** The operator chain so far. */
  protected readonly query: QueryExpression;
  /** Who runs the chain: the in-memory executor or the sharded engine. */
  protected readonly executor: QueryExecutor;

  constructor(query: QueryExpression, executor: QueryExecutor) {
    this.query = query;
    this.executor = executor;
  }

  /** The chain as data, for planners, tests and diagnostics. */
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
    return this.inspector('toQueryString').toQueryString!(this.query, options);
  }

  /** The plan of `toArray()` as data (shards, SQL, parameters, merge), without touching a database. */
  explain(options?: QueryStringOptions): QueryExplanation {
    return this.inspector('explain').explain!(this.query, options);
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

  /** Keep the rows for which the predicate is true. */
  where(predicate: Predicate<T>): Queryable<T>;
  where<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P): Queryable<T>;
  where(predicate: AnyLambda, params?: QueryParams): Queryable<T> {
    return this.withOperator({ kind: 'where', predicate: bindLambda('where', predicate, params) });
  }

  /** Project each row, e.g. `select(c => ({ id: c.id, name: c.name }))`. */
  select<U>(selector: (row: T) => U): Queryable<U>;
  select<U, P extends QueryParams>(selector: (row: T, p: P) => U, params: P): Queryable<U>;
  select<U>(selector: AnyLambda, params?: QueryParams): Queryable<U> {
    return this.withOperator({ kind: 'select', selector: bindLambda('select', selector, params) });
  }

  /** Sort ascending by a key; nulls first. Extend with `thenBy`. */
  orderBy<K>(key: (row: T) => K): OrderedQueryable<T>;
  orderBy<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  orderBy(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.orderedBy('orderBy', key, params, false, false);
  }

  /** Sort descending by a key; nulls last. Extend with `thenBy`. */
  orderByDescending<K>(key: (row: T) => K): OrderedQueryable<T>;
  orderByDescending<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  orderByDescending(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.orderedBy('orderByDescending', key, params, true, false);
  }

  /** Skip the first `count` rows (a non-negative integer). */
  skip(count: number): Queryable<T> {
    assertCount('skip', count);
    return this.withOperator({ kind: 'skip', count });
  }

  /** Keep at most `count` rows (a non-negative integer). */
  take(count: number): Queryable<T> {
    assertCount('take', count);
    return this.withOperator({ kind: 'take', count });
  }

  /** Drop rows deeply equal to an earlier one (Dates by instant; null equals undefined). */
  distinct(): Queryable<T> {
    return this.withOperator({ kind: 'distinct' });
  }

  /**
   * Group rows by a key (a value or an object literal of several); follow with `select` over
   * each group: `groupBy(o => o.customerId).select(g => ({ id: g.key, n: g.count() }))`.
   */
  groupBy<K>(key: (row: T) => K): GroupedQueryable<K, T>;
  groupBy<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): GroupedQueryable<K, T>;
  groupBy<K>(key: AnyLambda, params?: QueryParams): GroupedQueryable<K, T> {
    const query = this.appendOperator({ kind: 'groupBy', key: bindLambda('groupBy', key, params) });
    return new GroupedQueryable<K, T>(query, this.executor);
  }

  /** Run the query and collect every row. */
  async toArray(options?: ExecuteOptions): Promise<T[]> {
    return (await this.run({ kind: 'toArray' }, options)) as T[];
  }

  /** The first row (matching the predicate); throws DtdeInvalidOperationError when there is none. */
  first(options?: ExecuteOptions): Promise<T>;
  first(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T>;
  first<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T>;
  first(...args: unknown[]): Promise<T> {
    return this.predicateTerminal('first', args) as Promise<T>;
  }

  /** The first row (matching the predicate), or null when there is none. */
  firstOrDefault(options?: ExecuteOptions): Promise<T | null>;
  firstOrDefault(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T | null>;
  firstOrDefault<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T | null>;
  firstOrDefault(...args: unknown[]): Promise<T | null> {
    return this.predicateTerminal('firstOrDefault', args) as Promise<T | null>;
  }

  /** The only row (matching the predicate); throws when there is none or more than one. */
  single(options?: ExecuteOptions): Promise<T>;
  single(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T>;
  single<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T>;
  single(...args: unknown[]): Promise<T> {
    return this.predicateTerminal('single', args) as Promise<T>;
  }

  /** The only row (matching the predicate), or null when there is none; throws when there are several. */
  singleOrDefault(options?: ExecuteOptions): Promise<T | null>;
  singleOrDefault(predicate: Predicate<T>, options?: ExecuteOptions): Promise<T | null>;
  singleOrDefault<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<T | null>;
  singleOrDefault(...args: unknown[]): Promise<T | null> {
    return this.predicateTerminal('singleOrDefault', args) as Promise<T | null>;
  }

  /** How many rows (match the predicate). */
  count(options?: ExecuteOptions): Promise<number>;
  count(predicate: Predicate<T>, options?: ExecuteOptions): Promise<number>;
  count<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<number>;
  count(...args: unknown[]): Promise<number> {
    return this.predicateTerminal('count', args) as Promise<number>;
  }

  /** Whether any row (matches the predicate). */
  any(options?: ExecuteOptions): Promise<boolean>;
  any(predicate: Predicate<T>, options?: ExecuteOptions): Promise<boolean>;
  any<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<boolean>;
  any(...args: unknown[]): Promise<boolean> {
    return this.predicateTerminal('any', args) as Promise<boolean>;
  }

  /** Whether every row matches the predicate (true when there are no rows). */
  all(predicate: Predicate<T>, options?: ExecuteOptions): Promise<boolean>;
  all<P extends QueryParams>(predicate: ParamsPredicate<T, P>, params: P, options?: ExecuteOptions): Promise<boolean>;
  async all(...args: unknown[]): Promise<boolean> {
    const { lambda, options } = terminalArguments('all', args);
    if (lambda === undefined) {
      // Only reachable from untyped code; the types require a predicate.
      throw new DtdeTranslationError('all() needs a predicate, e.g. all(c => c.active).');
    }
    return (await this.run({ kind: 'all', predicate: lambda }, options)) as boolean;
  }

  /**
   * Sum of the (selected) values, skipping nulls. bigint stays exact. With no rows the result is
   * the number 0, even for a bigint selector (the rows carry no type to tell).
   */
  sum(this: Queryable<BigNumeric>, options?: ExecuteOptions): Promise<bigint>;
  sum(this: Queryable<Numeric>, options?: ExecuteOptions): Promise<number>;
  sum(selector: (row: T) => BigNumeric, options?: ExecuteOptions): Promise<bigint>;
  sum(selector: (row: T) => Numeric, options?: ExecuteOptions): Promise<number>;
  sum<P extends QueryParams>(selector: (row: T, p: P) => BigNumeric, params: P, options?: ExecuteOptions): Promise<bigint>;
  sum<P extends QueryParams>(selector: (row: T, p: P) => Numeric, params: P, options?: ExecuteOptions): Promise<number>;
  sum(...args: unknown[]): Promise<number | bigint> {
    return this.selectorTerminal('sum', args) as Promise<number | bigint>;
  }

  /** Smallest (selected) value by dtde's ordering; throws DtdeInvalidOperationError when there are no rows. */
  min(options?: ExecuteOptions): Promise<T>;
  min<V>(selector: (row: T) => V, options?: ExecuteOptions): Promise<V>;
  min<V, P extends QueryParams>(selector: (row: T, p: P) => V, params: P, options?: ExecuteOptions): Promise<V>;
  min(...args: unknown[]): Promise<unknown> {
    return this.selectorTerminal('min', args);
  }

  /** Largest (selected) value by dtde's ordering; throws DtdeInvalidOperationError when there are no rows. */
  max(options?: ExecuteOptions): Promise<T>;
  max<V>(selector: (row: T) => V, options?: ExecuteOptions): Promise<V>;
  max<V, P extends QueryParams>(selector: (row: T, p: P) => V, params: P, options?: ExecuteOptions): Promise<V>;
  max(...args: unknown[]): Promise<unknown> {
    return this.selectorTerminal('max', args);
  }

  /** Mean of the (selected) non-null values; throws DtdeInvalidOperationError when there are no rows. */
  average(this: Queryable<Numeric | BigNumeric>, options?: ExecuteOptions): Promise<number>;
  average(selector: (row: T) => Numeric | BigNumeric, options?: ExecuteOptions): Promise<number>;
  average<P extends QueryParams>(selector: (row: T, p: P) => Numeric | BigNumeric, params: P, options?: ExecuteOptions): Promise<number>;
  average(...args: unknown[]): Promise<number> {
    return this.selectorTerminal('average', args) as Promise<number>;
  }

  /** Stream the rows, with an optional AbortSignal: `for await (const c of q.stream({ signal }))`. */
  stream(options?: ExecuteOptions): AsyncIterable<T> {
    return this.executor.stream(this.query, options) as AsyncIterable<T>;
  }

  /** `for await (const row of query)` streams the rows. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.stream()[Symbol.asyncIterator]();
  }

  /** A queryable of the same executor over `query` plus one operator. */
  protected withOperator<U>(operator: QueryOperator): Queryable<U> {
    return new Queryable<U>(this.appendOperator(operator), this.executor);
  }

  protected appendOperator(operator: QueryOperator): QueryExpression {
    return { ...this.query, operators: [...this.query.operators, operator] };
  }

  protected orderedBy(name: string, key: AnyLambda, params: QueryParams | undefined, descending: boolean, thenBy: boolean): OrderedQueryable<T> {
    const query = this.appendOperator({ kind: 'orderBy', key: bindLambda(name, key, params), descending, thenBy });
    return new OrderedQueryable<T>(query, this.executor);
  }

  private run(terminal: TerminalOperation, options: ExecuteOptions | undefined): Promise<unknown> {
    return this.executor.execute(this.query, terminal, options);
  }

  private predicateTerminal(
    kind: 'first' | 'firstOrDefault' | 'single' | 'singleOrDefault' | 'count' | 'any',
    args: readonly unknown[],
  ): Promise<unknown> {
    const { lambda, options } = terminalArguments(kind, args);
    return this.run(lambda === undefined ? { kind } : { kind, predicate: lambda }, options);
  }

  private selectorTerminal(kind: 'sum' | 'min' | 'max' | 'average', args: readonly unknown[]): Promise<unknown> {
    const { lambda, options } = terminalArguments(kind, args);
    return this.run(lambda === undefined ? { kind } : { kind, selector: lambda }, options);
  }
}

/**
 * A queryable whose last operator is an ordering; only here can `thenBy` refine it.
 *
 * @example
 * asQueryable(people).orderBy(p => p.last).thenBy(p => p.first);
 */
export class OrderedQueryable<T> extends Queryable<T> {
  /** Order rows that tie on the previous keys by another key, ascending. */
  thenBy<K>(key: (row: T) => K): OrderedQueryable<T>;
  thenBy<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  thenBy(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.orderedBy('thenBy', key, params, false, true);
  }

  /** Order rows that tie on the previous keys by another key, descending. */
  thenByDescending<K>(key: (row: T) => K): OrderedQueryable<T>;
  thenByDescending<K, P extends QueryParams>(key: (row: T, p: P) => K, params: P): OrderedQueryable<T>;
  thenByDescending(key: AnyLambda, params?: QueryParams): OrderedQueryable<T> {
    return this.orderedBy('thenByDescending', key, params, true, true);
  }
}
