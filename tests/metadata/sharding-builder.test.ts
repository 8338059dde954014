import { describe, expect, it } from 'vitest';
import { applyTablePattern, ShardingBuilder, validateTablePattern } from '../../src/metadata/sharding-builder.js';
import { configError } from './expect-config-error.js';

const value = () => new ShardingBuilder('Customer.shardBy', { strategy: 'value', property: 'region', caseSensitive: true });
const manual = () => new ShardingBuilder('Order.useManualSharding', { strategy: 'manual', tables: [] });

describe('ShardingBuilder', () => {
  it('defaults to tables storage, the default pattern and the default group', () => {
    expect(value().build()).toEqual({
      strategy: 'value',
      property: 'region',
      caseSensitive: true,
      storageMode: 'tables',
      tablePattern: '{Table}_{ShardId}',
      shardGroup: 'default',
    });
    expect(manual().build()).toMatchObject({ strategy: 'manual', storageMode: 'manual' });
  });

  it('chains storage mode, pattern and group', () => {
    const built = value().withStorageMode('databases').withTablePattern('{ShardId}_{Table}').useShardGroup('regions').build();
    expect(built).toMatchObject({ storageMode: 'databases', tablePattern: '{ShardId}_{Table}', shardGroup: 'regions' });
    expect(manual().withStorageMode('manual').build().storageMode).toBe('manual');
  });

  it('refuses storage modes that do not fit the strategy', () => {
    expect(configError(() => value().withStorageMode('manual')).message).toBe(
      "Customer.shardBy.withStorageMode: storage mode 'manual' needs pre-existing tables; use useManualSharding(m => m.addTable(...)) instead of a value strategy.",
    );
    expect(configError(() => manual().withStorageMode('tables')).message).toBe(
      "Order.useManualSharding.withStorageMode: manual sharding maps to the tables given to addTable, so its storage mode is always 'manual'; remove withStorageMode('tables').",
    );
    expect(configError(() => value().withStorageMode('files' as never)).message).toBe(
      "Customer.shardBy.withStorageMode: unknown storage mode 'files'; use 'tables', 'databases' or 'manual'.",
    );
  });

  it('refuses pattern and group on manual sharding', () => {
    expect(configError(() => manual().withTablePattern('{Table}_{ShardId}')).message).toBe(
      'Order.useManualSharding.withTablePattern: manual sharding uses the table names given to addTable; remove withTablePattern.',
    );
    expect(configError(() => manual().useShardGroup('g')).message).toBe(
      'Order.useManualSharding.useShardGroup: manual sharding takes its shards from addTable, not from a shard group; remove useShardGroup.',
    );
  });

  it('refuses a bad group name', () => {
    expect(configError(() => value().useShardGroup('a.b')).path).toBe('Customer.shardBy.useShardGroup');
  });
});

describe('table patterns', () => {
  it('applies placeholders', () => {
    expect(applyTablePattern('{Table}_{ShardId}', 'Orders', '202406')).toBe('Orders_202406');
    expect(applyTablePattern('s{ShardId}_{Table}_x', 'Orders', 'EU')).toBe('sEU_Orders_x');
  });

  it('refuses patterns without {ShardId}, with unknown placeholders or unsafe characters', () => {
    expect(configError(() => validateTablePattern('{Table}', 'p')).message).toBe(
      "p: table pattern '{Table}' has no {ShardId}, so every shard would share one table; include {ShardId} (e.g. '{Table}_{ShardId}').",
    );
    expect(configError(() => validateTablePattern('{Table}_{Shard}', 'p')).message).toBe(
      "p: unknown placeholder '{Shard}' in table pattern '{Table}_{Shard}'; use {Table} and {ShardId}.",
    );
    expect(configError(() => validateTablePattern('{Table}-{ShardId}', 'p')).message).toBe(
      "p: table pattern '{Table}-{ShardId}' has characters other than letters, digits and underscore outside its placeholders; remove them.",
    );
    expect(configError(() => validateTablePattern('{Table}_{ShardId}}', 'p')).message).toContain('outside its placeholders');
  });
});
