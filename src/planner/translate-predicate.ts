import {
  type BinaryExpression,
  type CallExpression,
  type ComparisonOperator,
  type Expression,
  isComparisonOperator,
} from '../linq/expression/expression.js';
import { compareValues } from '../linq/evaluate/compare-values.js';
import { valuesEqual } from '../linq/evaluate/values-equal.js';
import { type SqlComparisonOp, type SqlExpr, sql } from '../sql/sql-ast.js';
import { pinParamsRead } from './params-recorder.js';
import {
  type TranslatedValue,
  type TranslationContext,
  describeNode,
  familyOfType,
  knownValue,
  readParams,
  requireFamily,
  requireTarget,
  translationError,
} from './translation-context.js';

/**
 * The context predicate translation runs in: the lambda's context plus the value translator
 * (translateExpression), passed in by translate-expression so the two modules do not import each other.
 */
export interface PredicateContext extends TranslationContext {
  readonly translateValue: (node: Expression, ctx: TranslationContext) => TranslatedValue;
}

/**
 * Translates a JavaScript condition into a SQL predicate that selects a row exactly when the
 * condition is truthy, under dtde's semantics (the in-memory evaluator's): `===` treats null as a
 * value (`x === null` is `IS NULL`), relational comparisons with null are false, and `!` is
 * two-valued. SQL's three-valued logic would make `NOT (x = 'a')` drop rows where `x` is NULL, so,
 * as EF Core's relational null semantics do, comparisons over nullable operands get explicit
 * `IS NULL` / `IS NOT NULL` terms.
 *
 * `exact` says whether the result must be strictly TRUE or FALSE. With `exact = false` the result
 * may be NULL where the answer is false, which is enough for WHERE, AND, OR and CASE WHEN and gives
 * shorter SQL; `!` asks for an exact operand because `NOT NULL` is NULL.
 */
export function translatePredicate(node: Expression, ctx: PredicateContext, exact: boolean): SqlExpr {
  switch (node.kind) {
    case 'binary':
      if (node.operator === '&&') return sql.and(translatePredicate(node.left, ctx, exact), translatePredicate(node.right, ctx, exact));
      if (node.operator === '||') return sql.or(translatePredicate(node.left, ctx, exact), translatePredicate(node.right, ctx, exact));
      if (isComparisonOperator(node.operator)) return compare(node.operator, node, ctx, exact);
      break;
    case 'unary':
      if (node.operator === '!') return negatePredicate(node.operand, ctx, exact);
      break;
    case 'call':
      if (node.method === 'includes' || node.method === 'startsWith' || node.method === 'endsWith') {
        return callPredicate(node, ctx, exact);
      }
      break;
    case 'conditional': {
      // CASE over 0/1 flags is never NULL, so the result is exact.
      const test = translatePredicate(node.test, ctx, false);
      const flags = {
        kind: 'case' as const,
        whens: [{ when: test, then: flag(translatePredicate(node.consequent, ctx, false)) }],
        else: flag(translatePredicate(node.alternate, ctx, false)),
      };
      return sql.binary('=', flags, sql.literal(1));
    }
  }
  return truthiness(ctx.translateValue(node, ctx), node, ctx, exact, false);
}

/**
 * A predicate used as a value (`select(c => ({ big: c.total > 100 }))`): `CASE WHEN … THEN 1 ELSE 0 END`.
 * `&&` and `||` only qualify over booleans, because in JavaScript they return an operand.
 */
export function booleanValue(node: Expression, ctx: PredicateContext): TranslatedValue {
  if (node.kind === 'binary' && (node.operator === '&&' || node.operator === '||')) {
    for (const side of [node.left, node.right]) {
      if (!isBooleanNode(side, ctx)) {
        throw translationError(
          `${node.operator} over ${describeNode(side, ctx)} returns that operand in JavaScript, which dtde does not translate as a value. ` +
            'Use ?? for a default, or a ternary for a choice.',
          ctx,
          side,
        );
      }
    }
  }
  return { sql: flag(translatePredicate(node, ctx, false)), type: { kind: 'boolean' }, nullable: false };
}

function flag(predicate: SqlExpr): SqlExpr {
  return { kind: 'case', whens: [{ when: predicate, then: sql.literal(1) }], else: sql.literal(0) };
}

function isBooleanNode(node: Expression, ctx: PredicateContext): boolean {
  if (node.kind === 'binary')
    return node.operator === '&&' || node.operator === '||'
      ? isBooleanNode(node.left, ctx) && isBooleanNode(node.right, ctx)
      : isComparisonOperator(node.operator);
  if (node.kind === 'unary') return node.operator === '!';
  if (node.kind === 'call') return node.method === 'includes' || node.method === 'startsWith' || node.method === 'endsWith';
  return familyOfType(ctx.translateValue(node, ctx).type) === 'boolean';
}

/** `!operand`, pushed inwards where JavaScript allows (De Morgan, `!(a === b)` is `a !== b`). */
function negatePredicate(operand: Expression, ctx: PredicateContext, exact: boolean): SqlExpr {
  if (operand.kind === 'unary' && operand.operator === '!') return translatePredicate(operand.operand, ctx, exact);
  if (operand.kind === 'binary') {
    const { operator } = operand;
    if (operator === '&&') return sql.or(negatePredicate(operand.left, ctx, exact), negatePredicate(operand.right, ctx, exact));
    if (operator === '||') return sql.and(negatePredicate(operand.left, ctx, exact), negatePredicate(operand.right, ctx, exact));
    const flipped = { '===': '!==', '==': '!=', '!==': '===', '!=': '==' } as const;
    if (operator in flipped) return compare(flipped[operator as keyof typeof flipped], operand, ctx, exact);
    // `!(a < b)` is not `a >= b` when a side is null, so relational comparisons keep their NOT.
    if (isComparisonOperator(operator)) return sql.not(compare(operator, operand, ctx, true));
  }
  if (operand.kind === 'call' || operand.kind === 'conditional') return sql.not(translatePredicate(operand, ctx, true));
  return truthiness(ctx.translateValue(operand, ctx), operand, ctx, exact, true);
}

/** JavaScript truthiness of a value as a predicate (`c.active`, `!c.name`). */
function truthiness(value: TranslatedValue, node: Expression, ctx: PredicateContext, exact: boolean, negated: boolean): SqlExpr {
  if (value.known !== undefined) {
    pinParamsRead(value.known.slot);
    return Boolean(value.known.value) !== negated ? sql.alwaysTrue() : sql.alwaysFalse();
  }
  const family = familyOfType(value.type);
  if (family === 'date') return sql.isNull(value.sql, !negated);
  let falsy: SqlExpr;
  if (family === 'boolean') falsy = sql.literal(0);
  else if (family === 'number') falsy = sql.literal(0);
  else if (family === 'string') falsy = sql.param('', { kind: 'string' });
  else
    throw translationError(
      `${describeNode(node, ctx)} has no known type, so dtde cannot test its truthiness; compare it explicitly.`,
      ctx,
      node,
    );

  if (negated) {
    const isFalsy = sql.binary('=', value.sql, falsy);
    return value.nullable ? sql.or(isFalsy, sql.isNull(value.sql)) : isFalsy;
  }
  // Booleans read best as `= 1`; other types as "not the falsy value".
  const isTruthy = family === 'boolean' ? sql.binary('=', value.sql, sql.literal(1)) : sql.binary('<>', value.sql, falsy);
  return exact && value.nullable ? sql.and(isTruthy, sql.isNull(value.sql, true)) : isTruthy;
}

const SQL_OPERATOR: Record<ComparisonOperator, SqlComparisonOp> = {
  '===': '=',
  '==': '=',
  '!==': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function compare(op: ComparisonOperator, node: BinaryExpression, ctx: PredicateContext, exact: boolean): SqlExpr {
  let left = ctx.translateValue(node.left, ctx);
  let right = ctx.translateValue(node.right, ctx);
  const equality = op === '===' || op === '==' || op === '!==' || op === '!=';
  const positive = op === '===' || op === '==';

  if (left.known !== undefined && right.known !== undefined) {
    pinParamsRead(left.known.slot);
    pinParamsRead(right.known.slot);
    const answer = equality
      ? valuesEqual(left.known.value, right.known.value) === positive
      : foldRelational(op, left.known.value, right.known.value);
    return answer ? sql.alwaysTrue() : sql.alwaysFalse();
  }
  const leftNull = left.known !== undefined && left.known.value === null;
  const rightNull = right.known !== undefined && right.known.value === null;
  if (leftNull || rightNull) {
    if (!equality) return sql.alwaysFalse();
    return sql.isNull(leftNull ? right.sql : left.sql, !positive);
  }
  const lf = familyOfType(left.type);
  const rf = familyOfType(right.type);
  if (lf !== null && rf !== null && lf !== rf) {
    // dtde's equality never coerces ('1' !== 1); SQL would, so answer without asking the database.
    if (equality) return positive ? sql.alwaysFalse() : sql.alwaysTrue();
    throw translationError(`Cannot compare a ${lf} with a ${rf} using ${op}; compare values of the same type.`, ctx, node);
  }
  [left, right] = [adoptColumnType(left, right), adoptColumnType(right, left)];

  const cmp = sql.binary(SQL_OPERATOR[op], left.sql, right.sql);
  const nullable = [left, right].filter((v) => v.nullable);
  const notNull = (v: TranslatedValue) => sql.isNull(v.sql, true);
  const isNull = (v: TranslatedValue) => sql.isNull(v.sql);
  if (nullable.length === 0) return cmp;

  if (!equality) return exact ? nullable.reduce<SqlExpr>((acc, v) => sql.and(acc, notNull(v)), cmp) : cmp;
  if (positive) {
    if (nullable.length === 1) return exact ? sql.and(cmp, notNull(nullable[0])) : cmp;
    const bothNull = sql.and(isNull(left), isNull(right));
    return exact ? sql.or(sql.and(sql.and(cmp, notNull(left)), notNull(right)), bothNull) : sql.or(cmp, bothNull);
  }
  // `!==` is true when exactly one side is null, false when both are.
  if (nullable.length === 1) return sql.or(cmp, isNull(nullable[0]));
  return sql.and(sql.or(sql.or(cmp, isNull(left)), isNull(right)), sql.or(notNull(left), notNull(right)));
}

function foldRelational(op: ComparisonOperator, a: unknown, b: unknown): boolean {
  if (a === null || b === null) return false;
  const c = compareValues(a, b);
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

/**
 * A parameter compared with a column takes the column's type (so T-SQL declares `nvarchar(8)` for
 * a region, `datetime2` for a date), unless the value does not fit it (2.5 against an int column).
 */
function adoptColumnType(value: TranslatedValue, other: TranslatedValue): TranslatedValue {
  if (value.sql.kind !== 'param' || value.known === undefined || other.type === null || other.type.kind === 'float') return value;
  const v = value.known.value;
  const column = other.type;
  if ((column.kind === 'int' || column.kind === 'bigint') && !(typeof v === 'bigint' || Number.isInteger(v))) return value;
  if (column.kind === 'int' && value.type?.kind === 'bigint') return value;
  // A copy of the parameter node, so it keeps the params read it binds (`source`).
  return { ...value, type: column, sql: { ...value.sql, type: column } };
}

function callPredicate(node: CallExpression, ctx: PredicateContext, exact: boolean): SqlExpr {
  const targetNode = requireTarget(node, ctx);
  if (node.args.length !== 1) throw translationError(`${node.method} takes exactly one argument here.`, ctx, node);
  const argNode = node.args[0];

  if (node.method === 'includes') {
    if (targetNode.kind === 'array') {
      const values = targetNode.elements.map((e) => {
        const v = ctx.translateValue(e, ctx);
        if (v.known === undefined) {
          throw translationError('Elements of an IN list must be constants or params values, not columns.', ctx, e);
        }
        pinParamsRead(v.known.slot);
        return v.known.value;
      });
      return inList(argNode, values, ctx, exact);
    }
    if (targetNode.kind === 'paramsMember') {
      const value = readParams(targetNode.path, ctx);
      if (Array.isArray(value)) return inList(argNode, value, ctx, exact);
      if (typeof value === 'string') {
        throw translationError(
          `Testing whether params text contains a column is not supported; use ${describeNode(argNode, ctx)}.includes(...) the other way round or an array for IN.`,
          ctx,
          node,
        );
      }
      throw translationError(
        `${describeNode(targetNode, ctx)} must be an array for includes (IN); it is ${value === null ? 'null' : typeof value}.`,
        ctx,
        targetNode,
      );
    }
  }

  const target = ctx.translateValue(targetNode, ctx);
  requireFamily(target, 'string', targetNode, ctx, `.${node.method}()`);
  const search = ctx.translateValue(argNode, ctx);
  if (search.known === undefined || typeof search.known.value !== 'string') {
    throw translationError(
      `The argument of ${node.method} must be a string constant or a string params value (like p.prefix), so dtde can escape it into a pattern.`,
      ctx,
      argNode,
    );
  }
  // The text is part of the pattern, not a parameter of its own.
  pinParamsRead(search.known.slot);
  const text = search.known.value;
  if (target.known !== undefined) {
    pinParamsRead(target.known.slot);
    const t = target.known.value;
    if (typeof t !== 'string') return sql.alwaysFalse();
    const hit = node.method === 'startsWith' ? t.startsWith(text) : node.method === 'endsWith' ? t.endsWith(text) : t.includes(text);
    return hit ? sql.alwaysTrue() : sql.alwaysFalse();
  }
  const mode = node.method === 'startsWith' ? 'startsWith' : node.method === 'endsWith' ? 'endsWith' : 'contains';
  const collation = target.type?.kind === 'string' ? target.type.collation : undefined;
  const match: SqlExpr = {
    kind: 'stringMatch',
    mode,
    operand: target.sql,
    search: text,
    ...(collation !== undefined ? { collation } : {}),
  };
  return exact && target.nullable ? sql.and(match, sql.isNull(target.sql, true)) : match;
}

/** `list.includes(x)`: `x IN (…)` with dtde's equality (null matches null, no coercion). */
function inList(operandNode: Expression, list: readonly unknown[], ctx: PredicateContext, exact: boolean): SqlExpr {
  const operand = ctx.translateValue(operandNode, ctx);
  if (operand.known !== undefined) {
    pinParamsRead(operand.known.slot);
    const v = operand.known.value;
    return list.some((e) => valuesEqual(e, v)) ? sql.alwaysTrue() : sql.alwaysFalse();
  }
  const family = familyOfType(operand.type);
  const hasNull = list.some((v) => v === null || v === undefined);
  // Values of another kind can never be equal under dtde's equality; SQL would coerce them.
  const values = list
    .filter((v) => v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v)))
    .map((v) => adoptColumnType(knownValue(v, operandNode, ctx), operand))
    .filter((v) => family === null || familyOfType(v.type) === family)
    .map((v) => v.sql);
  const inValues: SqlExpr | null = values.length > 0 ? { kind: 'inList', operand: operand.sql, values, negated: false } : null;
  if (hasNull) return inValues === null ? sql.isNull(operand.sql) : sql.or(inValues, sql.isNull(operand.sql));
  if (inValues === null) return sql.alwaysFalse();
  return exact && operand.nullable ? sql.and(inValues, sql.isNull(operand.sql, true)) : inValues;
}
