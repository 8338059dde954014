import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { parseDateShardId } from './date-shard-id.js';
import type { DateInterval, EntityModel, Model, ShardLayout } from './model.js';
import { shardTargets, type ShardTargetOptions } from './shard-targets.js';

const DATE_ID_EXAMPLE: Record<DateInterval, string> = { year: '2024', quarter: '2024Q2', month: '2024-06', day: '2024-06-15' };

/**
 * Checks a model against a shard layout, once per context, so a layout that cannot serve an entity
 * fails at configuration time instead of on the first query: the entity's group exists; every shard
 * has a valid physical table and, in `databases` mode, a connection; value and hash entities have
 * shards; a hash entity's group has exactly `shardCount` shards (bucket `i` is the `i`-th shard);
 * date shard ids have the form of the interval; integer and boolean value keys have matching ids.
 */
export function validateShardLayout(model: Model, layout: ShardLayout, options: ShardTargetOptions = {}): void {
  for (const entity of model.entities.values()) validateEntity(entity, layout, options);
}

function validateEntity(entity: EntityModel, layout: ShardLayout, options: ShardTargetOptions): void {
  const sharding = entity.sharding;
  shardTargets(entity, layout, options);
  if (sharding === null || sharding.strategy === 'manual') return;

  const shards = layout.groups.get(sharding.shardGroup) ?? [];
  const group = `shard group '${sharding.shardGroup}'`;
  const fail = (what: string, problem: string): never => {
    const path = `${entity.name}.${what}`;
    throw new DtdeConfigurationError(`${path}: ${problem}.`, { path });
  };

  if (sharding.strategy === 'value' && shards.length === 0) {
    fail(
      'shardBy',
      `${group} has no shards, so no row of ${entity.name} has a place; declare them in the context options (shards: s => s.addShards('A', 'B'))`,
    );
  }
  if (sharding.strategy === 'hash' && shards.length !== sharding.shardCount) {
    fail(
      'shardByHash',
      `${entity.name} hashes into ${sharding.shardCount} buckets but ${group} has ${shards.length} shards; ` +
        `declare exactly ${sharding.shardCount} (bucket i is the i-th shard in declaration order) or change shardCount`,
    );
  }
  if (sharding.strategy === 'date') {
    const example = DATE_ID_EXAMPLE[sharding.interval];
    for (const shard of shards) {
      if (parseDateShardId(shard.id, sharding.interval) === null) {
        fail(
          'shardByDate',
          `shard '${shard.qualifiedId}' is not a ${sharding.interval} id; ${entity.name} shards by ${sharding.interval}, so ids look like '${example}'`,
        );
      }
    }
  }
  if (sharding.strategy === 'value') {
    const kind = entity.propertyByName.get(sharding.property)?.type.kind;
    for (const shard of shards) {
      if ((kind === 'int' || kind === 'bigint') && !/^-?\d+$/.test(shard.id)) {
        fail(
          'shardBy',
          `shard '${shard.qualifiedId}' can never hold a row: shard key '${sharding.property}' is an integer; use integer shard ids or another shard group`,
        );
      }
      if (kind === 'boolean' && shard.id !== 'true' && shard.id !== 'false') {
        fail(
          'shardBy',
          `shard '${shard.qualifiedId}' can never hold a row: shard key '${sharding.property}' is boolean; use shard ids 'true' and 'false'`,
        );
      }
    }
  }
}
