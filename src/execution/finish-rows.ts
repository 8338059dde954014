import { evaluateLambda } from '../linq/evaluate/evaluate-expression.js';
import { applyOperators } from '../linq/evaluate/apply-operators.js';
import type { StringCollation } from '../linq/evaluate/string-collation.js';
import type { EntityModel } from '../metadata/model.js';
import type { MergeRow } from '../planner/merge-plan.js';
import type { RowFinish } from '../planner/shard-query-plan.js';
import { rememberStoredState } from './stored-state.js';

/**
 * Turns merged rows into what the user asked for: entity instances, client-evaluated projections,
 * SQL-projected values, or group outputs. Group outputs are collected first because the operators
 * after a group select (orderBy, skip, take, where) run over all of them, comparing strings with
 * `collation` (the group key's, see `FieldOrders.collation`).
 */
export async function* finishRows(
  rows: AsyncIterable<MergeRow>,
  finish: RowFinish,
  entity: EntityModel,
  collation?: StringCollation,
): AsyncGenerator<unknown> {
  if (finish.kind === 'group') {
    const outputs: unknown[] = [];
    for await (const row of rows) outputs.push(finishRow(row, finish, entity));
    yield* applyOperators(outputs, finish.then, collation);
    return;
  }
  for await (const row of rows) yield finishRow(row, finish, entity);
}

/** One merged row as a result (also used for the row of `first`/`single`). */
export function finishRow(row: MergeRow, finish: RowFinish, entity: EntityModel): unknown {
  switch (finish.kind) {
    case 'entity':
      return toEntity(row, entity);
    case 'project':
      return evaluateLambda(finish.projection.lambda, finish.asEntity ? toEntity(row, entity) : row, finish.projection.params);
    case 'fields': {
      if (finish.scalar) return row.value;
      const out: Record<string, unknown> = {};
      for (const f of finish.fields) out[f] = row[f];
      return out;
    }
    case 'group': {
      let key: unknown;
      if (finish.keyNames === null) key = row[finish.keyFields[0]];
      else {
        const k: Record<string, unknown> = {};
        finish.keyNames.forEach((name, i) => {
          k[name] = row[finish.keyFields[i]];
        });
        key = k;
      }
      const g: Record<string, unknown> = { key };
      for (const f of finish.aggregateFields) g[f] = row[f];
      return evaluateLambda(finish.select.lambda, g, finish.select.params);
    }
    case 'none':
      return row;
  }
}

/** An instance of the entity class without running its constructor (rows need no constructor arguments). */
function toEntity(row: MergeRow, entity: EntityModel): unknown {
  const instance = Object.create(entity.entity.prototype as object) as Record<string, unknown>;
  for (const p of entity.properties) if (p.name in row) instance[p.name] = row[p.name];
  rememberStoredState(instance, entity);
  return instance;
}
