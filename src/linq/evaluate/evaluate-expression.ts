import { compareValues } from './compare-values.js';
import { evaluateCall } from './evaluate-call.js';
import type { BinaryExpression, Expression, LambdaExpression } from '../expression/expression.js';
import { type ExpressionVisitorTable, visitExpression } from '../expression/expression-visitor.js';
import { RowGroup } from '../expression/grouping.js';
import type { QueryParams } from '../expression/query-expression.js';
import { valuesEqual } from './values-equal.js';
import { type EvaluationScope, evaluationError, isTruthy } from './evaluation-scope.js';
import { readParamsPath } from '../expression/read-params-path.js';
import type { StringCollation } from './string-collation.js';

/**
 * Evaluate an expression tree in memory with dtde's promised semantics: JavaScript's, except
 * where SQL and JavaScript disagree and dtde has chosen (the comments below say why):
 * equality treats null and undefined alike and Dates by instant; relational
 * comparisons with null are false; arithmetic with null is null.
 *
 * @example
 * evaluateExpression(lambda.body, { rows: [{ total: 5 }], params: { min: 3 } }); // true for c.total > p.min
 */
export function evaluateExpression(node: Expression, scope: EvaluationScope): unknown {
  return visitExpression(evaluator, node, scope);
}

/**
 * Evaluate a lambda's body for one row (or one `RowGroup`) and a params object.
 *
 * @example
 * evaluateLambda(parseLambda((c) => c.name), { name: 'Ada' }, {}); // 'Ada'
 */
export function evaluateLambda(lambda: LambdaExpression, row: unknown, params: QueryParams, collation?: StringCollation): unknown {
  return evaluateExpression(lambda.body, { rows: [row], params, lambdaSource: lambda.source, collation });
}

const evaluator: ExpressionVisitorTable<unknown, EvaluationScope> = {
  lambda: (node, scope) => {
    throw evaluationError(
      'A lambda can only be the argument of a group aggregate such as g.sum(o => o.total); it has no value of its own.',
      scope,
      node,
    );
  },

  parameter: (node, scope) => {
    if (node.role === 'params') return scope.params;
    if (node.depth >= scope.rows.length) {
      throw evaluationError(
        `Parameter '${node.name}' (depth ${node.depth}) is not bound; nested lambdas are only allowed as group aggregate arguments.`,
        scope,
        node,
      );
    }
    return scope.rows[node.depth];
  },

  constant: (node) => node.value,

  paramsMember: (node, scope) => readParamsPath(scope.params, node.path),

  member: (node, scope) => {
    const object = evaluateExpression(node.object, scope);
    // A property of a missing value is missing too (SQL would give NULL; JS would throw).
    if (object === null || object === undefined) return null;
    if (object instanceof RowGroup) {
      if (node.property === 'key') return object.key;
      throw evaluationError(
        `A group has no property '${node.property}'; use g.key or an aggregate such as g.count() or g.sum(o => o.total).`,
        scope,
        node,
      );
    }
    if (typeof object !== 'object') {
      if (typeof object === 'string' && node.property === 'length') return object.length;
      throw evaluationError(
        `Cannot read property '${node.property}' of a ${typeof object} value; only rows and objects have properties.`,
        scope,
        node,
      );
    }
    return (object as Record<string, unknown>)[node.property];
  },

  binary: (node, scope) => evaluateBinary(node, scope),

  unary: (node, scope) => {
    const operand = evaluateExpression(node.operand, scope);
    if (node.operator === '!') return !isTruthy(operand);
    if (operand === null || operand === undefined) return null;
    return typeof operand === 'bigint' ? -operand : -Number(operand);
  },

  conditional: (node, scope) =>
    isTruthy(evaluateExpression(node.test, scope)) ? evaluateExpression(node.consequent, scope) : evaluateExpression(node.alternate, scope),

  call: (node, scope) => evaluateCall(node, scope, evaluateExpression),

  object: (node, scope) => {
    const result: Record<string, unknown> = {};
    for (const p of node.properties) result[p.name] = evaluateExpression(p.value, scope);
    return result;
  },

  array: (node, scope) => node.elements.map((e) => evaluateExpression(e, scope)),

  template: (node, scope) => {
    let text = node.quasis[0];
    node.expressions.forEach((e, i) => {
      text += templatePart(evaluateExpression(e, scope)) + node.quasis[i + 1];
    });
    return text;
  },
};

/**
 * A template part as text. Null and undefined are '' (SQL's CONCAT and C# interpolation; JS would
 * print "null"), and a Date is its ISO text in UTC (JS would print local time, which depends on
 * the machine).
 */
function templatePart(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function evaluateBinary(node: BinaryExpression, scope: EvaluationScope): unknown {
  const { operator } = node;
  // Logical operators short-circuit and return an operand, exactly as JavaScript does.
  if (operator === '&&' || operator === '||' || operator === '??') {
    const left = evaluateExpression(node.left, scope);
    if (operator === '&&') return isTruthy(left) ? evaluateExpression(node.right, scope) : left;
    if (operator === '||') return isTruthy(left) ? left : evaluateExpression(node.right, scope);
    return left === null || left === undefined ? evaluateExpression(node.right, scope) : left;
  }
  const left = evaluateExpression(node.left, scope);
  const right = evaluateExpression(node.right, scope);
  switch (operator) {
    case '===':
    case '==':
      return valuesEqual(left, right, scope.collation);
    case '!==':
    case '!=':
      return !valuesEqual(left, right, scope.collation);
    case '<':
      return compareRelational(left, right, (c) => c < 0, scope.collation);
    case '<=':
      return compareRelational(left, right, (c) => c <= 0, scope.collation);
    case '>':
      return compareRelational(left, right, (c) => c > 0, scope.collation);
    case '>=':
      return compareRelational(left, right, (c) => c >= 0, scope.collation);
    default:
      return arithmetic(operator, left, right);
  }
}

/**
 * `<`, `<=`, `>`, `>=`. Any null or undefined side makes the comparison false (SQL's unknown;
 * JavaScript would say `null < 1` is true). Values of one kind (strings, Dates, booleans, numbers
 * with bigints) compare with compareValues, the ordering orderBy uses, so `where` and `orderBy`
 * agree: strings by code point, Dates by instant, bigint exactly. Other mixes fall back to JS.
 */
function compareRelational(
  left: unknown,
  right: unknown,
  test: (comparison: number) => boolean,
  collation: StringCollation | undefined,
): boolean {
  if (left === null || left === undefined || right === null || right === undefined) return false;
  if (sameKind(left, right)) return test(compareValues(left, right, collation));
  const l = left as number;
  const r = right as number;
  return test(l < r ? -1 : l > r ? 1 : l === r ? 0 : Number.NaN);
}

function sameKind(a: unknown, b: unknown): boolean {
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(a) && numeric(b)) {
    // NaN compares false with everything in JS and SQL has no NaN; keep the JS answer.
    return !Number.isNaN(a) && !Number.isNaN(b);
  }
  if (a instanceof Date && b instanceof Date) return true;
  return typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean');
}

/**
 * `+ - * / %`. A null or undefined operand gives null, as SQL and C#'s lifted operators do
 * (JavaScript would treat null as 0 and undefined as NaN). `+` with a string concatenates.
 * bigint with bigint stays bigint (so `/` truncates, as it does in JS and in SQL integer
 * division); bigint with an integer number is exact bigint arithmetic except `/`, which, like
 * every other mix, is number arithmetic. `/` on numbers is JS division (no integer division);
 * `%` is the JS remainder (sign of the dividend, as SQL's).
 */
function arithmetic(operator: '+' | '-' | '*' | '/' | '%', left: unknown, right: unknown): unknown {
  // String concatenation treats null as '' (as template literals here, EF Core and SQL CONCAT do);
  // JavaScript's 'null!' has no SQL counterpart.
  if (operator === '+' && (typeof left === 'string' || typeof right === 'string')) {
    return templatePart(left) + templatePart(right);
  }
  if (left === null || left === undefined || right === null || right === undefined) return null;
  const bothBig =
    (typeof left === 'bigint' || typeof right === 'bigint') &&
    isBigintOrInteger(left) &&
    isBigintOrInteger(right) &&
    (operator !== '/' || (typeof left === 'bigint' && typeof right === 'bigint'));
  if (bothBig) {
    const l = BigInt(left as number | bigint);
    const r = BigInt(right as number | bigint);
    if ((operator === '/' || operator === '%') && r === 0n) return null;
    return bigintOp(operator, l, r);
  }
  const r = Number(right);
  // SQL gives NULL for a division or remainder by zero (SQL Server raises an error); JavaScript's
  // Infinity/NaN have no SQL counterpart, so the evaluator agrees with the database.
  if ((operator === '/' || operator === '%') && r === 0) return null;
  return numberOp(operator, Number(left), r);
}

function isBigintOrInteger(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

function bigintOp(operator: '+' | '-' | '*' | '/' | '%', l: bigint, r: bigint): bigint {
  switch (operator) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
  }
}

function numberOp(operator: '+' | '-' | '*' | '/' | '%', l: number, r: number): number {
  switch (operator) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
  }
}
