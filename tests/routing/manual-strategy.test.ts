import { describe, expect, it } from 'vitest';
import type { ManualShardTable } from '../../src/metadata/model.js';
import { resolveShards } from '../../src/routing/resolve-shards.js';
import { describeConstraint } from '../../src/routing/shard-key-constraint.js';
import { manualTableConstraints } from '../../src/routing/strategies/manual-strategy.js';
import { bound, entityModel, ids, layout } from './resolve-fixtures.js';

interface O {
  orderDate: Date;
  region: string;
  total: number;
}

const d = (s: string) => new Date(s);
const y = (n: number) => d(`${n}-01-01T00:00:00Z`);
const yearTable = (year: number): ManualShardTable => ({
  id: `Orders_${year}`,
  table: { name: `Orders_${year}`, schema: 'dbo' },
  predicate: bound((o: O, p: { from: Date; to: Date }) => o.orderDate >= p.from && o.orderDate < p.to, { from: y(year), to: y(year + 1) }),
});
const tables: ManualShardTable[] = [
  yearTable(2023),
  yearTable(2024),
  { id: 'Orders_Old', table: { name: 'Orders_Old' }, predicate: bound((o: O, p: { to: Date }) => o.orderDate < p.to, { to: y(2023) }) },
  // A predicate the extractor cannot read: this table is never pruned.
  { id: 'Orders_Misc', table: { name: 'Orders_Misc' }, predicate: bound((o: O) => o.region.startsWith('X')) },
];
const orders = entityModel({
  name: 'Order',
  properties: { id: 'int', orderDate: 'dateTime', region: 'string', total: 'decimal' },
  sharding: { strategy: 'manual', tables },
});
const none = layout({});
const resolve = (fn: Function, params: Record<string, unknown> = {}) => ids(resolveShards(orders, none, [bound(fn, params)]).shards);

describe('manual strategy', () => {
  it('reads each table\u2019s predicate as a constraint on the properties it reads', () => {
    const c = manualTableConstraints(orders, tables[1]);
    expect([...c.keys()]).toEqual(['orderDate']);
    expect(describeConstraint(c.get('orderDate')!)).toBe('[2024-01-01T00:00:00.000Z, 2025-01-01T00:00:00.000Z)');
    expect(manualTableConstraints(orders, tables[3]).size).toBe(0);
  });

  it('keeps the tables whose predicate can overlap the query, with synthetic shards named after the tables', () => {
    const p = { from: d('2024-03-01T00:00:00Z'), to: d('2024-04-01T00:00:00Z') };
    expect(resolve((o: O, q: typeof p) => o.orderDate >= q.from && o.orderDate < q.to, p)).toEqual(['Orders_2024', 'Orders_Misc']);
    expect(resolve((o: O, q: { t: Date }) => o.orderDate < q.t, { t: y(2024) })).toEqual(['Orders_2023', 'Orders_Old', 'Orders_Misc']);
    expect(resolve((o: O, q: { t: Date }) => o.orderDate === q.t, { t: y(2024) })).toEqual(['Orders_2024', 'Orders_Misc']);
    expect(resolve((o: O, q: { t: Date }) => o.orderDate >= q.t, { t: y(2030) })).toEqual(['Orders_Misc']);
  });

  it('other columns and unreadable query predicates keep every table', () => {
    expect(resolve((o: O) => o.total > 10)).toEqual(['Orders_2023', 'Orders_2024', 'Orders_Old', 'Orders_Misc']);
    expect(resolve((o: O) => o.orderDate.getUTCFullYear() === 2024)).toEqual(['Orders_2023', 'Orders_2024', 'Orders_Old', 'Orders_Misc']);
  });

  it('a region predicate prunes tables whose predicate constrains region', () => {
    const byRegion = entityModel({
      properties: { id: 'int', region: 'string' },
      sharding: {
        strategy: 'manual',
        tables: [
          { id: 'T_EU', table: { name: 'T_EU' }, predicate: bound((o: O) => o.region === 'EU') },
          { id: 'T_Rest', table: { name: 'T_Rest' }, predicate: bound((o: O) => o.region !== 'EU') },
        ],
      },
    });
    const r = (fn: (o: O) => boolean) => ids(resolveShards(byRegion, none, [bound(fn)]).shards);
    expect(r((o) => o.region === 'EU')).toEqual(['T_EU']);
    expect(r((o) => o.region === 'US')).toEqual(['T_Rest']);
    expect(r((o) => ['EU', 'US'].includes(o.region))).toEqual(['T_EU', 'T_Rest']);
  });
});
