import { formatTableName } from '../metadata/identifier.js';
import type { EntityModel, Model, ShardLayout, ShardTarget } from '../metadata/model.js';
import type { ShardTargetOptions } from '../metadata/shard-targets.js';
import type { DtdeProvider } from '../providers/provider.js';
import { createTableStatement } from './create-table-statement.js';
import { ownedShardTargets, type OwnedShardTarget } from './owned-shard-targets.js';
import { schemaDriftError, type TableDrift } from './schema-drift-error.js';

/** What creating or deleting a context's schema works from. */
export interface SchemaScope {
  readonly model: Model;
  readonly layout: ShardLayout;
  readonly provider: DtdeProvider;
  readonly targetOptions?: ShardTargetOptions;
}

/**
 * Creates every database and table dtde owns for the model (see `ownedShardTargets`): first each
 * distinct database (the context's own one always, then each shard database), then each table with
 * the dialect's idempotent `CREATE TABLE`. Safe to run again: what exists is left as it is. An
 * existing table is not altered, but its columns are compared with the model (by name,
 * case-insensitively, through `dialect.renderTableColumns`): when any table lacks a mapped column
 * or has one the model does not map, a `DtdeConfigurationError` names them all, after the
 * missing tables were created. Manual tables are never created.
 *
 * @example
 * await createSchema({ model: ctx.model, layout: ctx.shardLayout, provider }, signal);
 */
export async function createSchema(scope: SchemaScope, signal?: AbortSignal): Promise<void> {
  const { provider } = scope;
  const owned = ownedShardTargets(scope.model, scope.layout, scope.targetOptions);
  const databases = new Map([[provider.databaseId(null), null as (typeof owned)[number]['target']['connection']]]);
  for (const { target } of owned) {
    const id = provider.databaseId(target.connection);
    if (!databases.has(id)) databases.set(id, target.connection);
  }
  for (const connection of databases.values()) {
    signal?.throwIfAborted();
    await provider.driver.ensureDatabase(connection, { signal });
  }
  const drifts: TableDrift[] = [];
  for (const { entity, target } of owned) {
    signal?.throwIfAborted();
    const existing = await tableColumns(provider, target, signal);
    if (existing.length > 0) {
      const drift = compareColumns(entity, existing);
      if (drift !== null) drifts.push({ ...drift, entity, table: tableLabel(entity, target, owned) });
      continue;
    }
    const ddl = provider.dialect.renderCreateTable(createTableStatement(entity, target.table));
    await provider.driver.execute(target.connection, ddl.sql, ddl.parameters, { signal });
  }
  if (drifts.length > 0) throw schemaDriftError(drifts);
}

async function tableColumns(provider: DtdeProvider, target: ShardTarget, signal: AbortSignal | undefined): Promise<string[]> {
  const { sql, parameters } = provider.dialect.renderTableColumns(target.table);
  const names: string[] = [];
  for await (const row of provider.driver.query(target.connection, sql, parameters, { signal })) names.push(String(row.name));
  return names;
}

/** The model's columns the table lacks and the table's columns the model does not map; null when they match. */
function compareColumns(entity: EntityModel, existing: readonly string[]): Pick<TableDrift, 'missing' | 'extra'> | null {
  const have = new Set(existing.map((c) => c.toLowerCase()));
  const mapped = new Set(entity.properties.map((p) => p.column.toLowerCase()));
  const missing = entity.properties.map((p) => p.column).filter((c) => !have.has(c.toLowerCase()));
  const extra = existing.filter((c) => !mapped.has(c.toLowerCase()));
  return missing.length === 0 && extra.length === 0 ? null : { missing, extra };
}

/** The table's name, with its shard when the entity's other shards use the same name in other databases. */
function tableLabel(entity: EntityModel, target: ShardTarget, owned: readonly OwnedShardTarget[]): string {
  const name = formatTableName(target.table);
  const shared = owned.some((o) => o.entity === entity && o.target !== target && formatTableName(o.target.table) === name);
  return shared ? `${name} (shard ${target.shard.qualifiedId})` : name;
}
