import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { QueryOperator } from './query-expression.js';

/**
 * Check that an operator chain has a shape every executor can run: `thenBy` directly after an
 * ordering, `groupBy` directly followed by the `select` over its groups, and `skip`/`take`
 * counts that are non-negative integers. The typed Queryable API already prevents most of these;
 * this guards chains built by hand or by other code. Throws DtdeTranslationError.
 *
 * @example
 * assertChainShape(query.operators);
 */
export function assertChainShape(operators: readonly QueryOperator[]): void {
  operators.forEach((op, i) => {
    const previous = i > 0 ? operators[i - 1] : undefined;
    if (op.kind === 'orderBy' && op.thenBy && previous?.kind !== 'orderBy') {
      throw new DtdeTranslationError(
        'thenBy/thenByDescending must come directly after orderBy, orderByDescending or another thenBy; ' +
          'start the ordering with orderBy(...) first.',
        { lambdaSource: op.key.lambda.source },
      );
    }
    if (op.kind === 'groupBy' && operators[i + 1]?.kind !== 'select') {
      throw new DtdeTranslationError(
        'groupBy(...) must be followed directly by select(g => ...) that turns each group into a row, ' +
          'e.g. .groupBy(o => o.customerId).select(g => ({ id: g.key, n: g.count() })).',
        { lambdaSource: op.key.lambda.source },
      );
    }
    if (op.kind === 'skip' || op.kind === 'take') assertCount(op.kind, op.count);
  });
}

/**
 * `skip(n)` and `take(n)` take a non-negative safe integer.
 *
 * @example
 * assertCount('take', 10);
 */
export function assertCount(operator: 'skip' | 'take', count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new DtdeTranslationError(
      `${operator}(${String(count)}) needs a non-negative integer count; pass a whole number such as ${operator}(10).`,
    );
  }
}
