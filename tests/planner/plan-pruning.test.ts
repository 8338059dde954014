// Which filters of a query chain prune shards, as the planner (the one routing path production
// runs) decides: the shards its commands target.
import { describe, expect, it } from 'vitest';
import type { ShardQueryPlan } from '../../src/planner/shard-query-plan.js';
import { ALL_REGIONS, customers, planOf, rowsPlanOf } from './plan-fixtures.js';

const shardsOf = (plan: ShardQueryPlan) => plan.commands.map((c) => c.target.shard.qualifiedId);

describe('planQuery: which filters prune', () => {
  it('orderBy and distinct do not stop pruning', () => {
    const q = customers.orderBy((c) => c.name).where((c) => c.region === 'EU');
    expect(shardsOf(rowsPlanOf(q))).toEqual(['EU']);
    const d = customers
      .select((c) => ({ region: c.region }))
      .distinct()
      .where((x) => x.region === 'EU');
    expect(() => rowsPlanOf(d)).toThrow(/Unsupported query shape: .where/);
  });

  it('a where after select is inlined over the row, so it prunes by the key it reads', () => {
    const renamed = customers.select((c) => ({ r: c.region, n: c.name })).where((x) => x.r === 'US');
    expect(shardsOf(rowsPlanOf(renamed))).toEqual(['US']);
    // After the projection, `region` holds the name: it is not the shard key, so nothing prunes.
    const disguised = customers.select((c) => ({ region: c.name })).where((x) => x.region === 'EU');
    expect(shardsOf(rowsPlanOf(disguised))).toEqual(ALL_REGIONS);
  });

  it('a filter over groups (HAVING) does not prune; a where before groupBy does', () => {
    const having = customers
      .groupBy((c) => c.region)
      .select((g) => ({ region: g.key, n: g.count() }))
      .where((x) => x.region === 'EU');
    expect(shardsOf(rowsPlanOf(having))).toEqual(ALL_REGIONS);
    const before = customers
      .where((c) => c.region === 'EU')
      .groupBy((c) => c.name)
      .select((g) => ({ name: g.key, n: g.count() }));
    expect(shardsOf(rowsPlanOf(before))).toEqual(['EU']);
  });

  it('where after skip or take is refused, so paging never changes what prunes', () => {
    expect(() => rowsPlanOf(customers.take(10).where((c) => c.region === 'EU'))).toThrow(/Unsupported query shape: .where/);
    const pagedAfter = customers.where((c) => c.region === 'EU').take(10);
    expect(shardsOf(rowsPlanOf(pagedAfter))).toEqual(['EU']);
  });

  it('the predicate of first/single/count/any prunes; all\u2019s does not', async () => {
    expect(shardsOf(await planOf(customers.first((c) => c.region === 'US')))).toEqual(['US']);
    expect(shardsOf(await planOf(customers.singleOrDefault((c) => c.region === 'US')))).toEqual(['US']);
    expect(shardsOf(await planOf(customers.count((c) => c.region === 'US')))).toEqual(['US']);
    expect(shardsOf(await planOf(customers.any((c) => c.region === 'US')))).toEqual(['US']);
    expect(shardsOf(await planOf(customers.all((c) => c.region === 'US')))).toEqual(ALL_REGIONS);
  });

  it('a terminal predicate after paging runs on the merged page and does not prune', async () => {
    const plan = await planOf(customers.take(1).first((c) => c.region === 'US'));
    expect(shardsOf(plan)).toEqual(ALL_REGIONS);
    expect(plan.terminal.where).toBe('client');
  });
});
