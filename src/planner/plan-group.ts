import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { CallExpression, Expression, GroupAggregateMethod, LambdaExpression } from '../linq/expression/expression.js';
import { GROUP_AGGREGATE_METHODS } from '../linq/expression/expression.js';
import { ExpressionTransformer } from '../linq/expression/expression-transformer.js';
import { formatLambdaCaret } from '../linq/parse/lambda-error.js';
import type { BoundLambda } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';
import type { GroupAggregate, GroupByMergePlan } from './merge-plan.js';
import { rowAlias, translateFilters } from './plan-rows.js';
import type { GroupShape, QueryShape } from './query-shape.js';
import type { RowFinish } from './shard-query-plan.js';
import { type SelectItem, type SqlExpr, type SqlExprVisitor, type SqlType, sql, sumOf, visitSqlExpr } from '../sql/sql-ast.js';
import { translateExpression, translateSelector } from './translate-expression.js';

export interface GroupQueryParts {
  readonly columns: readonly SelectItem[];
  readonly where: SqlExpr | null;
  readonly groupBy: readonly SqlExpr[];
  readonly fieldTypes: Readonly<Record<string, SqlType>>;
  readonly merge: GroupByMergePlan;
  readonly finish: RowFinish;
}

/**
 * `groupBy(key).select(g => ...)`: every shard groups its rows and returns partial aggregates
 * (count, sum, min, max; average as sum and count), the merge combines partials of equal keys,
 * and the select is evaluated on the client with each aggregate call replaced by its merged value.
 * That makes `average` exact across shards and lets the select combine aggregates freely
 * (`g.sum(o => o.total) / g.count()`).
 */
export function planGroup(shape: QueryShape, group: GroupShape, entity: EntityModel): GroupQueryParts {
  const alias = rowAlias(entity);
  const target = { model: entity, alias };
  const columns: SelectItem[] = [];
  const fieldTypes: Record<string, SqlType> = {};
  const groupBy: SqlExpr[] = [];

  const keyBody = group.key.lambda.body;
  const keyParts =
    keyBody.kind === 'object' ? keyBody.properties.map((p) => ({ name: p.name, value: p.value })) : [{ name: null, value: keyBody }];
  const keyFields = keyParts.map((part, i) => {
    const field = `__g${i}`;
    const t = translateSelector({ lambda: { ...group.key.lambda, body: part.value }, params: group.key.params }, target);
    columns.push({ expr: t.sql, alias: field });
    // A key part that reads no column (a params value, a constant) is the same for every row: it
    // splits nothing, so it needs no GROUP BY term (SQL Server refuses `GROUP BY @p0`, Msg 164).
    if (readsColumn(t.sql)) groupBy.push(t.sql);
    if (t.type) fieldTypes[field] = t.type;
    return field;
  });

  const extractor = new AggregateExtractor(group.select.lambda);
  const selectBody = extractor.transform(group.select.lambda.body, undefined);
  const aggregates: GroupAggregate[] = extractor.calls.map((call, i) => {
    const output = `__a${i}`;
    const partial = `__p${i}`;
    const method = call.method as GroupAggregateMethod;
    if (method === 'count') {
      if (call.args.length > 0) {
        throw new DtdeTranslationError(
          'g.count(predicate) is not supported across shards yet; filter with where(...) before groupBy, or count a condition with g.sum(o => cond ? 1 : 0).',
          { lambdaSource: group.select.lambda.source, position: call.span },
        );
      }
      columns.push({ expr: sql.fn('count_big'), alias: partial });
      return { op: 'count', countField: partial, output };
    }
    const arg = call.args[0] as LambdaExpression;
    const value = translateExpression(arg.body, {
      model: entity,
      alias,
      params: group.select.params,
      lambdaSource: group.select.lambda.source,
    });
    const typed = (field: string): void => {
      if (value.type) fieldTypes[field] = value.type;
    };
    switch (method) {
      case 'sum':
        columns.push({ expr: sumOf(value), alias: partial });
        typed(partial);
        return { op: 'sum', sumField: partial, output };
      case 'min':
      case 'max':
        columns.push({ expr: { ...sql.fn(method, value.sql), ...(value.type ? { argType: value.type } : {}) }, alias: partial });
        typed(partial);
        return { op: method, valueField: partial, output };
      case 'average':
        columns.push({ expr: sumOf(value), alias: `${partial}s` });
        columns.push({ expr: sql.fn('count_big', value.sql), alias: `${partial}c` });
        typed(`${partial}s`);
        return { op: 'average', sumField: `${partial}s`, countField: `${partial}c`, output };
      default:
        // AggregateExtractor lets only the group aggregates through.
        throw new DtdeTranslationError(`'${String(method)}' is not an aggregate of a group.`, { lambdaSource: group.select.lambda.source });
    }
  });

  // Without a GROUP BY term the shard's SELECT is a plain aggregate, which answers one row even
  // when the shard has no rows; its row count tells the merge that this row is no group.
  const rowCountField = groupBy.length === 0 ? '__n' : undefined;
  if (rowCountField !== undefined) columns.push({ expr: sql.fn('count_big'), alias: rowCountField });

  return {
    columns,
    where: translateFilters(shape.filters, entity),
    groupBy,
    fieldTypes,
    merge: { kind: 'groupBy', keys: keyFields.map((field) => ({ field })), aggregates, ...(rowCountField ? { rowCountField } : {}) },
    finish: {
      kind: 'group',
      keyFields,
      keyNames: keyParts[0].name === null ? null : keyParts.map((p) => p.name!),
      aggregateFields: aggregates.map((a) => a.output),
      select: { lambda: { ...group.select.lambda, body: selectBody }, params: group.select.params } satisfies BoundLambda,
      then: group.then,
    },
  };
}

/** Whether an expression reads a column of the row (else its value is the same for every row). */
function readsColumn(node: SqlExpr): boolean {
  return visitSqlExpr(node, READS_COLUMN);
}

const READS_COLUMN: SqlExprVisitor<boolean> = {
  column: () => true,
  param: () => false,
  literal: () => false,
  binary: (n) => readsColumn(n.left) || readsColumn(n.right),
  unary: (n) => readsColumn(n.operand),
  isNull: (n) => readsColumn(n.operand),
  inList: (n) => readsColumn(n.operand) || n.values.some(readsColumn),
  stringMatch: (n) => readsColumn(n.operand),
  function: (n) => n.args.some(readsColumn),
  case: (n) => n.whens.some((w) => readsColumn(w.when) || readsColumn(w.then)) || (n.else !== null && readsColumn(n.else)),
  coalesce: (n) => n.args.some(readsColumn),
};

/** Replaces `g.sum(o => ...)` and friends with `g.__aN` and remembers the calls, in order. */
class AggregateExtractor extends ExpressionTransformer {
  readonly calls: CallExpression[] = [];

  constructor(private readonly select: LambdaExpression) {
    super();
  }

  protected override visitCall(node: CallExpression): Expression {
    const target = node.target;
    const onGroup = target !== null && target.kind === 'parameter' && target.role === 'row' && target.depth === 0;
    if (!onGroup) return super.visitCall(node, undefined);
    if (!GROUP_AGGREGATE_METHODS.has(node.method)) {
      const where = node.span ? `\n${formatLambdaCaret(this.select.source, node.span)}` : '';
      throw new DtdeTranslationError(
        `'${node.method}' is not an aggregate of a group; use g.count(), g.sum(...), g.min(...), g.max(...) or g.average(...).${where}`,
        { lambdaSource: this.select.source, position: node.span },
      );
    }
    this.calls.push(node);
    return { kind: 'member', object: target, property: `__a${this.calls.length - 1}` };
  }
}
