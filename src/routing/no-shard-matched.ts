import { DtdeRoutingError } from '../errors/dtde-routing-error.js';
import type { EntityModel } from '../metadata/model.js';
import type { ShardResolution } from './resolve-shards.js';
import type { KeyValue } from './shard-key-constraint.js';

/**
 * Why a query reads no shard, for the `dtde:query:plan` message, and, when a value the filters pin
 * the shard key to names no shard, the `DtdeRoutingError` that `strictRouting` throws (null
 * otherwise). `takeZero` is a `take(0)`, which reads nothing whatever the shards.
 *
 * @example
 * noShardMatched(customer, resolveShards(customer, layout, [bindLambda('where', (c) => c.region === 'UK')]), false).reason;
 * // "shard key region = 'UK' names no shard of Customer (shards: EU, US, APAC)"
 */
export function noShardMatched(
  entity: EntityModel,
  resolution: ShardResolution,
  takeZero: boolean,
): { readonly reason: string; readonly error: DtdeRoutingError | null } {
  const sharding = entity.sharding;
  const property = sharding !== null && sharding.strategy !== 'manual' ? sharding.property : undefined;
  const shards = resolution.allShards.map((s) => s.qualifiedId);
  const values = resolution.unmatched.map(formatKeyValue).join(', ');
  const error =
    property === undefined || resolution.unmatched.length === 0
      ? null
      : new DtdeRoutingError(
          `${entity.name}: no shard holds shard key ${property} = ${values}; shards that exist: ${shards.join(', ') || 'none'}. ` +
            "Fix the value, or declare the shard in the context's shards option. " +
            '(strictRouting is on; without it the query would answer as if no row matched.)',
          {
            entity: entity.name,
            keyValue: resolution.unmatched.length === 1 ? resolution.unmatched[0] : [...resolution.unmatched],
            availableShards: shards,
          },
        );
  let reason: string;
  if (takeZero) reason = 'take(0) reads no rows';
  else if (error !== null && resolution.shards.length === 0)
    reason = `shard key ${property} = ${values} names no shard of ${entity.name} (shards: ${shards.join(', ')})${caseNearMiss(entity, resolution)}`;
  else if (property !== undefined) reason = `the filters on shard key ${property} allow no shard of ${entity.name}`;
  else reason = `the filters allow no table of ${entity.name}`;
  return { reason, error };
}

/**
 * `; 'Us' differs from shard US only in case …` when an unmatched string value is a shard's id in
 * another case: the likely typo, under a case-sensitive value strategy.
 */
function caseNearMiss(entity: EntityModel, resolution: ShardResolution): string {
  if (entity.sharding?.strategy !== 'value' || !entity.sharding.caseSensitive) return '';
  const misses = resolution.unmatched.flatMap((value) => {
    if (typeof value !== 'string') return [];
    const shard = resolution.allShards.find((s) => s.id.toLowerCase() === value.toLowerCase());
    return shard === undefined ? [] : [`'${value}' differs from shard ${shard.id} only in case`];
  });
  if (misses.length === 0) return '';
  return `; ${misses.join(', ')} (shard keys compare case-sensitively; shardBy(..., { caseSensitive: false }) ignores case)`;
}

function formatKeyValue(value: KeyValue): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'bigint' ? `${value}n` : String(value);
}
