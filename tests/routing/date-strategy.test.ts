import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { resolveShards } from '../../src/routing/resolve-shards.js';
import { bound, entityModel, ids, layout } from './resolve-fixtures.js';

interface O {
  orderDate: Date;
  total: number;
}

const d = (s: string) => new Date(s);
const orders = (interval: 'year' | 'quarter' | 'month' | 'day') =>
  entityModel({
    name: 'Order',
    properties: { id: 'int', orderDate: 'dateTime', total: 'decimal' },
    sharding: { strategy: 'date', property: 'orderDate', interval },
  });
const years = layout({ default: ['2023', '2024', '2025'] });
const resolve = (fn: Function, params: Record<string, unknown> = {}, entity = orders('year'), l = years) =>
  ids(resolveShards(entity, l, [bound(fn, params)]).shards);

describe('date strategy', () => {
  it('a range inside one year selects that year only', () => {
    const p = { from: d('2024-03-01T00:00:00Z'), to: d('2024-09-01T00:00:00Z') };
    expect(resolve((o: O, q: typeof p) => o.orderDate >= q.from && o.orderDate < q.to, p)).toEqual(['2024']);
  });

  it('intervals are half-open: the first instant of a year belongs to that year only', () => {
    const b = { t: d('2025-01-01T00:00:00Z') };
    expect(resolve((o: O, q: typeof b) => o.orderDate < q.t, b)).toEqual(['2023', '2024']);
    expect(resolve((o: O, q: typeof b) => o.orderDate <= q.t, b)).toEqual(['2023', '2024', '2025']);
    expect(resolve((o: O, q: typeof b) => o.orderDate >= q.t, b)).toEqual(['2025']);
    expect(resolve((o: O, q: typeof b) => o.orderDate === q.t, b)).toEqual(['2025']);
    expect(resolve((o: O, q: typeof b) => q.t > o.orderDate, b)).toEqual(['2023', '2024']);
  });

  it('IN, || and ! combine per interval', () => {
    const p = { a: d('2023-05-05T00:00:00Z'), b: d('2025-05-05T00:00:00Z') };
    expect(resolve((o: O, q: typeof p) => [q.a, q.b].includes(o.orderDate), p)).toEqual(['2023', '2025']);
    expect(resolve((o: O, q: typeof p) => o.orderDate < q.a || o.orderDate > q.b, p)).toEqual(['2023', '2025']);
    expect(resolve((o: O, q: typeof p) => !(o.orderDate >= q.a), p)).toEqual(['2023']);
    // Excluding one instant cannot empty a year.
    expect(resolve((o: O, q: typeof p) => o.orderDate !== q.a, p)).toEqual(['2023', '2024', '2025']);
  });

  it('other columns, ISO strings and unsupported shapes fan out', () => {
    expect(resolve((o: O) => o.total > 5)).toEqual(['2023', '2024', '2025']);
    expect(resolve((o: O, q: { s: string }) => o.orderDate >= (q.s as unknown as Date), { s: '2025-01-01' })).toEqual([
      '2023',
      '2024',
      '2025',
    ]);
    expect(resolve((o: O) => o.orderDate.getUTCFullYear() === 2024)).toEqual(['2023', '2024', '2025']);
  });

  it('works for quarter, month and day shards', () => {
    const p = { from: d('2024-05-10T00:00:00Z'), to: d('2024-07-02T00:00:00Z') };
    const f = (o: O, q: typeof p) => o.orderDate >= q.from && o.orderDate < q.to;
    expect(resolve(f, p, orders('quarter'), layout({ default: ['2024Q1', '2024Q2', '2024Q3', '2024Q4'] }))).toEqual(['2024Q2', '2024Q3']);
    expect(resolve(f, p, orders('month'), layout({ default: ['2024-04', '2024-05', '2024-06', '2024-07', '2024-08'] }))).toEqual([
      '2024-05',
      '2024-06',
      '2024-07',
    ]);
    expect(resolve(f, p, orders('day'), layout({ default: ['2024-05-09', '2024-05-10', '2024-07-01', '2024-07-02'] }))).toEqual([
      '2024-05-10',
      '2024-07-01',
    ]);
  });

  it('uses the shards of its group', () => {
    const e = entityModel({
      properties: { id: 'int', orderDate: 'dateTime' },
      sharding: { strategy: 'date', property: 'orderDate', interval: 'year', shardGroup: 'years' },
    });
    const l = layout({ default: ['EU', 'US'], years: ['2024', '2025'] });
    expect(resolve((o: O, q: { t: Date }) => o.orderDate >= q.t, { t: d('2025-02-01T00:00:00Z') }, e, l)).toEqual(['years::2025']);
  });

  it('refuses shard ids that are not ids of the interval, naming them', () => {
    const l = layout({ default: ['2024', '2024-06', 'EU'] });
    const run = () => resolve((o: O) => o.total > 1, {}, orders('year'), l);
    expect(run).toThrowError(DtdeConfigurationError);
    expect(run).toThrowError(
      "Order is sharded by date per year, but shard id(s) '2024-06', 'EU' are not year ids (expected '2024'). " +
        'Rename the shards, or give Order its own shard group with useShardGroup(...).',
    );
  });
});
