import { compareValues } from '../linq/evaluate/compare-values.js';
import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import type { EmptyAggregateResult, MergeRow, PartialAggregate } from '../planner/merge-plan.js';
import type { ValueComparer } from './compare-rows.js';
import { countResult, ExactSum, toCount } from './exact-sum.js';

/**
 * Combines the per-shard partials of one aggregate (count, sum, min, max, average as sum and
 * count). Used for scalar aggregates and for each aggregate of each group.
 *
 * @example
 * const acc = new PartialAccumulator({ op: 'average', sumField: 's', countField: 'c' });
 * acc.add({ s: 10, c: 4 }); acc.add({ s: 2, c: 1 });
 * acc.result('throw'); // 2.4
 */
export class PartialAccumulator {
  private count = 0n;
  private readonly sum = new ExactSum();
  private extreme: unknown = null;

  /** `comparers`: per field, the engine's order where it is not dtde's default (a collation, GUIDs): min/max use it. */
  constructor(
    private readonly spec: PartialAggregate,
    private readonly comparers: Readonly<Record<string, ValueComparer>> = {},
  ) {}

  /** Adds the partial columns of one shard row. */
  add(row: MergeRow): void {
    const spec = this.spec;
    switch (spec.op) {
      case 'count':
        this.count += toCount(row[spec.countField]);
        return;
      case 'sum':
        this.sum.add(row[spec.sumField]);
        return;
      case 'average':
        this.sum.add(row[spec.sumField]);
        this.count += toCount(row[spec.countField]);
        return;
      case 'min':
      case 'max': {
        const value = row[spec.valueField];
        // An empty shard answers NULL; nulls never win, as SQL MIN/MAX ignore them.
        if (value === null || value === undefined) return;
        const c = this.extreme === null ? 0 : (this.comparers[spec.valueField] ?? compareValues)(value, this.extreme);
        if (this.extreme === null || (spec.op === 'min' ? c < 0 : c > 0)) this.extreme = value;
        return;
      }
    }
  }

  /**
   * The combined value. When min/max saw no value or average counted nothing, `onEmpty`
   * decides: `throw` (LINQ's "Sequence contains no elements") or `null`.
   */
  result(onEmpty: EmptyAggregateResult): unknown {
    const spec = this.spec;
    switch (spec.op) {
      case 'count':
        return countResult(this.count);
      case 'sum':
        return this.sum.result();
      case 'average':
        return this.count === 0n ? empty(onEmpty, spec.op) : this.sum.divide(this.count);
      case 'min':
      case 'max':
        return this.extreme === null ? empty(onEmpty, spec.op) : this.extreme;
    }
  }
}

function empty(onEmpty: EmptyAggregateResult, operation: string): null {
  if (onEmpty === 'null') return null;
  throw new DtdeInvalidOperationError(
    `Sequence contains no elements: ${operation}() over no rows has no value. ` +
      `Check for rows first (any()) or select a nullable value to get null.`,
    { operation },
  );
}
