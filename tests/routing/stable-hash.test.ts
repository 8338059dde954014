import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { encodeHashKey, hashBucket, murmur3x86_32, stableHash } from '../../src/routing/stable-hash.js';

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('stableHash', () => {
  // Published MurmurHash3_x86_32 vectors: they pin the algorithm itself.
  it('is MurmurHash3 x86 32-bit', () => {
    expect(hex(murmur3x86_32(utf8('')))).toBe('0x00000000');
    expect(hex(murmur3x86_32(utf8(''), 1))).toBe('0x514e28b7');
    expect(hex(murmur3x86_32(utf8('test')))).toBe('0xba6bd213');
    expect(hex(murmur3x86_32(utf8('hello')))).toBe('0x248bfa47');
    expect(hex(murmur3x86_32(utf8('Hello, world!')))).toBe('0xc0363e43');
    expect(hex(murmur3x86_32(utf8('The quick brown fox jumps over the lazy dog')))).toBe('0x2e4ff723');
  });

  // Fixed vectors for dtde's canonical encoding, computed once (and cross-checked with an
  // independent implementation). If one changes, rows already written would move shards.
  it.each([
    [0, '0x63852afc'],
    [1, '0x53075d44'],
    [-1, '0x627564e8'],
    [42, '0x6f8f913e'],
    [Number.MAX_SAFE_INTEGER, '0xb59d8b9b'],
    [Number.MIN_SAFE_INTEGER, '0xfed73dd5'],
    [2n ** 63n - 1n, '0x827144bf'],
    [-(2n ** 63n), '0x516faf25'],
    [123456789012345678n, '0x3574a305'],
    ['', '0x00000000'],
    ['EU', '0x5324d46c'],
    ['user-17', '0xd554e2e9'],
    ['Zürich', '0x29695951'],
    ['東京', '0x96bf1142'],
    ['😀', '0xbeb42efa'],
    ['Ünïcödé', '0x0bdb4773'],
  ] as const)('hashes %s to %s', (value, expected) => {
    expect(hex(stableHash(value))).toBe(expected);
  });

  it('hashes UUIDs as 16 bytes, ignoring case and hyphens', () => {
    for (const u of ['123e4567-e89b-12d3-a456-426614174000', '123E4567-E89B-12D3-A456-426614174000', '123e4567e89b12d3a456426614174000']) {
      expect(hex(stableHash(u, { uuid: true }))).toBe('0x5f6b5122');
    }
    expect(hex(stableHash('00000000-0000-0000-0000-000000000000', { uuid: true }))).toBe('0x8134cdf8');
    expect(encodeHashKey('123e4567-e89b-12d3-a456-426614174000', { uuid: true })).toEqual(
      Uint8Array.from([0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00]),
    );
  });

  it('encodes integers as 8-byte little-endian two\u2019s complement, -0 as 0', () => {
    expect(encodeHashKey(1)).toEqual(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0]));
    expect(encodeHashKey(-2)).toEqual(Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(encodeHashKey(-0)).toEqual(encodeHashKey(0));
  });

  it('gives a number and a bigint of the same value the same hash', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(stableHash(n)).toBe(stableHash(BigInt(n)));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps buckets in range', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.maxSafeInteger()), fc.integer({ min: 1, max: 64 }), (v, count) => {
        const b = hashBucket(v, count);
        expect(Number.isInteger(b) && b >= 0 && b < count).toBe(true);
      }),
    );
  });

  it.each([
    [1.5, 'a number that is not a safe integer'],
    [2 ** 60, 'a number that is not a safe integer'],
    [Number.NaN, 'a number that is not a safe integer'],
    [2n ** 63n, 'a bigint outside the signed 64-bit range'],
    [true, 'a boolean'],
    [new Date(0), 'a Date'],
    [null, 'null'],
  ])('refuses %s', (value, what) => {
    expect(() => stableHash(value)).toThrowError(DtdeConfigurationError);
    expect(() => stableHash(value)).toThrowError(new RegExp(`it is ${what}\\. shardByHash keys must be safe integers`));
  });

  it('refuses a non-UUID string on a uuid key', () => {
    expect(() => stableHash('not-a-uuid', { uuid: true })).toThrowError(
      /"not-a-uuid": it is a string that is not a UUID, on a uuid\(\) key/,
    );
  });
});
