import { describe, expect, it } from 'vitest';
import {
  formatTableName,
  parseQualifiedTableName,
  shardTableSuffix,
  validateGroupName,
  validateIdentifier,
  validateShardId,
} from '../../src/metadata/identifier.js';
import { configError } from './expect-config-error.js';

describe('validateIdentifier', () => {
  it('accepts letters, digits and underscore', () => {
    expect(validateIdentifier('Orders_2024', 'table name', 'Order.toTable')).toBe('Orders_2024');
    expect(validateIdentifier('_x9', 'column name', 'Order.x')).toBe('_x9');
  });

  it.each(['Orders; DROP TABLE x', 'Or"ders', 'Orders-1', 'dbo.Orders', '', 'Ünïcode', 'a b'])('refuses %j naming it', (bad) => {
    const error = configError(() => validateIdentifier(bad, 'table name', 'Order.toTable'));
    expect(error.message).toBe(
      `Order.toTable: table name '${bad}' is not a safe SQL identifier; use only ASCII letters, digits and underscore.`,
    );
    expect(error.path).toBe('Order.toTable');
  });

  it('refuses names over the limit (128 by default, configurable)', () => {
    expect(validateIdentifier('a'.repeat(128), 'table name', 'p')).toHaveLength(128);
    expect(configError(() => validateIdentifier('a'.repeat(129), 'table name', 'p')).message).toBe(
      `p: table name '${'a'.repeat(129)}' is 129 characters long, over the limit of 128; choose a shorter name.`,
    );
    expect(configError(() => validateIdentifier('abcdef', 'column name', 'p', 5)).message).toBe(
      "p: column name 'abcdef' is 6 characters long, over the limit of 5; choose a shorter name.",
    );
  });

  it('refuses a non-string, saying what it got', () => {
    expect(configError(() => validateIdentifier(42 as unknown as string, 'table name', 'p')).message).toBe(
      'p: table name 42 (number) is not a safe SQL identifier; use only ASCII letters, digits and underscore.',
    );
  });
});

describe('shard ids and suffixes', () => {
  it('removes unsafe characters from the table suffix', () => {
    expect(shardTableSuffix('2024Q2')).toBe('2024Q2');
    expect(shardTableSuffix('2024-06')).toBe('202406');
    expect(shardTableSuffix('2024-06-15')).toBe('20240615');
    expect(shardTableSuffix('eu.west_1')).toBe('euwest_1');
  });

  it('accepts ids with - and .', () => {
    expect(validateShardId('2024-06', 'shards.2024-06')).toBe('2024-06');
    expect(validateShardId('eu.west', 'shards.eu.west')).toBe('eu.west');
  });

  it('refuses ids with other characters, naming them', () => {
    const error = configError(() => validateShardId('eu west', 'shards.eu west'));
    expect(error.message).toBe(
      "shards.eu west: shard id 'eu west' is not allowed; use ASCII letters, digits, '_', '-' or '.' (e.g. 'EU', '2024Q2', '2024-06').",
    );
    expect(configError(() => validateShardId('a::b', 'p')).message).toContain("shard id 'a::b' is not allowed");
    expect(configError(() => validateShardId('', 'p')).message).toContain("shard id '' is not allowed");
  });

  it('refuses an id that sanitises to an empty suffix', () => {
    expect(configError(() => validateShardId('--', 'shards.--')).message).toBe(
      "shards.--: shard id '--' has no letter, digit or underscore left for its table suffix; give it at least one.",
    );
  });

  it('validates group names', () => {
    expect(validateGroupName('years-2', 'p')).toBe('years-2');
    expect(configError(() => validateGroupName('a::b', 'shards.a::b')).message).toBe(
      "shards.a::b: shard group name 'a::b' is not allowed; use ASCII letters, digits, '_' or '-'.",
    );
  });
});

describe('parseQualifiedTableName', () => {
  it('splits schema and table', () => {
    expect(parseQualifiedTableName('dbo.Orders_2023', 'p')).toEqual({ schema: 'dbo', name: 'Orders_2023' });
    expect(parseQualifiedTableName('Orders_2023', 'p')).toEqual({ name: 'Orders_2023' });
    expect(formatTableName({ schema: 'dbo', name: 'Orders' })).toBe('dbo.Orders');
    expect(formatTableName({ name: 'Orders' })).toBe('Orders');
  });

  it('refuses three parts and unsafe parts', () => {
    expect(configError(() => parseQualifiedTableName('a.b.c', 'p')).message).toBe(
      "p: table name 'a.b.c' has more than one '.'; write 'schema.table' or 'table'.",
    );
    expect(configError(() => parseQualifiedTableName('d-bo.Orders', 'p')).message).toContain("schema name 'd-bo'");
    expect(configError(() => parseQualifiedTableName('dbo.Or ders', 'p')).message).toContain("table name 'Or ders'");
  });
});
