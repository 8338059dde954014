/**
 * A group in `groupBy(key).select(g => ...)`. Its methods exist for typing only: the select lambda
 * is parsed, never called, so `g.sum(o => o.total)` becomes an aggregate node that the in-memory
 * evaluator or the SQL translator computes.
 *
 * @example
 * orders.groupBy(o => o.customerId)
 *   .select(g => ({ customerId: g.key, n: g.count(), total: g.sum(o => o.total) }));
 */
export interface Grouping<K, T> {
  /** The group key: a scalar, or an object when the key lambda returns an object literal. */
  readonly key: K;
  /** Number of rows in the group. */
  count(): number;
  /**
   * Sum of the selected values, skipping nulls; 0 when the group has no non-null value, as in LINQ
   * and EF Core (SQL's SUM would give null). Exact for bigints.
   */
  sum(selector: (row: T) => bigint | null | undefined): bigint;
  sum(selector: (row: T) => number | null | undefined): number;
  /** Smallest selected value by dtde's ordering; null when every value is null. */
  min<V>(selector: (row: T) => V): V;
  /** Largest selected value by dtde's ordering; null when every value is null. */
  max<V>(selector: (row: T) => V): V;
  /** Mean of the selected non-null values. */
  average(selector: (row: T) => number | bigint | null | undefined): number;
}

/**
 * The runtime value a group parameter stands for while the in-memory evaluator runs a group's
 * select: the key and the rows in source order. `g.key` reads `key`; aggregates read `rows`.
 */
export class RowGroup {
  constructor(
    readonly key: unknown,
    readonly rows: readonly unknown[],
  ) {}
}
