/**
 * How the answers of several shard commands combine into one query result. Produced by the
 * planner next to the per-shard SQL, consumed by `mergeRows` / `mergeValue` in src/execution.
 * Plain immutable data with a `kind` discriminant; field names refer to properties of the row
 * objects the shard commands yield (the SQL aliases), never to lambdas.
 *
 * Row plans (`concat`, `ordered`, `distinct`, `groupBy`) yield rows; value plans (`aggregate`,
 * `element`) produce one final value.
 *
 * @example
 * // orderBy(c => c.name).skip(20).take(10) over 3 shards; each shard SQL has
 * // ORDER BY name, id LIMIT 30, and selects id although the user's select dropped it.
 * const plan: MergePlan = {
 *   kind: 'ordered',
 *   keys: [{ field: 'name', descending: false }, { field: 'id', descending: false }],
 *   skip: 20, take: 10, stripFields: ['id'],
 * };
 */
export type MergePlan = RowsMergePlan | ValueMergePlan;

/** Plans whose result is a stream of rows. */
export type RowsMergePlan = ConcatMergePlan | OrderedMergePlan | DistinctMergePlan | GroupByMergePlan;

/** Plans whose result is one value (a number, a boolean, a row or null). */
export type ValueMergePlan = AggregateMergePlan | ElementMergePlan;

/** A shard row as drivers yield it: column alias to value. */
export type MergeRow = Readonly<Record<string, unknown>>;

/**
 * One key of a client-side ordering; compared with `compareValues` (or, for a column type the
 * engine orders its own way, the dialect's `orderComparer`), flipped when descending.
 */
export interface MergeOrderKey {
  /** The property of the row object that holds the key value. */
  readonly field: string;
  readonly descending: boolean;
}

/** Paging applied once, after the merge. Absent means none. */
interface Paging {
  readonly skip?: number;
  readonly take?: number;
}

/**
 * Rows from all shards in arrival order (no order is promised, as in SQL without ORDER BY).
 * A single-shard query is planned as `concat` with no paging: the shard got its own OFFSET/LIMIT.
 * Across shards with `take`, each shard SQL is limited to `skip + take` rows.
 */
export interface ConcatMergePlan extends Paging {
  readonly kind: 'concat';
  /** Helper columns removed from every row before it is returned. */
  readonly stripFields?: readonly string[];
}

/**
 * Globally ordered rows: each shard yields rows sorted by `keys` (limited to `skip + take`);
 * a k-way heap merge produces the global order, ties broken by shard index (commands order),
 * then `distinct`, `skip` and `take` apply once. The planner appends the primary key to `keys`
 * so the order is total.
 */
export interface OrderedMergePlan extends Paging {
  readonly kind: 'ordered';
  readonly keys: readonly MergeOrderKey[];
  /**
   * Order-key helper columns the user did not select. They take part in the merge and are
   * removed before rows are returned (and before `distinct` compares rows).
   */
  readonly stripFields?: readonly string[];
  /** Drop rows equal (after stripping) to an earlier row of the merged order; before skip/take. */
  readonly distinct?: boolean;
}

/**
 * Unordered distinct: each shard yields its distinct rows, the merge drops rows already seen
 * (values compared by `canonicalKey`: dates by time, `1n` equals `1`), then skip/take.
 * Rows come in arrival order. Ordered distinct is `ordered` with `distinct: true`.
 */
export interface DistinctMergePlan extends Paging {
  readonly kind: 'distinct';
  readonly stripFields?: readonly string[];
}

/**
 * A partial aggregate as each shard computes it and how partials combine. Per-shard SQL:
 * count → `COUNT(*)`/`COUNT_BIG(*)` (or `COUNT(x)`), sum → `SUM(x)`, min/max → `MIN(x)`/`MAX(x)`,
 * average → `SUM(x)` and `COUNT(x)` (never an average of averages).
 */
export type PartialAggregate =
  | { readonly op: 'count'; readonly countField: string }
  | { readonly op: 'sum'; readonly sumField: string }
  | { readonly op: 'min' | 'max'; readonly valueField: string }
  | { readonly op: 'average'; readonly sumField: string; readonly countField: string };

/** What min/max/average return when no shard has a (non-null) value. */
export type EmptyAggregateResult = 'throw' | 'null';

/**
 * A scalar aggregate over per-shard partials (each shard yields one row, or none).
 *
 * - count: sum of the per-shard counts (number, bigint or string from drivers); exact.
 * - sum: exact addition; a NULL partial (SQL SUM of no rows) counts as 0; sum of nothing is 0.
 * - min/max: compare non-null partials; none → `onEmpty` (default `throw`, as LINQ), or null
 *   when `rowCountField` says there were rows (all values null).
 * - average: total sum / total count (`COUNT(x)`); count 0 → as min/max.
 * - any: true as soon as one shard yields a row whose `field` is truthy (or any row at all
 *   when `field` is absent, e.g. `SELECT 1 ... LIMIT 1`); the other shards are cancelled.
 * - all: false as soon as one shard yields a row whose `field` is falsy, i.e. the shard's
 *   own "all rows match" flag (`NOT EXISTS (... WHERE NOT (p))`); with `field` absent, any row
 *   is a counterexample (`SELECT 1 ... WHERE NOT (p) LIMIT 1`). The other shards are cancelled.
 */
export type AggregateMergePlan = {
  readonly kind: 'aggregate';
  readonly onEmpty?: EmptyAggregateResult;
  /**
   * For min/max/average: a per-shard `COUNT(*)` column. With it, `onEmpty` applies only when no
   * shard has a row; rows whose values are all null give null (as the in-memory evaluator does).
   * Without it, "no non-null value" is treated as empty.
   */
  readonly rowCountField?: string;
} & (PartialAggregate | { readonly op: 'any' | 'all'; readonly field?: string });

/**
 * `first`/`firstOrDefault` (source limited to 1 row per shard and `take: 1`) and
 * `single`/`singleOrDefault` (limit and `take` 2, to detect a second row). The `OrDefault`
 * variants return null for no rows; the others throw `DtdeInvalidOperationError`, as do the
 * `single` variants for more than one row.
 */
export interface ElementMergePlan {
  readonly kind: 'element';
  readonly op: 'first' | 'firstOrDefault' | 'single' | 'singleOrDefault';
  readonly source: RowsMergePlan;
}

/** One aggregate output of a `groupBy` select, computed from partial columns of shard rows. */
export type GroupAggregate = PartialAggregate & {
  /** The property of the output row. */
  readonly output: string;
};

/** A group key column of the shard rows. */
export interface GroupKeyField {
  readonly field: string;
}

/**
 * `groupBy(key).select(g => ({ key: g.key, n: g.count(), avg: g.average(x => x.v) }))` across shards.
 * Each shard yields partial groups: the key columns plus the partial columns of every aggregate.
 * Groups are merged by key equality (dates by time, bigint and number by value, null is its own
 * group); output rows hold the key columns (under their field names) and each aggregate under
 * `output`, minus `stripFields` (keys grouped by but not selected). Then `order` (over output
 * fields, stable), `skip` and `take`. Without `order`, groups come in order of first appearance
 * (shard index, then the shard's row order). A group's count is ≥ 1, so average over all-null
 * values is null, min/max over all-null values is null, sum over them is 0.
 */
export interface GroupByMergePlan extends Paging {
  readonly kind: 'groupBy';
  readonly keys: readonly GroupKeyField[];
  readonly aggregates: readonly GroupAggregate[];
  /**
   * A per-shard `COUNT(*)` column, present when no key part reads a column (a constant key has no
   * GROUP BY term, so a shard without rows still answers one row of empty aggregates): a row
   * whose count is 0 is no group.
   */
  readonly rowCountField?: string;
  readonly order?: readonly MergeOrderKey[];
  readonly stripFields?: readonly string[];
}

/** True for plans whose result is a stream of rows. */
export function isRowsMergePlan(plan: MergePlan): plan is RowsMergePlan {
  return plan.kind === 'concat' || plan.kind === 'ordered' || plan.kind === 'distinct' || plan.kind === 'groupBy';
}
