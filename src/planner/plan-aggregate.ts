import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { LambdaExpression } from '../linq/expression/expression.js';
import type { BoundLambda, TerminalOperation } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';
import { composeOverProjection } from './compose-over-projection.js';
import type { AggregateMergePlan } from './merge-plan.js';
import { rowAlias, translateFilters } from './plan-rows.js';
import type { QueryShape } from './query-shape.js';
import { type SelectItem, type SqlExpr, type SqlType, sql, sumOf } from '../sql/sql-ast.js';
import { translateSelector, translateWhere } from './translate-expression.js';

export type AggregateTerminal = Extract<TerminalOperation, { kind: 'count' | 'any' | 'all' | 'sum' | 'min' | 'max' | 'average' }>;

/** True for the terminals that return one aggregate value. */
export function isAggregateTerminal(t: TerminalOperation | null): t is AggregateTerminal {
  return (
    t !== null &&
    (t.kind === 'count' ||
      t.kind === 'any' ||
      t.kind === 'all' ||
      t.kind === 'sum' ||
      t.kind === 'min' ||
      t.kind === 'max' ||
      t.kind === 'average')
  );
}

/** The per-shard SELECT of an aggregate, before it is bound to a shard's table. */
export interface AggregateQueryParts {
  readonly columns: readonly SelectItem[];
  readonly where: SqlExpr | null;
  /** `any`/`all` need one row at most. */
  readonly limit: number | null;
  readonly fieldTypes: Readonly<Record<string, SqlType>>;
  readonly merge: AggregateMergePlan;
}

/**
 * count/sum/min/max/average/any/all over a shape without paging, distinct or grouping, computed
 * as partials on every shard: count adds, sum adds, min/max compare, average is total sum over
 * total count, any/all stop at the first deciding shard. The terminal's predicate has already
 * been added to the shape's filters; its selector reads the projection's output.
 */
export function planAggregate(shape: QueryShape, terminal: AggregateTerminal, entity: EntityModel): AggregateQueryParts {
  const target = { model: entity, alias: rowAlias(entity) };
  const where = translateFilters(shape.filters, entity);
  switch (terminal.kind) {
    case 'count':
      return {
        columns: [{ expr: sql.fn('count_big'), alias: 'n' }],
        where,
        limit: null,
        fieldTypes: {},
        merge: { kind: 'aggregate', op: 'count', countField: 'n' },
      };
    case 'any':
      return { columns: [{ expr: sql.literal(1), alias: 'x' }], where, limit: 1, fieldTypes: {}, merge: { kind: 'aggregate', op: 'any' } };
    case 'all': {
      // all(p) is "no row where !p": each shard looks for one counterexample.
      const predicate = overProjection(terminal.predicate, shape);
      const negated: LambdaExpression = { ...predicate.lambda, body: { kind: 'unary', operator: '!', operand: predicate.lambda.body } };
      const counter = translateWhere({ lambda: negated, params: predicate.params }, target);
      return {
        columns: [{ expr: sql.literal(1), alias: 'x' }],
        where: where === null ? counter : sql.and(where, counter),
        limit: 1,
        fieldTypes: {},
        merge: { kind: 'aggregate', op: 'all' },
      };
    }
    default: {
      const selector = valueSelector(terminal, shape);
      const value = translateSelector(selector, target);
      const count = { expr: sql.fn('count_big'), alias: 'rows' };
      if (terminal.kind === 'sum') {
        return {
          columns: [{ expr: sumOf(value), alias: 's' }],
          where,
          limit: null,
          fieldTypes: value.type ? { s: value.type } : {},
          merge: { kind: 'aggregate', op: 'sum', sumField: 's' },
        };
      }
      if (terminal.kind === 'average') {
        return {
          columns: [{ expr: sumOf(value), alias: 's' }, { expr: sql.fn('count_big', value.sql), alias: 'c' }, count],
          where,
          limit: null,
          fieldTypes: value.type ? { s: value.type } : {},
          merge: { kind: 'aggregate', op: 'average', sumField: 's', countField: 'c', rowCountField: 'rows' },
        };
      }
      return {
        columns: [{ expr: { ...sql.fn(terminal.kind, value.sql), ...(value.type ? { argType: value.type } : {}) }, alias: 'v' }, count],
        where,
        limit: null,
        fieldTypes: value.type ? { v: value.type } : {},
        merge: { kind: 'aggregate', op: terminal.kind, valueField: 'v', rowCountField: 'rows' },
      };
    }
  }
}

/** A lambda over the projection's output, rewritten to read the row. */
function overProjection(lambda: BoundLambda, shape: QueryShape): BoundLambda {
  return shape.projection ? composeOverProjection(lambda, shape.projection) : lambda;
}

/** The value a sum/min/max/average aggregates: its selector, or the projected value itself. */
function valueSelector(terminal: Extract<AggregateTerminal, { kind: 'sum' | 'min' | 'max' | 'average' }>, shape: QueryShape): BoundLambda {
  if (terminal.selector) return overProjection(terminal.selector, shape);
  if (shape.projection) return shape.projection;
  throw new DtdeTranslationError(
    `${terminal.kind}() over whole entities needs a selector: .${terminal.kind}(c => c.total), or select a value first.`,
  );
}
