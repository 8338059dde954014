import type { Model, ShardLayout } from '../metadata/model.js';
import type { ShardTargetOptions } from '../metadata/shard-targets.js';
import type { DtdeProvider } from '../providers/provider.js';
import { createTableStatement } from './create-table-statement.js';
import { ownedShardTargets } from './owned-shard-targets.js';

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
 * the dialect's idempotent `CREATE TABLE`. Safe to run again: what exists is left as it is (an
 * existing table is not altered to match the model). Manual tables are never created.
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
  for (const { entity, target } of owned) {
    signal?.throwIfAborted();
    const ddl = provider.dialect.renderCreateTable(createTableStatement(entity, target.table));
    await provider.driver.execute(target.connection, ddl.sql, ddl.parameters, { signal });
  }
}
