import { aggregateValues } from './aggregate-values.js';
import { compareValues } from './compare-values.js';
import { type Evaluate, type EvaluationScope, evaluationError, isTruthy } from './evaluation-scope.js';
import type { CallExpression, Expression, LambdaExpression } from '../expression/expression.js';
import { GROUP_AGGREGATE_METHODS } from '../expression/expression.js';
import { RowGroup } from '../expression/grouping.js';
import { valuesEqual } from './values-equal.js';

/**
 * Evaluate a method call of the supported subset. A null or undefined receiver or argument gives
 * null rather than a TypeError (SQL's NULL in, NULL out), which a predicate reads as false.
 *
 * @example
 * evaluateCall(parseLambda((c) => c.name.startsWith('A')).body as CallExpression, scope);
 */
export function evaluateCall(node: CallExpression, scope: EvaluationScope, evaluate: Evaluate): unknown {
  if (GROUP_AGGREGATE_METHODS.has(node.method)) return evaluateAggregate(node, scope, evaluate);

  const target = node.target === null ? null : evaluate(node.target, scope);
  const args = node.args.map((a) => evaluate(a, scope));
  const method = node.method;

  if (method.startsWith('Math.')) return evaluateMath(node, args, scope);
  if (node.target !== null && (target === null || target === undefined)) return null;

  switch (method) {
    case 'includes':
      // Array target: membership (SQL IN) with dtde's equality. String target: ordinal containment.
      if (Array.isArray(target)) return target.some((item) => valuesEqual(item, args[0], scope.collation));
      if (args[0] === null || args[0] === undefined) return null;
      return matchText(expectString(target, node, scope), scope).includes(matchText(String(args[0]), scope));
    case 'startsWith':
    case 'endsWith':
      if (args[0] === null || args[0] === undefined) return null;
      return matchText(expectString(target, node, scope), scope)[method](matchText(String(args[0]), scope));
    case 'toLowerCase':
    case 'toUpperCase':
    case 'trim':
      return expectString(target, node, scope)[method]();
    case 'length':
      // UTF-16 code units, as JS's .length (an astral character counts 2). SQL LENGTH counts
      // characters; the SQL translator must use a UTF-16 length to agree, or refuse.
      if (Array.isArray(target)) return target.length;
      return expectString(target, node, scope).length;
    case 'getFullYear':
    case 'getUTCFullYear':
      // dtde dates are UTC: the local-time getters read UTC too, so results never depend on the machine.
      return expectDate(target, node, scope).getUTCFullYear();
    case 'getMonth':
    case 'getUTCMonth':
      return expectDate(target, node, scope).getUTCMonth();
    case 'getDate':
    case 'getUTCDate':
      return expectDate(target, node, scope).getUTCDate();
    default:
      throw evaluationError(`The method '${method}' is not supported here.`, scope, node);
  }
}

function evaluateMath(node: CallExpression, args: readonly unknown[], scope: EvaluationScope): unknown {
  if (args.some((a) => a === null || a === undefined)) return null;
  for (const a of args) {
    if (typeof a !== 'number' && typeof a !== 'bigint') {
      throw evaluationError(`${node.method} needs numbers, got a ${describe(a)}.`, scope, node);
    }
  }
  const nums = args as readonly (number | bigint)[];
  switch (node.method) {
    case 'Math.min':
    case 'Math.max': {
      if (nums.length === 0) return node.method === 'Math.min' ? Infinity : -Infinity;
      const direction = node.method === 'Math.min' ? -1 : 1;
      return nums.reduce((best, v) => (compareValues(v, best) * direction > 0 ? v : best));
    }
    case 'Math.abs': {
      const x = nums[0];
      return typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x);
    }
    case 'Math.round':
      return typeof nums[0] === 'bigint' ? nums[0] : roundHalfAwayFromZero(nums[0]);
    case 'Math.floor':
      return typeof nums[0] === 'bigint' ? nums[0] : Math.floor(nums[0]);
    case 'Math.ceil':
      return typeof nums[0] === 'bigint' ? nums[0] : Math.ceil(nums[0]);
    default:
      throw evaluationError(`The method '${node.method}' is not supported.`, scope, node);
  }
}

/**
 * Math.round as SQL's ROUND(x): halves round away from zero, so -2.5 gives -3. JavaScript's
 * Math.round gives -2 (it rounds halves up); dtde chose SQL's rule so the database and the
 * evaluator agree. Positive halves (2.5 → 3) are the same under both.
 */
export function roundHalfAwayFromZero(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return r === 0 ? 0 : r; // no -0
}

/** `g.count()`, `g.sum(o => ...)`, `g.min`, `g.max`, `g.average` over the rows of a RowGroup. */
function evaluateAggregate(node: CallExpression, scope: EvaluationScope, evaluate: Evaluate): unknown {
  const group = node.target === null ? undefined : evaluate(node.target, scope);
  if (!(group instanceof RowGroup)) {
    throw evaluationError(
      `${node.method}() is an aggregate over a group; call it on the group parameter of groupBy(...).select(g => ...), as in g.${node.method}(...).`,
      scope,
      node,
    );
  }
  const selector = node.args[0];
  if (node.method === 'count') {
    if (selector === undefined) return group.rows.length;
    // g.count(o => predicate): rows for which the predicate holds.
    return group.rows.filter((row) => isTruthy(evaluateNested(expectLambda(selector, node, scope), row, scope, evaluate))).length;
  }
  if (selector === undefined) {
    throw evaluationError(`g.${node.method}() needs a selector, as in g.${node.method}(o => o.total).`, scope, node);
  }
  const lambda = expectLambda(selector, node, scope);
  const values = group.rows.map((row) => evaluateNested(lambda, row, scope, evaluate));
  return aggregateValues(node.method as 'sum' | 'min' | 'max' | 'average', values, scope.collation);
}

/** Evaluate a nested aggregate lambda for one row: its row parameter is the next depth. */
function evaluateNested(lambda: LambdaExpression, row: unknown, scope: EvaluationScope, evaluate: Evaluate): unknown {
  const depth = lambda.parameters[0]?.depth ?? scope.rows.length;
  const rows = scope.rows.slice(0, depth);
  rows[depth] = row;
  return evaluate(lambda.body, { ...scope, rows });
}

function expectLambda(arg: Expression, node: CallExpression, scope: EvaluationScope): LambdaExpression {
  if (arg.kind === 'lambda') return arg;
  throw evaluationError(`g.${node.method}(...) takes a lambda such as o => o.total.`, scope, node);
}

/**
 * The text `startsWith`/`endsWith`/`includes` compare: lower-cased under a case-insensitive
 * collation, as the engines' LIKE (SQL Server's `_CI_`, PostgreSQL's ILIKE for such columns) does.
 */
function matchText(text: string, scope: EvaluationScope): string {
  const fold = scope.collation?.matchFold;
  return fold === undefined ? text : fold(text);
}

function expectString(value: unknown, node: CallExpression, scope: EvaluationScope): string {
  if (typeof value === 'string') return value;
  throw evaluationError(`${node.method}() needs a string, got a ${describe(value)}.`, scope, node);
}

function expectDate(value: unknown, node: CallExpression, scope: EvaluationScope): Date {
  if (value instanceof Date) return value;
  throw evaluationError(`${node.method}() needs a Date, got a ${describe(value)}.`, scope, node);
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'Date';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
