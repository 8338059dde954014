import { type BinaryExpression, type CallExpression, type Expression, isComparisonOperator } from '../linq/expression/expression.js';
import { type ExpressionVisitorTable, visitExpression } from '../linq/expression/expression-visitor.js';
import type { BoundLambda } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';
import { type SqlExpr, type SqlType, sql } from '../sql/sql-ast.js';
import { booleanValue, type PredicateContext, translatePredicate } from './translate-predicate.js';
import {
  type TranslatedValue,
  type TranslationContext,
  describeNode,
  familyOfType,
  knownValue,
  readBoundParams,
  requireFamily,
  requireTarget,
  translationError,
} from './translation-context.js';

export type { TranslatedValue, TranslationContext } from './translation-context.js';

/**
 * Translates a dtde expression into SQL IR as a value (a select item, an order key, an operand).
 * Row members become columns of `ctx.alias`, constants and params values become parameters,
 * predicates used as values become `CASE WHEN … THEN 1 ELSE 0 END`. Anything outside the
 * supported subset throws `DtdeTranslationError` pointing at the node.
 *
 * @example
 * translateExpression(lambda.body, { model, alias: 'c', params: { min: 5 } }).sql;
 * // c.total + p.min → { kind: 'binary', op: '+', left: column c.total, right: param 5 }
 */
export function translateExpression(node: Expression, ctx: TranslationContext): TranslatedValue {
  return visitExpression(valueTranslator, node, ctx);
}

/**
 * Translates a `where`-style lambda into a SQL predicate with JavaScript semantics (see
 * translatePredicate): a row is selected exactly when the lambda is truthy for it.
 *
 * @example
 * translateWhere({ lambda: parseLambda((c, p) => c.region !== p.r), params: { r: 'EU' } }, { model, alias: 'c' });
 * // ("c"."region" <> ? OR "c"."region" IS NULL) when region is nullable
 */
export function translateWhere(bound: BoundLambda, target: { model: EntityModel; alias: string }): SqlExpr {
  return translatePredicate(bound.lambda.body, withPredicates(lambdaContext(bound, target)), false);
}

/** Translates a selector or key lambda (`c => c.name`) into a value. */
export function translateSelector(bound: BoundLambda, target: { model: EntityModel; alias: string }): TranslatedValue {
  return translateExpression(bound.lambda.body, lambdaContext(bound, target));
}

/** The context translate-predicate needs: this module's value translation, passed in so the two modules do not import each other. */
function withPredicates(ctx: TranslationContext): PredicateContext {
  return { ...ctx, translateValue: translateExpression };
}

function lambdaContext(bound: BoundLambda, target: { model: EntityModel; alias: string }): TranslationContext {
  return { model: target.model, alias: target.alias, params: bound.params, lambdaSource: bound.lambda.source };
}

const STRING_FUNCTIONS = { toLowerCase: 'lower', toUpperCase: 'upper', trim: 'trim' } as const;
const MATH_FUNCTIONS = { 'Math.abs': 'abs', 'Math.round': 'round', 'Math.floor': 'floor', 'Math.ceil': 'ceil' } as const;
const DATE_PARTS = {
  getFullYear: 'year',
  getUTCFullYear: 'year',
  getMonth: 'month',
  getUTCMonth: 'month',
  getDate: 'day',
  getUTCDate: 'day',
} as const;

const valueTranslator: ExpressionVisitorTable<TranslatedValue, TranslationContext> = {
  lambda: (node, ctx) => {
    throw translationError('A lambda has no SQL value here; nested lambdas are only valid as group aggregate arguments.', ctx, node);
  },
  parameter: (node, ctx) => {
    throw translationError(
      `'${node.name}' stands for a whole ${node.role === 'row' ? 'row' : 'params object'}; use one of its properties (e.g. ${node.name}.id).`,
      ctx,
      node,
    );
  },
  // The literal `undefined` (or a minifier's `void 0`) is null, as everywhere in dtde; an undefined
  // params value stays an error, since it is almost always a misspelt or missing property.
  constant: (node, ctx) => knownValue(node.value ?? null, node, ctx),
  paramsMember: (node, ctx) => {
    const { value, slot } = readBoundParams(node.path, ctx);
    return knownValue(value, node, ctx, slot);
  },
  member: (node, ctx) => {
    if (node.object.kind !== 'parameter' || node.object.role !== 'row') {
      throw translationError(
        `${describeNode(node, ctx)} is not a column; only direct properties of the row (like c.name) map to SQL.`,
        ctx,
        node,
      );
    }
    const property = ctx.model.propertyByName.get(node.property);
    if (property === undefined) {
      const names = ctx.model.properties.map((p) => p.name).join(', ');
      throw translationError(
        `${ctx.model.name} has no mapped property '${node.property}'. Map it in onModelCreating or use one of: ${names}.`,
        ctx,
        node,
      );
    }
    return { sql: sql.column(ctx.alias, property.column), type: property.type, nullable: property.nullable };
  },
  binary: (node, ctx) => translateBinary(node, ctx),
  unary: (node, ctx) => {
    if (node.operator === '!') return booleanValue(node, withPredicates(ctx));
    const operand = translateExpression(node.operand, ctx);
    requireFamily(operand, 'number', node.operand, ctx, 'unary minus');
    return { sql: { kind: 'unary', op: 'negate', operand: operand.sql }, type: operand.type, nullable: operand.nullable };
  },
  conditional: (node, ctx) => {
    const test = translatePredicate(node.test, withPredicates(ctx), false);
    const whenTrue = translateExpression(node.consequent, ctx);
    const whenFalse = translateExpression(node.alternate, ctx);
    const families = [familyOfType(whenTrue.type), familyOfType(whenFalse.type)];
    if (families[0] !== null && families[1] !== null && families[0] !== families[1]) {
      // SQL's CASE has one result type; JavaScript's ?: does not. Computed on the client it works.
      throw translationError(
        `The branches of this ?: have different types (${families[0]} and ${families[1]}); a SQL CASE needs one. ` +
          'Make both branches the same type, or use the value in a plain select (evaluated on the client).',
        ctx,
        node,
      );
    }
    return {
      sql: { kind: 'case', whens: [{ when: test, then: whenTrue.sql }], else: whenFalse.sql },
      type: whenTrue.type ?? whenFalse.type,
      nullable: whenTrue.nullable || whenFalse.nullable,
    };
  },
  call: (node, ctx) => translateCall(node, ctx),
  object: (node, ctx) => {
    throw translationError('An object literal is a projection, not a SQL value; the planner maps its properties one by one.', ctx, node);
  },
  array: (node, ctx) => {
    throw translationError("An array is only valid as the target of includes (IN), as in ['a', 'b'].includes(c.x).", ctx, node);
  },
  template: (node, ctx) => {
    let result: TranslatedValue | null = null;
    node.quasis.forEach((text, i) => {
      if (text !== '') result = concat(result, { sql: sql.param(text, { kind: 'string' }), type: { kind: 'string' }, nullable: false });
      if (i < node.expressions.length) result = concat(result, templatePart(node.expressions[i], ctx));
    });
    return result ?? { sql: sql.param('', { kind: 'string' }), type: { kind: 'string' }, nullable: false };
  },
};

function translateBinary(node: BinaryExpression, ctx: TranslationContext): TranslatedValue {
  const op = node.operator;
  if (op === '??') {
    const left = translateExpression(node.left, ctx);
    const right = translateExpression(node.right, ctx);
    if (!left.nullable) return left;
    if (left.known !== undefined) return right; // a known null
    return { sql: { kind: 'coalesce', args: [left.sql, right.sql] }, type: left.type ?? right.type, nullable: right.nullable };
  }
  if (op === '&&' || op === '||' || isComparisonOperator(op)) {
    return booleanValue(node, withPredicates(ctx));
  }
  const left = translateExpression(node.left, ctx);
  const right = translateExpression(node.right, ctx);
  if (op === '+' && (familyOfType(left.type) === 'string' || familyOfType(right.type) === 'string')) {
    return concat(stringOperand(left, node.left, ctx), stringOperand(right, node.right, ctx));
  }
  requireFamily(left, 'number', node.left, ctx, `'${op}'`);
  requireFamily(right, 'number', node.right, ctx, `'${op}'`);
  const type: SqlType =
    op === '/' ||
    left.type?.kind === 'float' ||
    right.type?.kind === 'float' ||
    left.type?.kind === 'decimal' ||
    right.type?.kind === 'decimal'
      ? { kind: 'float' }
      : left.type?.kind === 'bigint' || right.type?.kind === 'bigint'
        ? { kind: 'bigint' }
        : { kind: 'int' };
  if (op === '/' && left.type?.kind === 'bigint' && right.type?.kind === 'bigint') {
    throw translationError(
      'Division of two bigint values truncates in JavaScript; dtde does not translate it. Divide numbers instead.',
      ctx,
      node,
    );
  }
  if (op === '%' && type.kind === 'float') return { sql: sql.fn('fmod', left.sql, right.sql), type, nullable: true };
  return { sql: sql.binary(op, left.sql, right.sql), type, nullable: left.nullable || right.nullable };
}

/** A string operand of `+` or a template part: null becomes '' (as the in-memory evaluator does). */
function stringOperand(value: TranslatedValue, node: Expression, ctx: TranslationContext): TranslatedValue {
  requireFamily(value, 'string', node, ctx, 'string concatenation (convert numbers to text in JavaScript and pass them as params)');
  if (!value.nullable) return value;
  if (value.known !== undefined) return { sql: sql.param('', { kind: 'string' }), type: { kind: 'string' }, nullable: false };
  return { sql: { kind: 'coalesce', args: [value.sql, sql.param('', { kind: 'string' })] }, type: value.type, nullable: false };
}

function templatePart(node: Expression, ctx: TranslationContext): TranslatedValue {
  return stringOperand(translateExpression(node, ctx), node, ctx);
}

function concat(left: TranslatedValue | null, right: TranslatedValue): TranslatedValue {
  if (left === null) return right;
  return { sql: sql.binary('concat', left.sql, right.sql), type: { kind: 'string' }, nullable: false };
}

function translateCall(node: CallExpression, ctx: TranslationContext): TranslatedValue {
  const m = node.method;
  if (m === 'includes' || m === 'startsWith' || m === 'endsWith') return booleanValue(node, withPredicates(ctx));
  if (m === 'toLowerCase' || m === 'toUpperCase' || m === 'trim' || m === 'length') {
    const target = translateExpression(requireTarget(node, ctx), ctx);
    requireFamily(target, 'string', node, ctx, `.${m}`);
    if (m === 'length') return { sql: sql.fn('length', target.sql), type: { kind: 'int' }, nullable: target.nullable };
    return { sql: sql.fn(STRING_FUNCTIONS[m], target.sql), type: target.type, nullable: target.nullable };
  }
  if (m === 'Math.abs' || m === 'Math.round' || m === 'Math.floor' || m === 'Math.ceil') {
    if (node.args.length !== 1) throw translationError(`${m} takes exactly one argument here.`, ctx, node);
    const arg = translateExpression(node.args[0], ctx);
    requireFamily(arg, 'number', node.args[0], ctx, m);
    const type = m === 'Math.abs' ? arg.type : arg.type?.kind === 'bigint' ? arg.type : { kind: 'float' as const };
    return { sql: sql.fn(MATH_FUNCTIONS[m], arg.sql), type, nullable: arg.nullable };
  }
  if (m === 'Math.min' || m === 'Math.max') {
    if (node.args.length < 2) throw translationError(`${m} needs at least two arguments to translate.`, ctx, node);
    const args = node.args.map((a) => {
      const v = translateExpression(a, ctx);
      requireFamily(v, 'number', a, ctx, m);
      return v;
    });
    return {
      sql: sql.fn(m === 'Math.min' ? 'least' : 'greatest', ...args.map((a) => a.sql)),
      type: args.find((a) => a.type !== null)?.type ?? null,
      nullable: args.some((a) => a.nullable),
    };
  }
  if (m in DATE_PARTS) {
    // dtde dates are UTC, so the local-time getters are translated as their UTC twins.
    const target = translateExpression(requireTarget(node, ctx), ctx);
    requireFamily(target, 'date', node, ctx, `.${m}()`);
    const part = sql.fn(DATE_PARTS[m as keyof typeof DATE_PARTS], target.sql);
    // JavaScript months are 0-based.
    const expr = m === 'getMonth' || m === 'getUTCMonth' ? sql.binary('-', part, sql.literal(1)) : part;
    return { sql: expr, type: { kind: 'int' }, nullable: target.nullable };
  }
  throw translationError(`${m}() is a group aggregate; it is planned from a groupBy select, not translated as a row value.`, ctx, node);
}
