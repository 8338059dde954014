import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { ConnectionRef } from '../metadata/model.js';
import { shardTargets } from '../metadata/shard-targets.js';
import type { SchemaScope } from './create-schema.js';

/**
 * Checks that `maxParallelShards` fits each database's connection pool. A merge keeps one stream
 * open per shard, and the executor runs at most `maxParallelShards` shard commands at once, so a
 * query of one entity can hold `min(maxParallelShards, shards of that entity in the database)`
 * streams on one database at once (table-mode shards share the context's database; a
 * database-mode shard needs one). When that exceeds `driver.poolSize`, streams would wait for each
 * other (an ordered merge would deadlock), so it is refused up front with a
 * `DtdeConfigurationError` naming both numbers and the two fixes, the pool's in the driver's own
 * words (`DatabaseDriver.poolSizeHint`).
 *
 * @example
 * validatePoolSizes({ model, layout, provider }, 16);
 * // options.maxParallelShards: Customer has 12 shards in database ".../shop.db", so one query can stream
 * // from 12 of them at once (maxParallelShards is 16), but the sqlite pool for that database holds 8 connections.
 * // Raise the pool size to at least 12 (sqlite({ file, readPoolSize: 12 })) or lower maxParallelShards to 8.
 */
export function validatePoolSizes(scope: SchemaScope, maxParallelShards: number): void {
  const { provider } = scope;
  for (const entity of scope.model.entities.values()) {
    const perDatabase = new Map<string, { connection: ConnectionRef | null; shards: number }>();
    for (const target of shardTargets(entity, scope.layout, scope.targetOptions)) {
      const id = provider.databaseId(target.connection);
      const entry = perDatabase.get(id);
      if (entry === undefined) perDatabase.set(id, { connection: target.connection, shards: 1 });
      else entry.shards++;
    }
    for (const [id, { connection, shards }] of perDatabase) {
      const concurrent = Math.min(maxParallelShards, shards);
      const pool = provider.driver.poolSize(connection);
      if (concurrent <= pool) continue;
      const path = 'options.maxParallelShards';
      const hint = provider.driver.poolSizeHint?.(concurrent);
      throw new DtdeConfigurationError(
        `${path}: ${entity.name} has ${shards} shards in database "${id}", so one query can stream from ${concurrent} of them at once ` +
          `(maxParallelShards is ${maxParallelShards}), but the ${provider.driver.name} pool for that database holds ${pool} connections. ` +
          `Raise the pool size to at least ${concurrent}${hint === undefined ? '' : ` (${hint})`} or lower maxParallelShards to ${pool}.`,
        { path },
      );
    }
  }
}
