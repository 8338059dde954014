import { DtdeTranslationError } from '../../errors/dtde-translation-error.js';
import type { Expression } from '../expression/expression.js';
import type { QueryParams } from '../expression/query-expression.js';
import type { StringCollation } from './string-collation.js';

/**
 * What the parameters of a lambda stand for during one evaluation. A `row` parameter of depth d
 * reads `rows[d]` (depth 0 is the outer lambda's row, or its `RowGroup` in a group select;
 * depth 1 is the row of a nested aggregate lambda such as `g.sum(o => o.total)`). A `params`
 * parameter and every `paramsMember` read `params`.
 */
export interface EvaluationScope {
  readonly rows: readonly unknown[];
  readonly params: QueryParams;
  /** The source of the lambda being evaluated, quoted by errors. */
  readonly lambdaSource?: string;
  /** How strings compare (`===`, `<`, `startsWith`…); code point when absent. */
  readonly collation?: StringCollation;
}

/** JavaScript truthiness: what a predicate's result means for `where`, `!`, `&&`, `||` and `?:`. */
export function isTruthy(value: unknown): boolean {
  return Boolean(value);
}

/** Thrown when a value has a type the expression cannot work on (a program error, not a data one). */
export function evaluationError(message: string, scope: EvaluationScope, node: Expression): DtdeTranslationError {
  return new DtdeTranslationError(scope.lambdaSource === undefined ? message : `${message} In lambda: ${scope.lambdaSource}`, {
    lambdaSource: scope.lambdaSource,
    position: node.span,
  });
}

/** Evaluates a sub-expression; passed in by evaluateExpression so that modules it calls do not import it back. */
export type Evaluate = (node: Expression, scope: EvaluationScope) => unknown;
