import { describe, expect, it } from 'vitest';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { DtdeRoutingError } from '../../src/errors/dtde-routing-error.js';
import type { ManualShardTable } from '../../src/metadata/model.js';
import { routeEntity } from '../../src/routing/route-entity.js';
import { entityShards } from '../../src/metadata/shard-targets.js';
import { hashBucket } from '../../src/routing/stable-hash.js';
import { bound, entityModel, layout } from './resolve-fixtures.js';

const d = (s: string) => new Date(s);

function routingError(run: () => unknown): DtdeRoutingError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DtdeRoutingError);
    return e as DtdeRoutingError;
  }
  throw new Error('expected a DtdeRoutingError');
}

describe('routeEntity', () => {
  const customers = entityModel({
    name: 'Customer',
    properties: { id: 'int', region: 'string' },
    sharding: { strategy: 'value', property: 'region', caseSensitive: true },
  });
  const regions = layout({ default: ['EU', 'US'] });

  it('value: the shard whose id is the key', () => {
    expect(routeEntity(customers, regions, { id: 1, region: 'US' })).toBe(entityShards(customers, regions)[1]);
  });

  it('value: names the entity, key and existing shards when no shard holds the key (and a shard differing only in case)', () => {
    const e = routingError(() => routeEntity(customers, regions, { id: 1, region: 'eu' }));
    expect(e.message).toBe(
      `Cannot route Customer with region = "eu"; shards that exist: EU, US. The shard 'EU' differs only in case: fix the row's value, or configure shardBy(..., { caseSensitive: false }).`,
    );
    expect(e.entity).toBe('Customer');
    expect(e.keyValue).toBe('eu');
    expect(e.availableShards).toEqual(['EU', 'US']);
    const other = routingError(() => routeEntity(customers, regions, { id: 1, region: 'APAC' }));
    expect(other.message).toBe(
      `Cannot route Customer with region = "APAC"; shards that exist: EU, US. Add a shard 'APAC' to the shard layout, or fix the row.`,
    );
  });

  it('value: a null key is refused with the fix', () => {
    const e = routingError(() => routeEntity(customers, regions, { id: 1, region: null }));
    expect(e.message).toBe(
      'Cannot route Customer with region = null; shards that exist: EU, US. Set Customer.region before saving: the shard key decides where the row lives.',
    );
  });

  it('value and hash: a key of another type than the column is refused', () => {
    expect(routingError(() => routeEntity(customers, regions, { region: 5 })).message).toBe(
      'Cannot route Customer with region = 5, which is not a string value; shards that exist: EU, US. Set Customer.region to a string value, as its column type says.',
    );
    const users = entityModel({
      name: 'User',
      properties: { id: 'int', userId: 'int' },
      sharding: { strategy: 'hash', property: 'userId', shardCount: 1 },
    });
    expect(routingError(() => routeEntity(users, layout({ default: ['h0'] }), { userId: '5' })).message).toMatch(
      /userId = "5", which is not a number value/,
    );
  });

  it('date: a layout with ids that are not ids of the interval is a configuration error', () => {
    const orders = entityModel({
      name: 'Order',
      properties: { id: 'int', orderDate: 'dateTime' },
      sharding: { strategy: 'date', property: 'orderDate', interval: 'year' },
    });
    expect(() => routeEntity(orders, layout({ default: ['2024', 'EU'] }), { orderDate: d('2024-05-01T00:00:00Z') })).toThrowError(
      /Order is sharded by date per year, but shard id\(s\) 'EU' are not year ids/,
    );
  });

  it('value: case-insensitive and numeric keys', () => {
    const ci = entityModel({
      properties: { id: 'int', region: 'string' },
      sharding: { strategy: 'value', property: 'region', caseSensitive: false },
    });
    expect(routeEntity(ci, regions, { region: 'eu' }).id).toBe('EU');
    const l = layout({ t: ['1', '2'] });
    const inGroup = entityModel({
      properties: { id: 'int', tenant: 'int' },
      sharding: { strategy: 'value', property: 'tenant', caseSensitive: true, shardGroup: 't' },
    });
    expect(routeEntity(inGroup, l, { tenant: 2n }).qualifiedId).toBe('t::2');
  });

  it('date: the shard of the key\u2019s interval, half-open in UTC', () => {
    const orders = entityModel({
      name: 'Order',
      properties: { id: 'int', orderDate: 'dateTime' },
      sharding: { strategy: 'date', property: 'orderDate', interval: 'quarter', shardGroup: 'q' },
    });
    const l = layout({ q: ['2024Q1', '2024Q2'] });
    expect(routeEntity(orders, l, { orderDate: d('2024-03-31T23:59:59.999Z') }).qualifiedId).toBe('q::2024Q1');
    expect(routeEntity(orders, l, { orderDate: d('2024-04-01T00:00:00Z') }).qualifiedId).toBe('q::2024Q2');
    const e = routingError(() => routeEntity(orders, l, { orderDate: d('2024-07-01T00:00:00Z') }));
    expect(e.message).toBe(
      "Cannot route Order with orderDate = 2024-07-01T00:00:00.000Z: its quarter shard '2024Q3' does not exist; shards that exist: q::2024Q1, q::2024Q2. Add shard '2024Q3' to group 'q'.",
    );
    expect(routingError(() => routeEntity(orders, l, { orderDate: '2024-04-01' })).message).toMatch(
      /orderDate = "2024-04-01", which is not a valid Date; .* Set Order\.orderDate to a Date\./,
    );
  });

  it('hash: the bucket\u2019s shard in declaration order', () => {
    const users = entityModel({
      name: 'User',
      properties: { id: 'int', userId: 'int' },
      sharding: { strategy: 'hash', property: 'userId', shardCount: 3 },
    });
    const l = layout({ default: ['a', 'b', 'c'] });
    for (const userId of [1, 2, 3, 42, 99]) {
      expect(routeEntity(users, l, { userId }).id).toBe(['a', 'b', 'c'][hashBucket(userId, 3)]);
    }
    expect(routingError(() => routeEntity(users, l, { userId: 1.5 })).message).toMatch(
      /^Cannot route User with userId = 1\.5: Cannot hash shard key 1\.5: it is a number that is not a safe integer\./,
    );
    expect(() => routeEntity(users, layout({ default: ['a'] }), { userId: 1 })).toThrowError(DtdeConfigurationError);
  });

  it('manual: the one table whose predicate admits the row; none or several is an error', () => {
    const y = (n: number) => d(`${n}-01-01T00:00:00Z`);
    const table = (id: string, from: Date, to: Date): ManualShardTable => ({
      id,
      table: { name: id },
      predicate: bound((o: { orderDate: Date }, p: { from: Date; to: Date }) => o.orderDate >= p.from && o.orderDate < p.to, { from, to }),
    });
    const orders = entityModel({
      name: 'Order',
      properties: { id: 'int', orderDate: 'dateTime' },
      sharding: {
        strategy: 'manual',
        tables: [
          table('Orders_2023', y(2023), y(2024)),
          table('Orders_2024', y(2024), y(2025)),
          table('Orders_Overlap', d('2024-06-01T00:00:00Z'), y(2026)),
        ],
      },
    });
    const l = layout({});
    expect(routeEntity(orders, l, { orderDate: d('2023-05-01T00:00:00Z') }).id).toBe('Orders_2023');
    expect(routingError(() => routeEntity(orders, l, { orderDate: y(2022) })).message).toBe(
      "Cannot route Order with orderDate = 2022-01-01T00:00:00.000Z: no manual table's predicate admits it; shards that exist: Orders_2023, Orders_2024, Orders_Overlap. Add a table for these values with addTable(...), or fix the row.",
    );
    expect(routingError(() => routeEntity(orders, l, { orderDate: d('2024-07-01T00:00:00Z') })).message).toBe(
      "Cannot route Order with orderDate = 2024-07-01T00:00:00.000Z: the predicates of Orders_2024 and Orders_Overlap all admit it; shards that exist: Orders_2023, Orders_2024, Orders_Overlap. Make the manual tables' predicates disjoint.",
    );
  });

  it('unsharded: the single shard', () => {
    const e = entityModel({ properties: { id: 'int' }, sharding: null });
    expect(routeEntity(e, regions, { id: 1 })).toBe(entityShards(e, regions)[0]);
  });
});
