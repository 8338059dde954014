import { DtdeConfigurationError } from '../../errors/dtde-configuration-error.js';
import type { ShardModel } from '../../metadata/model.js';
import { hashBucket, type StableHashOptions } from '../stable-hash.js';
import { constraintPoints, type ShardKeyConstraint } from '../shard-key-constraint.js';

/**
 * The shards of a hash strategy that can hold a key allowed by `constraint`, in layout order.
 * Bucket `i` (`stableHash(key) % shardCount`) is the i-th shard of the group in declaration
 * order. Only equality and IN prune (hashing scatters ranges); a point that cannot be hashed
 * (a fraction, say) can never have been written, but keeps every shard to stay on the safe side.
 *
 * @example
 * selectHashShards(pointsConstraint([42]), shards, 4, 'User') // [the shard of bucket hash(42) % 4]
 */
export function selectHashShards(
  constraint: ShardKeyConstraint,
  shards: readonly ShardModel[],
  shardCount: number,
  entityName: string,
  options: StableHashOptions = {},
): ShardModel[] {
  checkHashGroup(shards, shardCount, entityName);
  const points = constraintPoints(constraint);
  if (points === null) return [...shards];
  const buckets = new Set<number>();
  for (const p of points) {
    const b = tryBucket(p, shardCount, options);
    if (b === undefined) return [...shards];
    buckets.add(b);
  }
  return shards.filter((_, i) => buckets.has(i));
}

/** A hash group must have exactly `shardCount` shards, or buckets would point at nothing. */
export function checkHashGroup(shards: readonly ShardModel[], shardCount: number, entityName: string): void {
  if (!Number.isSafeInteger(shardCount) || shardCount < 1 || shards.length !== shardCount) {
    const group = shards[0]?.group ?? 'its shard group';
    throw new DtdeConfigurationError(
      `${entityName} is hash-sharded into ${shardCount} buckets, but group '${group}' has ${shards.length} shard(s)` +
        ` (${shards.map((s) => s.qualifiedId).join(', ') || 'none'}). Declare exactly ${shardCount} shards in that group,` +
        ' or change the shardCount of shardByHash to match.',
      { path: `${entityName}.shardByHash` },
    );
  }
}

function tryBucket(value: unknown, shardCount: number, options: StableHashOptions): number | undefined {
  try {
    return hashBucket(value, shardCount, options);
  } catch {
    return undefined;
  }
}
