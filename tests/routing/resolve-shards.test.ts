import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { entityShards } from '../../src/metadata/shard-targets.js';
import { pruningPredicates, resolveShards } from '../../src/routing/resolve-shards.js';
import { describeConstraint } from '../../src/routing/shard-key-constraint.js';
import { bound, entityModel, ids, layout, query, where } from './resolve-fixtures.js';

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
  it('ANDs every where operator', () => {
    const q = query(where((c: C) => ['EU', 'US'].includes(c.region)), where((c: C) => c.region !== 'US'));
    const r = resolveShards({ query: q, entity: customers, layout: regions });
    expect(ids(r.shards)).toEqual(['EU']);
    expect(ids(r.allShards)).toEqual(all);
    expect(describeConstraint(r.constraint)).toBe('{"EU"}');
  });

  it('returns the layout\u2019s shard objects, as entityShards does', () => {
    const r = resolveShards({ query: query(where((c: C) => c.region === 'US')), entity: customers, layout: regions });
    expect(r.shards[0]).toBe(entityShards(customers, regions)[1]);
  });

  it('c.name === "EU" does not select the EU shard: only the shard key prunes', () => {
    const r = resolveShards({ query: query(where((c: C) => c.name === 'EU')), entity: customers, layout: regions });
    expect(ids(r.shards)).toEqual(all);
    expect(r.constraint.kind).toBe('unknown');
  });

  it('no where: every shard', () => {
    expect(ids(resolveShards({ query: query(), entity: customers, layout: regions }).shards)).toEqual(all);
  });

  it('contradicting predicates on the key select no shard', () => {
    const q = query(where((c: C) => c.region === 'EU'), where((c: C, p: { r: string }) => c.region === p.r, { r: 'US' }));
    expect(resolveShards({ query: q, entity: customers, layout: regions }).shards).toEqual([]);
  });

  it('orderBy and distinct do not stop pruning; select, groupBy, skip and take do', () => {
    const eu = where((c: C) => c.region === 'EU');
    const order = { kind: 'orderBy', key: bound((c: C) => c.name), descending: false, thenBy: false } as const;
    const run = (...ops: Parameters<typeof query>) => ids(resolveShards({ query: query(...ops), entity: customers, layout: regions }).shards);
    expect(run(order, { kind: 'distinct' }, eu)).toEqual(['EU']);
    expect(run({ kind: 'take', count: 10 }, eu)).toEqual(all);
    expect(run({ kind: 'skip', count: 10 }, eu)).toEqual(all);
    // After a projection `region` may be anything: select(c => ({ region: c.name })).where(x => x.region === 'EU').
    expect(run({ kind: 'select', selector: bound((c: C) => ({ region: c.name })) }, eu)).toEqual(all);
    expect(run({ kind: 'groupBy', key: bound((c: C) => c.region) }, eu)).toEqual(all);
    expect(run(eu, { kind: 'take', count: 10 }, where((c: C) => c.region === 'US'))).toEqual(['EU']);
  });

  it('the terminal predicate of first/single/count/any prunes; all\u2019s does not', () => {
    const us = bound((c: C) => c.region === 'US');
    const run = (kind: 'first' | 'count' | 'any' | 'singleOrDefault' | 'all') =>
      ids(resolveShards({ query: query(), entity: customers, layout: regions, terminal: { kind, predicate: us } }).shards);
    expect(run('first')).toEqual(['US']);
    expect(run('count')).toEqual(['US']);
    expect(run('any')).toEqual(['US']);
    expect(run('singleOrDefault')).toEqual(['US']);
    expect(run('all')).toEqual(all);
    const paged = pruningPredicates(query({ kind: 'take', count: 1 }), { kind: 'first', predicate: us });
    expect(paged).toEqual([]);
  });

  it('uses the entity\u2019s shard group and names shards group::id', () => {
    const e = entityModel({
      properties: { id: 'int', region: 'string' },
      sharding: { strategy: 'value', property: 'region', caseSensitive: true, shardGroup: 'geo' },
    });
    const l = layout({ default: ['EU', 'US'], geo: ['EU', 'APAC'] });
    expect(ids(resolveShards({ query: query(where((c: C) => c.region === 'EU')), entity: e, layout: l }).shards)).toEqual(['geo::EU']);
  });

  it('an unsharded entity has its one shard', () => {
    const e = entityModel({ name: 'Setting', properties: { id: 'int', name: 'string' }, sharding: null });
    const r = resolveShards({ query: query(where((c: C) => c.name === 'x')), entity: e, layout: regions });
    expect(r.shards).toHaveLength(1);
    expect(r.shards).toEqual(entityShards(e, regions));
  });

  it('a shard key missing from the properties fans out', () => {
    const e = entityModel({ properties: { id: 'int' }, sharding: { strategy: 'value', property: 'region', caseSensitive: true } });
    expect(ids(resolveShards({ query: query(where((c: C) => c.region === 'EU')), entity: e, layout: regions }).shards)).toEqual(all);
  });

  it('an undeclared shard group is a configuration error', () => {
    const e = entityModel({
      name: 'Customer',
      properties: { id: 'int', region: 'string' },
      sharding: { strategy: 'value', property: 'region', caseSensitive: true, shardGroup: 'nowhere' },
    });
    expect(() => resolveShards({ query: query(), entity: e, layout: regions })).toThrowError(DtdeConfigurationError);
    expect(() => resolveShards({ query: query(), entity: e, layout: regions })).toThrowError(/shard group 'nowhere' is not declared/);
  });
});
