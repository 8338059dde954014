import { describe, expect, it } from 'vitest';
import type { EntityModel, ShardingModel } from '../../src/metadata/model.js';
import { entityShards, shardTarget, shardTargets } from '../../src/metadata/shard-targets.js';
import { buildShardLayout } from '../../src/metadata/shards-builder.js';
import { Customer } from '../support/shop-model.js';
import { configError } from './expect-config-error.js';

// Hand-built models keep these tests about placement only (the builders have their own tests).
function entity(sharding: Partial<ShardingModel> | null, schema?: string): EntityModel {
  const id = { name: 'id', column: 'id', type: { kind: 'int' }, nullable: false, generated: false } as const;
  const base = {
    storageMode: 'tables',
    tablePattern: '{Table}_{ShardId}',
    shardGroup: 'default',
    strategy: 'value',
    property: 'region',
    caseSensitive: true,
  };
  return {
    name: 'Customer',
    entity: Customer,
    table: schema === undefined ? { name: 'Customers' } : { name: 'Customers', schema },
    properties: [id],
    propertyByName: new Map([['id', id]]),
    key: ['id'],
    sharding: sharding === null ? null : ({ ...base, ...sharding } as ShardingModel),
    temporal: null,
  };
}

const simple = (targets: ReturnType<typeof shardTargets>) =>
  targets.map((t) => ({ shard: t.shard.qualifiedId, connection: t.connection, table: t.table }));

describe('shardTargets', () => {
  const layout = buildShardLayout((s) =>
    s
      .addShards('EU', '2024-06')
      .addShard('US', { file: 'us.db' })
      .addTableShardInDatabase('APAC', { file: 'apac.db' })
      .addShardGroup('years', (g) => g.addShards('2024Q2')),
  );

  it("'tables' storage: pattern-named tables in each shard's connection", () => {
    expect(simple(shardTargets(entity({}, 'sales'), layout))).toEqual([
      { shard: 'EU', connection: null, table: { name: 'Customers_EU', schema: 'sales' } },
      { shard: '2024-06', connection: null, table: { name: 'Customers_202406', schema: 'sales' } },
      { shard: 'US', connection: { file: 'us.db' }, table: { name: 'Customers_US', schema: 'sales' } },
      { shard: 'APAC', connection: { file: 'apac.db' }, table: { name: 'Customers_APAC', schema: 'sales' } },
    ]);
  });

  it('applies a custom pattern and uses the entity group', () => {
    const e = entity({ tablePattern: 'c{ShardId}_{Table}', shardGroup: 'years' });
    expect(simple(shardTargets(e, layout))).toEqual([{ shard: 'years::2024Q2', connection: null, table: { name: 'c2024Q2_Customers' } }]);
  });

  it("'databases' storage: the entity's own table in each shard's database; addTableShardInDatabase keeps the pattern", () => {
    const dbLayout = buildShardLayout((s) =>
      s.addShard('EU', { file: 'eu.db' }).addShard('US', { file: 'us.db' }).addTableShardInDatabase('APAC', { file: 'apac.db' }),
    );
    expect(simple(shardTargets(entity({ storageMode: 'databases' }), dbLayout))).toEqual([
      { shard: 'EU', connection: { file: 'eu.db' }, table: { name: 'Customers' } },
      { shard: 'US', connection: { file: 'us.db' }, table: { name: 'Customers' } },
      { shard: 'APAC', connection: { file: 'apac.db' }, table: { name: 'Customers_APAC' } },
    ]);
  });

  it("'databases' storage refuses a shard without a connection, naming it", () => {
    const error = configError(() => shardTargets(entity({ storageMode: 'databases' }), layout));
    expect(error.message).toBe(
      "Customer.withStorageMode: Customer stores each shard in its own database, but shard 'EU' has no connection; " +
        "declare it with addShard('EU', connection), or use withStorageMode('tables').",
    );
    expect(error.path).toBe('Customer.withStorageMode');
  });

  it("'manual': one target per table in the context's database, with synthetic shards", () => {
    const predicate = {
      lambda: { kind: 'lambda', parameters: [], body: { kind: 'constant', value: true }, source: '() => true' },
      params: {},
    } as const;
    const e = entity({
      strategy: 'manual',
      storageMode: 'manual',
      tables: [
        { id: 'Orders_2023', table: { schema: 'dbo', name: 'Orders_2023' }, predicate },
        { id: 'Orders_Archive', table: { name: 'Orders_Archive' }, predicate },
      ],
    } as Partial<ShardingModel>);
    const targets = shardTargets(e, layout);
    expect(simple(targets)).toEqual([
      { shard: 'Orders_2023', connection: null, table: { schema: 'dbo', name: 'Orders_2023' } },
      { shard: 'Orders_Archive', connection: null, table: { name: 'Orders_Archive' } },
    ]);
    expect(targets[0]!.shard).toEqual({
      id: 'Orders_2023',
      group: 'default',
      qualifiedId: 'Orders_2023',
      placement: 'table',
      connection: null,
      readOnly: false,
    });
  });

  it('unsharded: one target, its own table, a synthetic shard named after the table', () => {
    const targets = shardTargets(entity(null, 'sales'), layout);
    expect(simple(targets)).toEqual([{ shard: 'Customers', connection: null, table: { name: 'Customers', schema: 'sales' } }]);
    expect(entityShards(entity(null), layout).map((s) => s.id)).toEqual(['Customers']);
  });

  it('is computed once per entity and layout', () => {
    const e = entity({});
    expect(shardTargets(e, layout)).toBe(shardTargets(e, layout));
    expect(Object.isFrozen(shardTargets(e, layout))).toBe(true);
  });

  it('refuses an undeclared group', () => {
    const error = configError(() => shardTargets(entity({ shardGroup: 'months' }), layout));
    expect(error.message).toBe(
      "Customer.useShardGroup: shard group 'months' is not declared; add it to the context options: shards: s => s.addShardGroup('months', g => g.addShards(...)).",
    );
  });

  it('refuses a shard table name over the identifier limit', () => {
    const long = buildShardLayout((s) => s.addShard('x'.repeat(120)));
    const error = configError(() => shardTargets(entity({}), long));
    expect(error.message).toBe(
      `Customer.withTablePattern: shard '${'x'.repeat(120)}' table name 'Customers_${'x'.repeat(120)}' is 130 characters long, over the limit of 128; choose a shorter name.`,
    );
    expect(shardTargets(entity({}), long, { maxIdentifierLength: 200 })).toHaveLength(1);
    expect(configError(() => shardTargets(entity({}), layout, { maxIdentifierLength: 12 })).message).toBe(
      "Customer.withTablePattern: shard '2024-06' table name 'Customers_202406' is 16 characters long, over the limit of 12; choose a shorter name.",
    );
  });

  it('shardTarget finds one shard, and refuses a shard of another entity', () => {
    const e = entity({});
    const us = layout.groups.get('default')![2]!;
    expect(shardTarget(e, layout, us).table).toEqual({ name: 'Customers_US' });
    const other = layout.groups.get('years')![0]!;
    expect(configError(() => shardTarget(e, layout, other)).message).toBe(
      "Customer.shards: shard 'years::2024Q2' is not a shard of Customer; use one of its shardTargets.",
    );
  });
});
