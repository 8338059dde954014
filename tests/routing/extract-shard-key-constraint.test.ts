import { describe, expect, it } from 'vitest';
import { extractShardKeyConstraint, shardKeyOf, type ShardKey } from '../../src/routing/extract-shard-key-constraint.js';
import { describeConstraint } from '../../src/routing/shard-key-constraint.js';
import { bound, entityModel } from './resolve-fixtures.js';

interface C {
  region: string;
  name: string;
  n: number;
  at: Date;
}

const region: ShardKey = { property: 'region', domain: 'string', nullable: false };
const n: ShardKey = { property: 'n', domain: 'number', nullable: false };
const nullableN: ShardKey = { property: 'n', domain: 'number', nullable: true };
const at: ShardKey = { property: 'at', domain: 'date', nullable: false };

const extract = (key: ShardKey, fn: Function, params: Record<string, unknown> = {}) =>
  describeConstraint(extractShardKeyConstraint(bound(fn, params), key));

describe('extractShardKeyConstraint', () => {
  it('reads equality with the key on either side, literals and params', () => {
    expect(extract(region, (c: C) => c.region === 'EU')).toBe('{"EU"}');
    expect(extract(region, (c: C) => 'EU' === c.region)).toBe('{"EU"}');
    expect(extract(region, (c: C) => c.region == 'EU')).toBe('{"EU"}');
    expect(extract(region, (c: C, p: { r: string }) => c.region === p.r, { r: 'US' })).toBe('{"US"}');
    expect(extract(region, (c: C, p: { f: { r: string } }) => p.f.r === c.region, { f: { r: 'US' } })).toBe('{"US"}');
  });

  it('reads !== and != as everything but the value', () => {
    expect(extract(region, (c: C) => c.region !== 'EU')).toBe('(-∞, "EU") ∪ ("EU", +∞)');
    expect(extract(region, (c: C) => c.region != 'EU')).toBe('(-∞, "EU") ∪ ("EU", +∞)');
  });

  it('reads includes on an array literal or a params array as IN', () => {
    expect(extract(region, (c: C) => ['US', 'EU'].includes(c.region))).toBe('{"EU"} ∪ {"US"}');
    expect(extract(region, (c: C, p: { rs: string[] }) => p.rs.includes(c.region), { rs: ['APAC'] })).toBe('{"APAC"}');
    expect(extract(region, (c: C, p: { rs: string[] }) => p.rs.includes(c.region), { rs: [] })).toBe('∅');
    expect(extract(region, (c: C) => !['EU'].includes(c.region))).toBe('(-∞, "EU") ∪ ("EU", +∞)');
  });

  it('reads ranges, flipping the operator when the key is on the right', () => {
    expect(extract(n, (c: C) => c.n < 5)).toBe('(-∞, 5)');
    expect(extract(n, (c: C) => c.n <= 5)).toBe('(-∞, 5]');
    expect(extract(n, (c: C) => 5 < c.n)).toBe('(5, +∞)');
    expect(extract(n, (c: C) => 5 >= c.n)).toBe('(-∞, 5]');
    expect(extract(n, (c: C) => c.n >= -3 && c.n < 7)).toBe('[-3, 7)');
    expect(extract(n, (c: C, p: { big: bigint }) => c.n > p.big, { big: 10n })).toBe('(10n, +∞)');
  });

  it('combines && and || and pushes ! down (De Morgan)', () => {
    expect(extract(n, (c: C) => (c.n > 1 && c.n < 3) || c.n === 10)).toBe('(1, 3) ∪ {10}');
    expect(extract(n, (c: C) => !(c.n < 5))).toBe('[5, +∞)');
    expect(extract(n, (c: C) => !(c.n >= 1 && c.n < 3))).toBe('(-∞, 1) ∪ [3, +∞)');
    expect(extract(n, (c: C) => !!(c.n === 2))).toBe('{2}');
    expect(extract(n, (c: C) => c.n === 1 && c.n === (2 as number))).toBe('∅');
  });

  it('keeps null in negations and ranges of a nullable key', () => {
    expect(extract(nullableN, (c: C) => !(c.n < 5))).toBe('[5, +∞) ∪ null');
    expect(extract(nullableN, (c: C) => c.n < 5)).toBe('(-∞, 5) ∪ null');
    expect(extract(nullableN, (c: C) => c.n !== 5)).toBe('(-∞, 5) ∪ (5, +∞) ∪ null');
    expect(extract(nullableN, (c: C) => c.n === 5)).toBe('{5}');
    expect(extract(nullableN, (c: C) => c.n === null)).toBe('null');
    expect(extract(n, (c: C) => c.n === null)).toBe('∅');
  });

  it('treats other columns and unsupported shapes as unknown, combined soundly', () => {
    expect(extract(region, (c: C) => c.name === 'EU')).toBe('unknown');
    expect(extract(region, (c: C) => c.name === 'x' && c.region === 'EU')).toBe('{"EU"}');
    expect(extract(region, (c: C) => c.name === 'x' || c.region === 'EU')).toBe('unknown');
    expect(extract(region, (c: C) => !(c.name === 'x' && c.region === 'EU'))).toBe('unknown');
    expect(extract(region, (c: C) => c.region.startsWith('E'))).toBe('unknown');
    expect(extract(region, (c: C) => c.region.toLowerCase() === 'eu')).toBe('unknown');
    expect(extract(region, (c: C) => (c.n > 1 ? c.region === 'EU' : c.region === 'US'))).toBe('unknown');
    expect(extract(region, (c: C) => c.region === c.name)).toBe('unknown');
  });

  it('refuses to prune on values of another type, NaN or orderings against null', () => {
    expect(extract(region, (c: C, p: { r: unknown }) => c.region === p.r, { r: 5 })).toBe('unknown');
    expect(extract(n, (c: C, p: { v: number }) => c.n < p.v, { v: '5' })).toBe('unknown');
    expect(extract(n, (c: C, p: { v: unknown }) => c.n === p.v, { v: Number.NaN })).toBe('unknown');
    expect(extract(n, (c: C, p: { v: number }) => c.n < p.v, { v: null })).toBe('unknown');
    expect(extract(n, (c: C, p: { vs: unknown }) => (p.vs as number[]).includes(c.n), { vs: [1, 'x'] })).toBe('unknown');
    expect(extract(at, (c: C, p: { d: Date }) => c.at >= p.d, { d: '2024-01-01' })).toBe('unknown');
  });

  it('compares dates by instant', () => {
    const from = new Date('2024-01-01T00:00:00Z');
    const to = new Date('2025-01-01T00:00:00Z');
    expect(extract(at, (c: C, p: { from: Date; to: Date }) => c.at >= p.from && c.at < p.to, { from, to })).toBe(
      '[2024-01-01T00:00:00.000Z, 2025-01-01T00:00:00.000Z)',
    );
    expect(extract(at, (c: C, p: { d: Date }) => c.at === p.d, { d: from })).toBe('{2024-01-01T00:00:00.000Z}');
  });

  it('reads boolean literals as everything or nothing', () => {
    expect(extract(n, () => true)).toBe('(-∞, +∞)');
    expect(extract(n, () => false)).toBe('∅');
    expect(extract(n, (c: C) => false || c.n === 1)).toBe('{1}');
  });

  it('types the key from the column', () => {
    const e = entityModel({ properties: { id: 'int', at: 'dateTime?', tag: 'uuid', flag: 'boolean' }, sharding: null });
    expect(shardKeyOf(e, 'id')).toEqual({ property: 'id', domain: 'number', nullable: false });
    expect(shardKeyOf(e, 'at')).toEqual({ property: 'at', domain: 'date', nullable: true });
    expect(shardKeyOf(e, 'tag')?.domain).toBe('string');
    expect(shardKeyOf(e, 'flag')?.domain).toBe('boolean');
    expect(shardKeyOf(e, 'missing')).toBeNull();
  });
});
