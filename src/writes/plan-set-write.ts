import { DtdeRoutingError } from '../errors/dtde-routing-error.js';
import { DtdeTranslationError } from '../errors/dtde-translation-error.js';
import type { BoundLambda, QueryExpression } from '../linq/expression/query-expression.js';
import { entityModelOf } from '../metadata/entity-model-of.js';
import type { EntityModel } from '../metadata/model.js';
import { shardTargets } from '../metadata/shard-targets.js';
import { translateExpression, translateWhere } from '../planner/translate-expression.js';
import { resolveShards } from '../routing/resolve-shards.js';
import { manualTableConstraints } from '../routing/strategies/manual-strategy.js';
import { type Assignment, type SqlExpr, sql } from '../sql/sql-ast.js';
import type { WriteRuntime, WriteStatement } from './write-runtime.js';

const ALIAS = 'e';

/**
 * The statements of `where(...).executeUpdate(set)` (or `executeDelete()` when `set` is null): one
 * UPDATE or DELETE per shard the filters can match, pruned exactly like a query, each adding its
 * affected rows to the returned counter. Refused before anything is sent: operators other than
 * `where`, a `set` that is not an object literal of known properties, assigning the shard key (or a
 * property a manual table's predicate reads), and shards that are read-only.
 */
export function planSetWrite(
  query: QueryExpression,
  set: BoundLambda | null,
  runtime: WriteRuntime,
): { statements: WriteStatement[]; affected: () => number } {
  const operation = set === null ? 'executeDelete' : 'executeUpdate';
  if (query.source.kind !== 'entity') {
    throw new DtdeTranslationError(`${operation}() writes a context's entity set; arrays are changed in memory.`);
  }
  const entity = entityModelOf(runtime.model, query.source.entity);
  const predicates = query.operators.map((op) => {
    if (op.kind !== 'where') {
      throw new DtdeTranslationError(
        `${operation}() applies to where(...) filters only, but the query has ${op.kind}(...): a set-based write changes every matching row, so ordering, paging, projection and grouping have no meaning. Remove it, or read the rows and save them.`,
      );
    }
    return op.predicate;
  });
  const assignments = set === null ? null : assignmentsOf(entity, set);
  const where = predicates
    .map((p) => translateWhere(p, { model: entity, alias: ALIAS }))
    .reduce<SqlExpr | null>((a, b) => (a === null ? b : sql.and(a, b)), null);

  const targets = shardTargets(entity, runtime.layout, { maxIdentifierLength: runtime.maxIdentifierLength });
  const shards = resolveShards(entity, runtime.layout, predicates).shards;
  const readOnly = shards.filter((s) => s.readOnly);
  if (readOnly.length > 0) {
    throw new DtdeRoutingError(
      `${operation}() on ${entity.name} would write read-only shard${readOnly.length > 1 ? 's' : ''} ${readOnly.map((s) => `'${s.qualifiedId}'`).join(', ')}. ` +
        'Narrow the where(...) on the shard key so they are not matched, or drop readOnly() from their declaration.',
      { entity: entity.name, keyValue: undefined, availableShards: targets.map((t) => t.shard.qualifiedId) },
    );
  }
  let affected = 0;
  const statements = shards.map((shard): WriteStatement => {
    const target = targets.find((t) => t.shard === shard) ?? targets.find((t) => t.shard.qualifiedId === shard.qualifiedId)!;
    const rendered =
      assignments === null
        ? runtime.provider.dialect.renderDelete({ kind: 'delete', table: target.table, alias: ALIAS, where })
        : runtime.provider.dialect.renderUpdate({ kind: 'update', table: target.table, alias: ALIAS, set: assignments, where });
    return { target, rendered, affected: (n) => (affected += n) };
  });
  return { statements, affected: () => affected };
}

function assignmentsOf(entity: EntityModel, set: BoundLambda): Assignment[] {
  const body = set.lambda.body;
  if (body.kind !== 'object' || body.properties.length === 0) {
    throw new DtdeTranslationError(
      `executeUpdate() takes a lambda returning an object literal of the properties to set, such as o => ({ status: 'closed' }); got: ${set.lambda.source}`,
      { lambdaSource: set.lambda.source },
    );
  }
  const fixed = fixedProperties(entity);
  const assignments = body.properties.map(({ name, value }): Assignment => {
    const property = entity.propertyByName.get(name);
    if (property === undefined) {
      throw new DtdeTranslationError(
        `executeUpdate(): ${entity.name} has no property '${name}'; its properties are ${entity.properties.map((p) => p.name).join(', ')}.`,
        { lambdaSource: set.lambda.source },
      );
    }
    if (fixed.has(name)) {
      throw new DtdeTranslationError(
        `executeUpdate() cannot set ${entity.name}.${name}: it decides which shard holds a row, so changing it would have to move rows between shards. ` +
          'Read the entities and change them with update(...) and saveChanges(), which moves them.',
        { lambdaSource: set.lambda.source },
      );
    }
    if (property.generated) {
      throw new DtdeTranslationError(`executeUpdate() cannot set ${entity.name}.${name}: the database generates it.`, {
        lambdaSource: set.lambda.source,
      });
    }
    const translated = translateExpression(value, { model: entity, alias: ALIAS, params: set.params, lambdaSource: set.lambda.source });
    if (translated.known !== undefined && translated.known.value === null && !property.nullable) {
      throw new DtdeTranslationError(`executeUpdate() cannot set ${entity.name}.${name} to null: the property is not nullable.`, {
        lambdaSource: set.lambda.source,
      });
    }
    // A value known at plan time is bound with the column's own type, as inserts bind it.
    const valueSql = translated.sql.kind === 'param' ? { ...translated.sql, type: property.type } : translated.sql;
    return { column: property.column, value: valueSql };
  });
  const token = entity.properties.find((p) => p.concurrencyToken);
  if (token && !body.properties.some((p) => p.name === token.name)) {
    // Readers holding the old version must see that the row changed.
    const current: SqlExpr = { kind: 'coalesce', args: [sql.column(ALIAS, token.column), sql.literal(0)] };
    assignments.push({ column: token.column, value: sql.binary('+', current, sql.literal(1)) });
  }
  return assignments;
}

/** Properties whose value decides a row's shard: the shard key, or what manual tables' predicates read. */
function fixedProperties(entity: EntityModel): Set<string> {
  const sharding = entity.sharding;
  if (sharding === null) return new Set();
  if (sharding.strategy !== 'manual') return new Set([sharding.property]);
  return new Set(sharding.tables.flatMap((table) => [...manualTableConstraints(entity, table).keys()]));
}
