import type * as acorn from 'acorn';
import type { LambdaExpression, ParameterExpression, SourceSpan } from '../expression/expression.js';

/** The acorn nodes dtde accepts as a lambda: arrow functions and plain function expressions. */
export type AcornLambda = acorn.ArrowFunctionExpression | acorn.FunctionExpression;

/** Facts about the outermost lambda, used to write fix suggestions into error messages. */
export interface LambdaRoot {
  /** The full `Function.prototype.toString()` text; every span in the tree is an offset into it. */
  readonly source: string;
  readonly rowName: string | undefined;
  readonly paramsName: string | undefined;
  /** Span of the outermost lambda's body expression. */
  readonly body: SourceSpan;
  /** The query operator named in fix examples (`where` unless the caller says otherwise). */
  readonly operator: string;
}

/** What is visible while translating one lambda body. */
export interface LambdaScope {
  readonly root: LambdaRoot;
  /** 0 for the outermost lambda, +1 per nested aggregate lambda. */
  readonly depth: number;
  /** Parameters in scope by name; inner lambdas shadow outer ones, as in JavaScript. */
  readonly bindings: ReadonlyMap<string, ParameterExpression>;
  /** Parses a nested aggregate lambda (`o => o.total` in `g.sum(o => o.total)`) one level deeper. */
  readonly parseNested: (fn: AcornLambda, outer: LambdaScope) => LambdaExpression;
}

/** The `{ start, end }` of an acorn node. */
export function spanOf(node: { readonly start: number; readonly end: number }): SourceSpan {
  return { start: node.start, end: node.end };
}

/** True for the acorn node types dtde treats as a lambda. */
export function isAcornLambda(node: { readonly type: string }): node is AcornLambda {
  return node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression';
}
