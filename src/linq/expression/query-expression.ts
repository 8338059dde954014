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
  stream(query: QueryExpression, options?: ExecuteOptions): AsyncIterable<unknown>;
  /** The SQL each shard would get, without I/O. Only executors that speak SQL implement it. */
  toQueryString?(query: QueryExpression, options?: QueryStringOptions): string;
  /** The plan as data, without I/O. */
  explain?(query: QueryExpression, options?: QueryStringOptions): QueryExplanation;
}

export interface QueryStringOptions {
  /** Render for this dialect instead of the context's own (`'mssql'` shows SQL Server text anywhere). */
  readonly dialect?: 'sqlite' | 'mssql';
}

/** What `explain()` returns: the shards a query reads, their SQL, and how answers merge. */
export interface QueryExplanation {
  readonly entity: string;
  readonly dialect: string;
  readonly commands: readonly {
    readonly shardId: string;
    readonly table: string;
    readonly sql: string;
    readonly parameters: readonly unknown[];
  }[];
  /** The merge plan (`kind` says which: concat, ordered, distinct, groupBy, aggregate, element). */
  readonly merge: { readonly kind: string } & Readonly<Record<string, unknown>>;
  /** Where the terminal runs: streamed, in the merge, or on the client over merged rows. */
  readonly terminal: 'stream' | 'merge' | 'client';
}
