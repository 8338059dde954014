import { describe, expect, it } from 'vitest';
import { resolveShards } from '../../src/routing/resolve-shards.js';
import { pointsConstraint, rangeConstraint } from '../../src/routing/shard-key-constraint.js';
import { keyOfShardId, selectValueShards, valueShardId } from '../../src/routing/strategies/value-strategy.js';
import { bound, entityModel, ids, layout, shard } from './resolve-fixtures.js';

interface C {
  region: string;
  name: string;
  n: number;
}

const customers = entityModel({
  properties: { id: 'int', region: 'string', name: 'string' },
  sharding: { strategy: 'value', property: 'region', caseSensitive: true },
});
const regions = layout({ default: ['EU', 'US', 'APAC', 'eu'] });
const resolve = (fn: Function, params: Record<string, unknown> = {}, entity = customers, l = regions) =>
  ids(resolveShards(entity, l, [bound(fn, params)]).shards);

describe('value strategy', () => {
  it('equality selects exactly the shard whose id is the value (case-sensitive by default)', () => {
    expect(resolve((c: C) => c.region === 'EU')).toEqual(['EU']);
    expect(resolve((c: C) => c.region === 'eu')).toEqual(['eu']);
    expect(resolve((c: C, p: { r: string }) => p.r === c.region, { r: 'US' })).toEqual(['US']);
  });

  it('a predicate on another column never prunes, even when its value names a shard', () => {
    expect(resolve((c: C) => c.name === 'EU')).toEqual(['EU', 'US', 'APAC', 'eu']);
  });

  it('IN selects each listed shard, in layout order', () => {
    expect(resolve((c: C) => ['APAC', 'EU'].includes(c.region))).toEqual(['EU', 'APAC']);
    expect(resolve((c: C, p: { rs: string[] }) => p.rs.includes(c.region), { rs: ['US', 'nowhere'] })).toEqual(['US']);
  });

  it('!== keeps every shard but the excluded one', () => {
    expect(resolve((c: C) => c.region !== 'EU')).toEqual(['US', 'APAC', 'eu']);
    expect(resolve((c: C) => !(c.region === 'EU' || c.region === 'US'))).toEqual(['APAC', 'eu']);
  });

  it('ranges keep the shards whose id lies in the range (code-point order for strings)', () => {
    expect(resolve((c: C) => c.region >= 'E' && c.region < 'V')).toEqual(['EU', 'US']);
    expect(resolve((c: C) => c.region > 'Z')).toEqual(['eu']);
  });

  it('ranges on a numeric key compare numerically, not as text', () => {
    const e = entityModel({ properties: { id: 'int', n: 'int' }, sharding: { strategy: 'value', property: 'n', caseSensitive: true } });
    const l = layout({ default: ['1', '2', '10', '05'] });
    expect(resolve((c: C) => c.n < 5, {}, e, l)).toEqual(['1', '2']);
    expect(resolve((c: C) => c.n >= 2, {}, e, l)).toEqual(['2', '10']);
    expect(resolve((c: C, p: { n: number }) => c.n === p.n, { n: 10n }, e, l)).toEqual(['10']);
    // '05' is no number's text, so no row routes there; it is only read on a full fan-out.
    expect(resolve((c: C) => c.n === 5, {}, e, l)).toEqual([]);
    expect(resolve((c: C) => c.name === 'x', {}, e, l)).toEqual(['1', '2', '10', '05']);
  });

  it('case-insensitive: equality and IN match ids in any case; anything else fans out', () => {
    const ci = entityModel({
      properties: { id: 'int', region: 'string' },
      sharding: { strategy: 'value', property: 'region', caseSensitive: false },
    });
    const l = layout({ default: ['EU', 'US'] });
    expect(resolve((c: C) => c.region === 'eu', {}, ci, l)).toEqual(['EU']);
    expect(resolve((c: C) => ['us', 'Eu'].includes(c.region), {}, ci, l)).toEqual(['EU', 'US']);
    expect(resolve((c: C) => c.region !== 'EU', {}, ci, l)).toEqual(['EU', 'US']);
    expect(resolve((c: C) => c.region < 'F', {}, ci, l)).toEqual(['EU', 'US']);
  });

  it('a nullable key fans out when null may match', () => {
    const e = entityModel({
      properties: { id: 'int', region: 'string?' },
      sharding: { strategy: 'value', property: 'region', caseSensitive: true },
    });
    expect(resolve((c: C) => c.region !== 'EU', {}, e)).toEqual(['EU', 'US', 'APAC', 'eu']);
    expect(resolve((c: C) => c.region === 'EU', {}, e)).toEqual(['EU']);
  });

  it('maps ids back to the one key they hold', () => {
    expect(valueShardId(42n)).toBe('42');
    expect(valueShardId(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000Z');
    expect(keyOfShardId('42', 'number')).toBe(42n);
    expect(keyOfShardId('1.5', 'number')).toBe(1.5);
    expect(keyOfShardId('-0', 'number')).toBeUndefined();
    expect(keyOfShardId('x', 'number')).toBeUndefined();
    expect(keyOfShardId('true', 'boolean')).toBe(true);
    expect(keyOfShardId('2024', 'date')).toBeUndefined();
    const direct = selectValueShards(rangeConstraint('>', 'F'), [shard('EU'), shard('US')], { domain: 'string', caseSensitive: true });
    expect(ids(direct)).toEqual(['US']);
    expect(ids(selectValueShards(pointsConstraint([]), [shard('EU')], { domain: 'string', caseSensitive: true }))).toEqual([]);
  });
});
