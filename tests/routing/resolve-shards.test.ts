import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { entityShards } from '../../src/metadata/shard-targets.js';
import { resolveShards } from '../../src/routing/resolve-shards.js';
import { describeConstraint } from '../../src/routing/shard-key-constraint.js';
import { bound, entityModel, ids, layout } from './resolve-fixtures.js';

interface C {
  region: string;
  name: string;
}

const customers = entityModel({
  name: 'Customer',
  properties: { id: 'int', region: 'string', name: 'string' },
  sharding: { strategy: 'value', property: 'region', caseSensitive: true },
});
const regions = layout({ default: ['EU', 'US', 'APAC'] });
const all = ['EU', 'US', 'APAC'];

describe('resolveShards', () => {
  it('ANDs every predicate', () => {
    const q = [bound((c: C) => ['EU', 'US'].includes(c.region)), bound((c: C) => c.region !== 'US')];
    const r = resolveShards(customers, regions, q);
    expect(ids(r.shards)).toEqual(['EU']);
    expect(ids(r.allShards)).toEqual(all);
    expect(describeConstraint(r.constraint)).toBe('{"EU"}');
  });

  it('returns the layout\u2019s shard objects, as entityShards does', () => {
    const r = resolveShards(customers, regions, [bound((c: C) => c.region === 'US')]);
    expect(r.shards[0]).toBe(entityShards(customers, regions)[1]);
  });

  it('c.name === "EU" does not select the EU shard: only the shard key prunes', () => {
    const r = resolveShards(customers, regions, [bound((c: C) => c.name === 'EU')]);
    expect(ids(r.shards)).toEqual(all);
    expect(r.constraint.kind).toBe('unknown');
  });

  it('no where: every shard', () => {
    expect(ids(resolveShards(customers, regions, []).shards)).toEqual(all);
  });

  it('contradicting predicates on the key select no shard', () => {
    const q = [bound((c: C) => c.region === 'EU'), bound((c: C, p: { r: string }) => c.region === p.r, { r: 'US' })];
    expect(resolveShards(customers, regions, q).shards).toEqual([]);
  });

  it('uses the entity\u2019s shard group and names shards group::id', () => {
    const e = entityModel({
      properties: { id: 'int', region: 'string' },
      sharding: { strategy: 'value', property: 'region', caseSensitive: true, shardGroup: 'geo' },
    });
    const l = layout({ default: ['EU', 'US'], geo: ['EU', 'APAC'] });
    expect(ids(resolveShards(e, l, [bound((c: C) => c.region === 'EU')]).shards)).toEqual(['geo::EU']);
  });

  it('an unsharded entity has its one shard', () => {
    const e = entityModel({ name: 'Setting', properties: { id: 'int', name: 'string' }, sharding: null });
    const r = resolveShards(e, regions, [bound((c: C) => c.name === 'x')]);
    expect(r.shards).toHaveLength(1);
    expect(r.shards).toEqual(entityShards(e, regions));
  });

  it('a shard key missing from the properties fans out', () => {
    const e = entityModel({ properties: { id: 'int' }, sharding: { strategy: 'value', property: 'region', caseSensitive: true } });
    expect(ids(resolveShards(e, regions, [bound((c: C) => c.region === 'EU')]).shards)).toEqual(all);
  });

  it('an undeclared shard group is a configuration error', () => {
    const e = entityModel({
      name: 'Customer',
      properties: { id: 'int', region: 'string' },
      sharding: { strategy: 'value', property: 'region', caseSensitive: true, shardGroup: 'nowhere' },
    });
    expect(() => resolveShards(e, regions, [])).toThrowError(DtdeConfigurationError);
    expect(() => resolveShards(e, regions, [])).toThrowError(/shard group 'nowhere' is not declared/);
  });
});
