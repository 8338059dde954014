import { DtdeDatabaseError } from '../errors/dtde-database-error.js';
import type { ConnectionRef } from '../metadata/model.js';
import type { SchemaScope } from './create-schema.js';
import { ownedShardTargets } from './owned-shard-targets.js';

/**
 * Removes what `createSchema` creates, in two ways:
 * - tables in the context's own database (table-mode shards, unsharded entities) are dropped;
 *   the database itself (SQLite: the main file) is kept, with anything else it holds, including
 *   manual tables;
 * - every other database a shard lives in (database-mode shards, `addTableShardInDatabase`) is
 *   deleted whole: dtde owns shard databases.
 *
 * A shard connection naming the context's own database (same `databaseId`) counts as the own
 * database. Missing tables and databases are not an error, so running it twice is safe.
 *
 * @example
 * await deleteSchema({ model: ctx.model, layout: ctx.shardLayout, provider }, signal);
 */
export async function deleteSchema(scope: SchemaScope, signal?: AbortSignal): Promise<void> {
  const { provider } = scope;
  const ownId = provider.databaseId(null);
  const shardDatabases = new Map<string, ConnectionRef>();
  for (const { target } of ownedShardTargets(scope.model, scope.layout, scope.targetOptions)) {
    const id = provider.databaseId(target.connection);
    if (id !== ownId) {
      if (target.connection !== null && !shardDatabases.has(id)) shardDatabases.set(id, target.connection);
      continue;
    }
    signal?.throwIfAborted();
    const ddl = provider.dialect.renderDropTable({ kind: 'dropTable', table: target.table });
    try {
      await provider.driver.execute(target.connection, ddl.sql, ddl.parameters, { signal });
    } catch (error) {
      // No own database, so no table in it to drop.
      if (error instanceof DtdeDatabaseError && error.reason === 'missing') continue;
      throw error;
    }
  }
  for (const connection of shardDatabases.values()) {
    signal?.throwIfAborted();
    await provider.driver.deleteDatabase(connection, { signal });
  }
}
