import type { ShardModel } from '../../metadata/model.js';
import type { KeyDomain } from '../extract-shard-key-constraint.js';
import { constraintContains, constraintPoints, type KeyValue, type ShardKeyConstraint } from '../shard-key-constraint.js';

/**
 * The shard id a key value routes to under `shardBy`: the string itself, `String(n)` for numbers
 * and bigints (`42`, `42n` → `'42'`), `'true'`/`'false'`, and `toISOString()` for dates.
 *
 * @example
 * valueShardId(7) // '7'
 */
export function valueShardId(value: KeyValue): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Whether a row whose key routes to `keyId` lives in shard `shardId`. */
export function valueShardMatches(shardId: string, keyId: string, caseSensitive: boolean): boolean {
  return caseSensitive ? shardId === keyId : shardId.toLowerCase() === keyId.toLowerCase();
}

export interface ValueStrategyOptions {
  readonly domain: KeyDomain;
  readonly caseSensitive: boolean;
}

/**
 * The shards of a property-value strategy that can hold a key allowed by `constraint`, in layout
 * order.
 *
 * Case-sensitive (the default): shard `id` holds exactly the key values `v` with
 * `valueShardId(v) === id` (one value, or none when `id` is not the canonical text of a key of
 * this type, such as `'05'` for a number key), so the shard stays iff that value is in the
 * constraint: exact for equality, IN, `!==` and ranges alike.
 * Case-insensitive: a shard holds every casing of its id, which is no interval, so only a
 * constraint made of points (equality, IN) prunes; anything else keeps every shard.
 *
 * @example
 * selectValueShards(pointsConstraint(['EU']), shards, { domain: 'string', caseSensitive: true }) // [EU]
 */
export function selectValueShards(
  constraint: ShardKeyConstraint,
  shards: readonly ShardModel[],
  options: ValueStrategyOptions,
): ShardModel[] {
  if (constraint.kind === 'unknown') return [...shards];
  if (!options.caseSensitive) {
    const points = constraintPoints(constraint);
    if (points === null) return [...shards];
    const ids = points.map(valueShardId);
    return shards.filter((s) => ids.some((id) => valueShardMatches(s.id, id, false)));
  }
  return shards.filter((s) => {
    const held = keyOfShardId(s.id, options.domain);
    return held !== undefined && constraintContains(constraint, held);
  });
}

/** The one key value whose `valueShardId` is `id`, or undefined when there is none. */
export function keyOfShardId(id: string, domain: KeyDomain): KeyValue | undefined {
  switch (domain) {
    case 'string':
      return id;
    case 'boolean':
      return id === 'true' ? true : id === 'false' ? false : undefined;
    case 'date': {
      const d = new Date(id);
      return !Number.isNaN(d.getTime()) && d.toISOString() === id ? d : undefined;
    }
    case 'number': {
      // Integers go through bigint so ids beyond 2^53 keep their exact value.
      if (/^-?\d+$/.test(id)) {
        const n = BigInt(id);
        return String(n) === id ? n : undefined;
      }
      const n = Number(id);
      return id !== '' && String(n) === id && !Number.isNaN(n) ? n : undefined;
    }
  }
}
