import { DtdeInvalidOperationError } from '../../errors/dtde-invalid-operation-error.js';
import { aggregateValues } from './aggregate-values.js';
import { evaluateLambda } from './evaluate-expression.js';
import { isTruthy } from './evaluation-scope.js';
import type { BoundLambda, TerminalOperation } from '../expression/query-expression.js';
import type { StringCollation } from './string-collation.js';

/**
 * Compute a terminal operation over the rows a chain produced, with LINQ semantics:
 * - `first` throws on no rows, `single` on none or several; the `OrDefault` forms return null
 *   on none (`singleOrDefault` still throws on several).
 * - `sum` of no rows is 0; null values are skipped by every aggregate, as in SQL.
 * - `average`, `min` and `max` of no rows throw DtdeInvalidOperationError (LINQ does so for
 *   non-nullable values; we cannot tell nullable ones apart, so we always throw). When there are
 *   rows but every selected value is null they return null, as SQL does.
 * - bigint values stay exact in `sum` (and `average` divides the exact sum).
 *
 * @example
 * runTerminal([3, 1, 2], { kind: 'max' }); // 3
 */
export function runTerminal(rows: readonly unknown[], terminal: TerminalOperation, collation?: StringCollation): unknown {
  switch (terminal.kind) {
    case 'toArray':
      return rows.slice();
    case 'first':
    case 'firstOrDefault': {
      const matching = filter(rows, terminal.predicate, collation);
      if (matching.length > 0) return matching[0];
      if (terminal.kind === 'firstOrDefault') return null;
      throw noRows('first', 'Use firstOrDefault() to get null when nothing matches.');
    }
    case 'single':
    case 'singleOrDefault': {
      const matching = filter(rows, terminal.predicate, collation);
      if (matching.length > 1) {
        throw new DtdeInvalidOperationError(
          `${terminal.kind}() found more than one row. Narrow the query with where(...) so at most one row matches, ` +
            'or use first()/firstOrDefault() if any match will do.',
          { operation: terminal.kind },
        );
      }
      if (matching.length === 1) return matching[0];
      if (terminal.kind === 'singleOrDefault') return null;
      throw noRows('single', 'Use singleOrDefault() to get null when nothing matches.');
    }
    case 'count':
      return filter(rows, terminal.predicate, collation).length;
    case 'any':
      return terminal.predicate === undefined ? rows.length > 0 : rows.some((r) => matches(terminal.predicate!, r, collation));
    case 'all':
      return rows.every((r) => matches(terminal.predicate, r, collation));
    case 'sum':
    case 'min':
    case 'max':
    case 'average': {
      const selector = terminal.selector;
      const values = selector === undefined ? rows : rows.map((r) => evaluateLambda(selector.lambda, r, selector.params, collation));
      if (terminal.kind !== 'sum' && values.length === 0) {
        throw noRows(
          terminal.kind,
          `Check any() first, or compute it over a query that always has rows; ${terminal.kind}() of nothing has no value.`,
        );
      }
      return aggregateValues(terminal.kind, values, collation);
    }
  }
}

function filter(rows: readonly unknown[], predicate: BoundLambda | undefined, collation: StringCollation | undefined): readonly unknown[] {
  return predicate === undefined ? rows : rows.filter((r) => matches(predicate, r, collation));
}

function matches(predicate: BoundLambda, row: unknown, collation: StringCollation | undefined): boolean {
  return isTruthy(evaluateLambda(predicate.lambda, row, predicate.params, collation));
}

function noRows(operation: string, fix: string): DtdeInvalidOperationError {
  return new DtdeInvalidOperationError(`${operation}() found no rows. ${fix}`, { operation });
}
