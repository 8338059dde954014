import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { hashBucket } from '../../src/routing/stable-hash.js';
import { resolveShards } from '../../src/routing/resolve-shards.js';
import { bound, entityModel, ids, layout } from './resolve-fixtures.js';

interface U {
  userId: number;
  tag: string;
  name: string;
}

const users = entityModel({
  name: 'User',
  properties: { id: 'int', userId: 'bigint', name: 'string' },
  sharding: { strategy: 'hash', property: 'userId', shardCount: 4 },
});
const four = layout({ default: ['h0', 'h1', 'h2', 'h3'] });
const resolve = (fn: Function, params: Record<string, unknown> = {}, entity = users, l = four) =>
  ids(resolveShards(entity, l, [bound(fn, params)]).shards);

describe('hash strategy', () => {
  it('equality selects the one shard of the value\u2019s bucket, by declaration order', () => {
    for (const v of [0, 1, 42, 1000, -7]) {
      expect(resolve((u: U, p: { v: number }) => u.userId === p.v, { v })).toEqual([`h${hashBucket(v, 4)}`]);
    }
    expect(hashBucket(42, 4)).toBe(2); // pinned: 0x6f8f913e % 4
    expect(resolve((u: U) => u.userId === 42)).toEqual(['h2']);
  });

  it('a number and a bigint of the same value go to the same shard', () => {
    expect(resolve((u: U, p: { v: number }) => u.userId === p.v, { v: 42n })).toEqual(['h2']);
  });

  it('IN selects the buckets of its values', () => {
    const vs = [1, 2, 3, 4, 5];
    const expected = [...new Set(vs.map((v) => hashBucket(v, 4)))].sort().map((b) => `h${b}`);
    expect(resolve((u: U, p: { vs: number[] }) => p.vs.includes(u.userId), { vs })).toEqual(expected);
  });

  it('ranges, !== and other columns fan out', () => {
    expect(resolve((u: U) => u.userId > 5 && u.userId < 7)).toEqual(['h0', 'h1', 'h2', 'h3']);
    expect(resolve((u: U) => u.userId !== 42)).toEqual(['h0', 'h1', 'h2', 'h3']);
    expect(resolve((u: U) => u.name === 'h2')).toEqual(['h0', 'h1', 'h2', 'h3']);
  });

  it('a point that cannot be hashed fans out', () => {
    expect(resolve((u: U) => u.userId === 1.5)).toEqual(['h0', 'h1', 'h2', 'h3']);
  });

  it('hashes uuid keys as UUIDs', () => {
    const e = entityModel({ properties: { id: 'int', tag: 'uuid' }, sharding: { strategy: 'hash', property: 'tag', shardCount: 4 } });
    const t = '123E4567-E89B-12D3-A456-426614174000';
    expect(resolve((u: U, p: { t: string }) => u.tag === p.t, { t }, e)).toEqual([`h${hashBucket(t.toLowerCase(), 4, { uuid: true })}`]);
  });

  it('refuses a group whose size is not shardCount', () => {
    const run = () => resolve((u: U) => u.userId === 1, {}, users, layout({ default: ['h0', 'h1', 'h2'] }));
    expect(run).toThrowError(DtdeConfigurationError);
    expect(run).toThrowError(
      "User is hash-sharded into 4 buckets, but group 'default' has 3 shard(s) (h0, h1, h2). Declare exactly 4 shards in that group, " +
        'or change the shardCount of shardByHash to match.',
    );
  });
});
