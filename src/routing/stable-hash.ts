import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';

/**
 * The stable hash behind `shardByHash`: the same key gives the same bucket in every process, on
 * every platform and in every version of dtde (a change here would move rows between shards).
 *
 * Algorithm: MurmurHash3 x86 32-bit, seed 0, over a canonical byte encoding of the key; the result
 * is an unsigned 32-bit integer and the bucket is `hash % shardCount`.
 *
 * Canonical encoding (no type tag, so `1` and `'1'` differ but `1` and `1n` agree):
 * - integers (a `number` that is a safe integer, or a `bigint` in the signed 64-bit range):
 *   8 bytes, two's complement, little-endian. `-0` encodes as `0`.
 * - strings: UTF-8 (lone surrogates become U+FFFD, as `TextEncoder` does).
 * - UUIDs (when `uuid: true`, i.e. the key column is `uuid()`): the 32 hex digits, hyphens removed,
 *   case ignored, as 16 bytes in the order they are written (RFC 4122 order, not the mixed-endian
 *   layout of SQL Server's `uniqueidentifier` bytes).
 * - anything else (fractions, unsafe integers, booleans, dates, null) is refused with
 *   `DtdeConfigurationError`: such a key cannot be hashed stably.
 *
 * @example
 * stableHash(42) === stableHash(42n)        // true
 * hashBucket('user-17', 4)                  // 0..3, the same everywhere
 */
export function stableHash(value: unknown, options: StableHashOptions = {}): number {
  return murmur3x86_32(encodeHashKey(value, options));
}

export interface StableHashOptions {
  /** Encode strings as UUIDs (16 bytes) rather than UTF-8. Set for `uuid()` key columns. */
  readonly uuid?: boolean;
}

/** `stableHash(value) % shardCount`: the index of the value's shard in its group's declaration order. */
export function hashBucket(value: unknown, shardCount: number, options: StableHashOptions = {}): number {
  return stableHash(value, options) % shardCount;
}

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The canonical bytes of a hash key (see `stableHash`). */
export function encodeHashKey(value: unknown, options: StableHashOptions = {}): Uint8Array {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw unhashable(value, 'a number that is not a safe integer');
    return int64Bytes(BigInt(value));
  }
  if (typeof value === 'bigint') {
    if (value < MIN_INT64 || value > MAX_INT64) throw unhashable(value, 'a bigint outside the signed 64-bit range');
    return int64Bytes(value);
  }
  if (typeof value === 'string') {
    if (options.uuid) {
      if (!UUID.test(value)) throw unhashable(value, 'a string that is not a UUID, on a uuid() key');
      const hex = value.replace(/-/g, '');
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
      return bytes;
    }
    return new TextEncoder().encode(value);
  }
  throw unhashable(value, value instanceof Date ? 'a Date' : value === null ? 'null' : `a ${typeof value}`);
}

function int64Bytes(v: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return bytes;
}

function unhashable(value: unknown, what: string): DtdeConfigurationError {
  const shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new DtdeConfigurationError(
    `Cannot hash shard key ${shown}: it is ${what}. shardByHash keys must be safe integers, 64-bit bigints, ` +
      'strings or UUIDs; hash a property of one of those types, or use shardBy/shardByDate instead.',
    { path: 'shardByHash' },
  );
}

/** MurmurHash3_x86_32 (Austin Appleby, public domain), unsigned result. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
