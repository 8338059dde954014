import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { CallExpression, Expression } from '../linq/expression/expression.js';
import { readParamsPath } from '../linq/expression/read-params-path.js';
import { lambdaError } from '../linq/parse/lambda-error.js';
import type { QueryParams } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';
import { inferSqlType } from '../sql/infer-sql-type.js';
import { type SqlExpr, type SqlType, sql } from '../sql/sql-ast.js';
import { boundParamsRead, type ParamSlot } from './params-recorder.js';

/** What the expression translator needs to know about the lambda it translates. */
export interface TranslationContext {
  /** The entity whose rows the lambda's row parameter (any depth) stands for. */
  readonly model: EntityModel;
  /** The table alias of the row in the statement (`c` in `FROM "Customers" AS "c"`). */
  readonly alias: string;
  /** The params object the lambda reads through its second parameter. */
  readonly params: QueryParams;
  /** The lambda's source text, quoted by errors. */
  readonly lambdaSource?: string;
}

/**
 * A translated value: the SQL, its type when known, whether it can be NULL, and, for constants
 * and params values, the value itself (known at plan time, so `x === p.v` with `v` null can become
 * `x IS NULL`).
 */
export interface TranslatedValue {
  readonly sql: SqlExpr;
  readonly type: SqlType | null;
  readonly nullable: boolean;
  /**
   * `slot`: the params read the value came from, when it only became a SQL parameter so far; code
   * that decides anything from the value itself calls `pinParamsRead(slot)` (a cached plan then
   * holds for this value only).
   */
  readonly known?: { readonly value: unknown; readonly slot?: ParamSlot };
}

/** The JavaScript kind of value a type holds; number and bigint compare by value, so both are `number`. */
export type ValueFamily = 'string' | 'number' | 'boolean' | 'date';

export function familyOfType(type: SqlType | null): ValueFamily | null {
  if (type === null) return null;
  switch (type.kind) {
    case 'string':
    case 'uuid':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'dateTime':
      return 'date';
    default:
      return 'number';
  }
}

/** The `TranslationError` for `node`, with a caret under it when the lambda's source is known. */
export function translationError(message: string, ctx: TranslationContext, node: Expression): DtdeTranslationError {
  if (ctx.lambdaSource !== undefined && node.span !== undefined) return lambdaError(message, ctx.lambdaSource, node.span);
  return new DtdeTranslationError(message, { lambdaSource: ctx.lambdaSource, position: node.span });
}

/** A short human description of a node for messages (`c.name`, `p.ids`, `'x'`). */
export function describeNode(node: Expression, ctx: TranslationContext): string {
  if (ctx.lambdaSource !== undefined && node.span !== undefined) {
    return ctx.lambdaSource.slice(node.span.start, node.span.end);
  }
  switch (node.kind) {
    case 'member':
      return `${describeNode(node.object, ctx)}.${node.property}`;
    case 'parameter':
      return node.name;
    case 'paramsMember':
      return `p.${node.path.join('.')}`;
    case 'constant':
      return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
    default:
      return `a ${node.kind} expression`;
  }
}

/** A parameter for a value known at plan time (a constant, or a params value read through `slot`). */
export function knownValue(value: unknown, node: Expression, ctx: TranslationContext, slot?: ParamSlot): TranslatedValue {
  if (value === undefined) {
    throw translationError(
      `${describeNode(node, ctx)} is undefined. Pass the value in the params object (or use null to test for a missing value).`,
      ctx,
      node,
    );
  }
  if (value === null) return { sql: sql.literal(null), type: null, nullable: true, known: { value, slot } };
  const type = inferSqlType(value);
  if (type === null) {
    throw translationError(
      `${describeNode(node, ctx)} is ${Array.isArray(value) ? 'an array' : 'an object'}; only strings, numbers, bigints, booleans, Dates and null can be SQL values. ` +
        'Use an array only as the target of includes (IN); pass object fields as separate params.',
      ctx,
      node,
    );
  }
  const param = slot === undefined ? sql.param(value, type) : { ...sql.param(value, type), source: slot };
  return { sql: param, type, nullable: false, known: { value, slot } };
}

/** Reads `p.a.b` from the lambda's params object (see readParamsPath), for a value planning decides on. */
export function readParams(path: readonly string[], ctx: TranslationContext): unknown {
  return readParamsPath(ctx.params, path);
}

/** Reads `p.a.b` for a value that becomes a SQL parameter (see `boundParamsRead`). */
export function readBoundParams(path: readonly string[], ctx: TranslationContext): { readonly value: unknown; readonly slot?: ParamSlot } {
  return boundParamsRead(ctx.params, path);
}

/** The receiver of a method call, or an error for a static call that needs one. */
export function requireTarget(node: CallExpression, ctx: TranslationContext): Expression {
  if (node.target === null) throw translationError(`${node.method} needs a receiver (like c.name.${node.method}(...)).`, ctx, node);
  return node.target;
}

/** Throws unless the value is of `family` (an unknown type, i.e. a null constant, passes). */
export function requireFamily(
  value: TranslatedValue,
  family: 'string' | 'number' | 'date' | 'boolean',
  node: Expression,
  ctx: TranslationContext,
  what: string,
): void {
  const actual = familyOfType(value.type);
  if (actual !== null && actual !== family) {
    throw translationError(`${describeNode(node, ctx)} is a ${actual} value, but ${what} needs a ${family}.`, ctx, node);
  }
}
