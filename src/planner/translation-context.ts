import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { Expression } from '../linq/expression/expression.js';
import { lambdaError } from '../linq/parse/lambda-error.js';
import type { QueryParams } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';
import type { SqlExpr, SqlType } from '../sql/sql-ast.js';

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
  readonly known?: { readonly value: unknown };
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

/** The SQL type hint a JavaScript value carries on its own (without a column to compare with). */
export function inferSqlType(value: unknown): SqlType | null {
  switch (typeof value) {
    case 'string':
      return { kind: 'string' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'bigint':
      return { kind: 'bigint' };
    case 'number':
      if (!Number.isSafeInteger(value)) return { kind: 'float' };
      return value >= -2147483648 && value <= 2147483647 ? { kind: 'int' } : { kind: 'bigint' };
    default:
      return value instanceof Date ? { kind: 'dateTime' } : null;
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
