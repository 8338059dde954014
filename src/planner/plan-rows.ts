import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { Expression } from '../linq/expression/expression.js';
import type { BoundLambda } from '../linq/expression/query-expression.js';
import type { EntityModel } from '../metadata/model.js';
import type { MergeOrderKey, RowsMergePlan } from './merge-plan.js';
import type { QueryShape } from './query-shape.js';
import type { RowFinish } from './shard-query-plan.js';
import { type OrderItem, type SelectItem, type SqlExpr, type SqlType, sql } from '../sql/sql-ast.js';
import { translateSelector, translateWhere } from './translate-expression.js';
import { rowMembers } from '../linq/expression/row-members.js';

/** The per-shard SELECT of a row query, before it is bound to a shard's table. */
export interface RowQueryParts {
  readonly columns: readonly SelectItem[];
  readonly where: SqlExpr | null;
  readonly orderBy: readonly OrderItem[];
  readonly distinct: boolean;
  readonly fieldTypes: Readonly<Record<string, SqlType>>;
  /** Merge keys, in order (user keys then tie-breakers). */
  readonly mergeKeys: readonly MergeOrderKey[];
  /** Helper fields that exist only for the merge. */
  readonly hiddenFields: readonly string[];
  readonly finish: RowFinish;
}

/** Row alias used in every statement (`FROM "Customers_EU" AS "c"`). */
export function rowAlias(entity: EntityModel): string {
  const first = entity.name.charAt(0).toLowerCase();
  return /^[a-z]$/.test(first) ? first : 't';
}

/** The WHERE of a shape: every filter translated and ANDed. */
export function translateFilters(filters: readonly BoundLambda[], entity: EntityModel): SqlExpr | null {
  const target = { model: entity, alias: rowAlias(entity) };
  let where: SqlExpr | null = null;
  for (const f of filters) {
    const w = translateWhere(f, target);
    where = where === null ? w : sql.and(where, w);
  }
  return where;
}

/**
 * Builds the SELECT list, ORDER BY and merge keys for a row query. Whole entities and client
 * projections fetch model columns under their property names; a distinct projection is computed
 * in SQL so that DISTINCT applies to the projected values. Every ordering ends with a total
 * tie-breaker (the primary key, or every projected field for distinct rows) so that pages taken
 * from several shards never overlap or skip rows.
 */
export function planRowQuery(shape: QueryShape, entity: EntityModel): RowQueryParts {
  const alias = rowAlias(entity);
  const target = { model: entity, alias };
  const columns: SelectItem[] = [];
  const fieldTypes: Record<string, SqlType> = {};
  const fieldSql = new Map<string, string>(); // canonical SQL of a field -> field name, to reuse columns
  const add = (field: string, expr: SqlExpr, type: SqlType | null): void => {
    columns.push({ expr, alias: field });
    if (type) fieldTypes[field] = type;
    fieldSql.set(JSON.stringify(expr), field);
  };

  let finish: RowFinish;
  const distinct = shape.distinct && shape.projection !== null;
  if (distinct) {
    const projected = projectedValues(shape.projection!);
    for (const p of projected.values) {
      const t = translateSelector({ lambda: { ...shape.projection!.lambda, body: p.value }, params: shape.projection!.params }, target);
      add(p.field, t.sql, t.type);
    }
    finish = { kind: 'fields', fields: projected.values.map((v) => v.field), scalar: projected.scalar };
  } else {
    const members = shape.projection ? rowMembers(shape.projection.lambda.body) : { names: new Set<string>(), wholeRow: true };
    for (const p of entity.properties) {
      if (members.wholeRow || members.names.has(p.name)) add(p.name, sql.column(alias, p.column), p.type);
    }
    finish = shape.projection ? { kind: 'project', projection: shape.projection, asEntity: members.wholeRow } : { kind: 'entity' };
  }

  // A column of a property declared not nullable holds no null.
  const neverNull = (expr: SqlExpr): boolean =>
    expr.kind === 'column' && expr.table === alias && entity.properties.some((p) => p.column === expr.name && !p.nullable);
  const orderBy: OrderItem[] = [];
  const mergeKeys: MergeOrderKey[] = [];
  const hiddenFields: string[] = [];
  const orderOn = (expr: SqlExpr, type: SqlType | null, descending: boolean, hiddenName: string, source?: BoundLambda): void => {
    const key = JSON.stringify(expr);
    if (mergeKeys.some((k) => fieldSql.get(key) === k.field)) return; // already ordered by it
    let field = fieldSql.get(key);
    if (field === undefined) {
      if (distinct) {
        // SQL Server requires ORDER BY items of a SELECT DISTINCT to be in the select list;
        // adding them would also change which rows are distinct.
        throw new DtdeTranslationError(
          'A distinct() projection can only be ordered by values it projects (SQL Server requires it, and another value would be ambiguous ' +
            'across rows that distinct() merges into one); add the value to the select before distinct() and order by it.',
          { lambdaSource: source?.lambda.source },
        );
      }
      field = hiddenName;
      add(field, expr, type);
      hiddenFields.push(field);
    }
    // Distinct rows are ordered by their select-list alias: the ORDER BY of a SELECT DISTINCT must
    // name what the select list has, and the expression again would bind its parameters anew
    // (`ORDER BY COALESCE(x, @p2)` no longer matches `COALESCE(x, @p1)`, SQL Server Msg 145).
    const notNull = neverNull(expr) || undefined;
    orderBy.push({ expr: distinct ? sql.column(null, field) : expr, descending, ...(notNull ? { notNull } : {}) });
    mergeKeys.push({ field, descending });
  };

  shape.ordering.forEach((o, i) => {
    const t = translateSelector(o.key, target);
    orderOn(t.sql, t.type, o.descending, `__o${i}`, o.key);
  });
  const paged = shape.skip > 0 || shape.take !== null;
  if (shape.ordering.length > 0 || paged) {
    if (distinct) {
      for (const c of [...columns]) orderOn(c.expr, fieldTypes[c.alias!] ?? null, false, c.alias!);
    } else {
      entity.key.forEach((name, i) => {
        const p = entity.propertyByName.get(name)!;
        orderOn(sql.column(alias, p.column), p.type, false, `__k${i}`);
      });
    }
  }

  if (columns.length === 0) {
    // The projection reads no column (`select(c => 'x')`), but a SELECT needs a select list.
    add('__x', sql.literal(1), null);
    hiddenFields.push('__x');
  }

  return {
    columns,
    where: translateFilters(shape.filters, entity),
    orderBy,
    distinct,
    fieldTypes,
    mergeKeys,
    hiddenFields,
    finish,
  };
}

/** The merge of a row query across several shards (`single` is true when one shard answers it whole). */
export function rowsMergePlan(parts: RowQueryParts, shape: QueryShape, single: boolean): RowsMergePlan {
  const stripFields = parts.hiddenFields.length ? parts.hiddenFields : undefined;
  if (single) return { kind: 'concat', stripFields };
  const paging = { skip: shape.skip || undefined, take: shape.take ?? undefined };
  if (parts.mergeKeys.length > 0)
    return { kind: 'ordered', keys: parts.mergeKeys, stripFields, distinct: parts.distinct || undefined, ...paging };
  if (parts.distinct) return { kind: 'distinct', stripFields, ...paging };
  return { kind: 'concat', stripFields, ...paging };
}

interface ProjectedValues {
  readonly scalar: boolean;
  readonly values: readonly { readonly field: string; readonly value: Expression }[];
}

function projectedValues(projection: BoundLambda): ProjectedValues {
  const body = projection.lambda.body;
  if (body.kind === 'object') {
    for (const p of body.properties) {
      if (p.value.kind === 'object' || p.value.kind === 'array') {
        throw new DtdeTranslationError(
          `distinct() over a projection with a nested ${p.value.kind} ('${p.name}') cannot be computed in SQL; project flat values.`,
          { lambdaSource: projection.lambda.source, position: p.value.span },
        );
      }
    }
    return { scalar: false, values: body.properties.map((p) => ({ field: p.name, value: p.value })) };
  }
  return { scalar: true, values: [{ field: 'value', value: body }] };
}
