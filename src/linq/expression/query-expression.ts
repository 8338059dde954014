// Type-only, through the public name of the provider contract: `toQueryString({ dialect })` takes
// a Dialect object, and `dtde` users name that type from `dtde/provider` (see providers/provider.ts).
import type { Dialect } from 'dtde/provider';
import type { LambdaExpression } from './expression.js';

/**
 * A queryable's operator chain as data: what `ctx.set(Customer).where(...).orderBy(...)` built.
 * Immutable; each queryable operator returns a new QueryExpression with one more operator.
 */

/** A params object passed beside a lambda: `where((c, p) => c.total > p.min, { min })`. */
export type QueryParams = Readonly<Record<string, unknown>>;

/** A parsed lambda together with the params object it reads through its second parameter. */
export interface BoundLambda {
  readonly lambda: LambdaExpression;
  readonly params: QueryParams;
}

export interface WhereOperator {
  readonly kind: 'where';
  readonly predicate: BoundLambda;
}

export interface SelectOperator {
  readonly kind: 'select';
  readonly selector: BoundLambda;
}

/** `orderBy`/`orderByDescending` start an ordering (`thenBy: false`); `thenBy*` extend it. */
export interface OrderByOperator {
  readonly kind: 'orderBy';
  readonly key: BoundLambda;
  readonly descending: boolean;
  readonly thenBy: boolean;
}

export interface SkipOperator {
  readonly kind: 'skip';
  readonly count: number;
}

export interface TakeOperator {
  readonly kind: 'take';
  readonly count: number;
}

export interface DistinctOperator {
  readonly kind: 'distinct';
}

/** `groupBy(key)`; must be followed by a `select` over the group (`g => ({ key: g.key, n: g.count() })`). */
export interface GroupByOperator {
  readonly kind: 'groupBy';
  readonly key: BoundLambda;
}

export type QueryOperator =
  | WhereOperator
  | SelectOperator
  | OrderByOperator
  | SkipOperator
  | TakeOperator
  | DistinctOperator
  | GroupByOperator;

/** Where the rows come from: an entity class of the model, or an in-memory array for `asQueryable`. */
export type QuerySource =
  | { readonly kind: 'entity'; readonly entity: abstract new (...args: never[]) => unknown; readonly name: string }
  | { readonly kind: 'array'; readonly rows: readonly unknown[] };

export interface QueryExpression {
  readonly kind: 'query';
  readonly source: QuerySource;
  readonly operators: readonly QueryOperator[];
}

/** The operation that ends a chain and asks for a result. */
export type TerminalOperation =
  | { readonly kind: 'toArray' }
  | { readonly kind: 'first' | 'firstOrDefault' | 'single' | 'singleOrDefault'; readonly predicate?: BoundLambda }
  | { readonly kind: 'count' | 'any'; readonly predicate?: BoundLambda }
  | { readonly kind: 'all'; readonly predicate: BoundLambda }
  | { readonly kind: 'sum' | 'min' | 'max' | 'average'; readonly selector?: BoundLambda };

export type TerminalKind = TerminalOperation['kind'];

export interface ExecuteOptions {
  readonly signal?: AbortSignal;
}

/**
 * What a queryable hands its chain to. The in-memory executor (`asQueryable`) and the sharded
 * query engine both implement it. `execute` returns the terminal's result; `stream` yields the
 * rows of the chain one by one (`for await`).
 */
export interface QueryExecutor {
  execute(query: QueryExpression, terminal: TerminalOperation, options?: ExecuteOptions): Promise<unknown>;
  /**
   * Optional: `execute`, for a query the executor may answer before returning (a small read of an
   * engine inside this process): then `{ value }`, or the failure thrown; otherwise `{ pending }`,
   * the promise `execute` would give. A caller then does what only a pending query needs (recording
   * its call site for a later error) only for those.
   */
  executeNow?(query: QueryExpression, terminal: TerminalOperation, options?: ExecuteOptions): ExecuteNowResult;
  stream(query: QueryExpression, options?: ExecuteOptions): AsyncIterable<unknown>;
  /** The SQL each shard would get, without I/O. Only executors that speak SQL implement it. */
  toQueryString?(query: QueryExpression, options?: QueryStringOptions): string;
  /** The plan as data, without I/O. */
  explain?(query: QueryExpression, options?: QueryStringOptions): QueryExplanation;
  /** `where(...).executeUpdate(set)`: updates the matching rows, returns how many. Executors that cannot write leave it out. */
  executeUpdate?(query: QueryExpression, set: BoundLambda, options?: ExecuteOptions): Promise<number>;
  /** `where(...).executeDelete()`: deletes the matching rows, returns how many. */
  executeDelete?(query: QueryExpression, options?: ExecuteOptions): Promise<number>;
}

/** What `QueryExecutor.executeNow` gives: the answer, or the promise of it. */
export type ExecuteNowResult = { readonly value: unknown } | { readonly pending: Promise<unknown> };

/** Options of `toQueryString()` and `explain()`. */
export interface QueryStringOptions {
  /**
   * Render for this dialect instead of the context's own: a dialect name (`'mssql'` shows SQL
   * Server text on any context; names are those of the built-in providers and of dialects
   * registered with `registerDialect` from `dtde/provider`), or a `Dialect` object. An unknown name
   * is a `DtdeConfigurationError` listing the known ones.
   */
  readonly dialect?: string | Dialect;
}

/**
 * What `explain()` returns: the plan of `toArray()` as data, computed without I/O: the shards a
 * query reads, the SQL and parameters each one gets, and how their answers merge.
 *
 * `JSON.stringify(explanation)` works: parameters keep the exact values the driver binds here
 * (SQLite binds a limit as a bigint, `15n`), and the JSON writes every bigint as its decimal
 * string (`"15"`, without the `n`), as SQL Server's driver receives bigints.
 *
 * @example
 * ```ts
 * const e = ctx.customers.orderBy((c) => c.name).take(10).explain();
 * e.commands.map((c) => c.shardId);           // ['EU', 'US', 'APAC']
 * if (e.merge.kind === 'ordered') e.merge.keys; // [{ field: 'name', ... }, { field: 'id', ... }]
 * console.log(JSON.stringify(e));
 * ```
 */
export interface QueryExplanation {
  /** The entity's name (`Customer`). */
  readonly entity: string;
  /** The name of the dialect the SQL is written in (`sqlite`, `mssql`). */
  readonly dialect: string;
  /** One command per shard the query reads, in layout order; none when no shard can match. */
  readonly commands: readonly ExplainedCommand[];
  /** How the shards' answers combine into the result; `kind` says which merge. */
  readonly merge: MergeExplanation;
  /**
   * Where the terminal runs: streamed, in the merge, or on the client over merged rows. The plan
   * of `toArray()` streams.
   */
  readonly terminal: 'stream' | 'merge' | 'client';
  /** What `JSON.stringify` writes: this explanation with bigint parameters as decimal strings. */
  toJSON(): Omit<QueryExplanation, 'toJSON'>;
}

/** The statement one shard gets. */
export interface ExplainedCommand {
  /** The shard, `group::id` outside the default group (`EU`, `years::2024`). */
  readonly shardId: string;
  /** The quoted table the shard's rows are in (`"Customers_EU"`, `[Customers_EU]`). */
  readonly table: string;
  readonly sql: string;
  /** The values bound to the statement's parameters, in order, as the dialect converted them. */
  readonly parameters: readonly unknown[];
}

/**
 * How the shards' answers of `explain()` combine, by `kind`:
 * - `concat`: rows in arrival order (one shard, or no order asked);
 * - `ordered`: a k-way merge of rows each shard sorted by `keys`;
 * - `distinct`: rows in arrival order, repeats dropped;
 * - `groupBy`: partial groups of every shard merged by key.
 */
export type MergeExplanation = ConcatMergeExplanation | OrderedMergeExplanation | DistinctMergeExplanation | GroupByMergeExplanation;

/** Paging applied once to the merged rows; absent when there is none (or each shard paged itself). */
export interface MergePagingExplanation {
  readonly skip?: number;
  readonly take?: number;
  /** Helper columns the shards return for the merge and the result drops (an order key not selected). */
  readonly stripFields?: readonly string[];
}

/** Rows from all shards in arrival order. A single-shard query is sent with its own paging. */
export interface ConcatMergeExplanation extends MergePagingExplanation {
  readonly kind: 'concat';
}

/** One key column of a merge. */
export interface MergeKeyExplanation {
  /**
   * The column of the shard rows that holds the key: the property name, or a helper column
   * (`__o0`, `__k0`) when a projection does not select it.
   */
  readonly field: string;
}

/** One key of an ordering merge. */
export interface OrderKeyExplanation extends MergeKeyExplanation {
  readonly descending: boolean;
}

/**
 * Globally ordered rows: each shard sorts by `keys` (the primary key last, so the order is total)
 * and a k-way merge interleaves them; then `distinct`, `skip` and `take` apply once.
 */
export interface OrderedMergeExplanation extends MergePagingExplanation {
  readonly kind: 'ordered';
  readonly keys: readonly OrderKeyExplanation[];
  /** Rows equal to an earlier row of the merged order are dropped (before skip and take). */
  readonly distinct?: boolean;
}

/** Each shard's distinct rows, merged in arrival order with rows already seen dropped. */
export interface DistinctMergeExplanation extends MergePagingExplanation {
  readonly kind: 'distinct';
}

/**
 * One aggregate of a `groupBy` select, combined from partial columns of the shard rows: counts
 * and sums add up, min and max compare, an average is the total sum over the total count.
 * `output` is the column of the merged group row that holds it (`__a0`…), which the select reads.
 */
export type GroupAggregateExplanation = { readonly output: string } & (
  | { readonly op: 'count'; readonly countField: string }
  | { readonly op: 'sum'; readonly sumField: string }
  | { readonly op: 'min' | 'max'; readonly valueField: string }
  | { readonly op: 'average'; readonly sumField: string; readonly countField: string }
);

/**
 * `groupBy(key).select(...)`: each shard returns partial groups, merged by the key columns into
 * rows holding the keys and each aggregate under its `output` column; then `order`, `skip`, `take`.
 */
export interface GroupByMergeExplanation extends MergePagingExplanation {
  readonly kind: 'groupBy';
  readonly keys: readonly MergeKeyExplanation[];
  readonly aggregates: readonly GroupAggregateExplanation[];
  /** The order of the output rows; absent: groups in order of first appearance. */
  readonly order?: readonly OrderKeyExplanation[];
}
