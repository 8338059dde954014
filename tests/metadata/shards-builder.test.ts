import { describe, expect, it } from 'vitest';
import { DEFAULT_SHARD_GROUP } from '../../src/metadata/model.js';
import { buildShardLayout, ShardsBuilder } from '../../src/metadata/shards-builder.js';
import { configError } from './expect-config-error.js';

describe('ShardsBuilder', () => {
  it('declares shards of the default group with their placement', () => {
    const layout = buildShardLayout((s) =>
      s
        .addShard('EU')
        .addShards('US', 'APAC')
        .addShard('X', { file: 'x.db' })
        .addTableShardInDatabase('Y', { server: 'sql2', database: 'shop' }),
    );
    expect([...layout.groups.keys()]).toEqual([DEFAULT_SHARD_GROUP]);
    expect(layout.groups.get(DEFAULT_SHARD_GROUP)).toEqual([
      { id: 'EU', group: 'default', qualifiedId: 'EU', placement: 'table', connection: null, readOnly: false },
      { id: 'US', group: 'default', qualifiedId: 'US', placement: 'table', connection: null, readOnly: false },
      { id: 'APAC', group: 'default', qualifiedId: 'APAC', placement: 'table', connection: null, readOnly: false },
      { id: 'X', group: 'default', qualifiedId: 'X', placement: 'database', connection: { file: 'x.db' }, readOnly: false },
      {
        id: 'Y',
        group: 'default',
        qualifiedId: 'Y',
        placement: 'tableInDatabase',
        connection: { server: 'sql2', database: 'shop' },
        readOnly: false,
      },
    ]);
  });

  it('names shards of a group group::id, and keeps groups apart', () => {
    const layout = buildShardLayout((s) =>
      s.addShard('2024').addShardGroup('years', (g) => g.addShards('2024', '2025').addShard('2026', { file: 'y.db' })),
    );
    expect(layout.groups.get('default')!.map((x) => x.qualifiedId)).toEqual(['2024']);
    expect(layout.groups.get('years')!.map((x) => x.qualifiedId)).toEqual(['years::2024', 'years::2025', 'years::2026']);
    expect(layout.groups.get('years')![2]).toMatchObject({ group: 'years', placement: 'database', connection: { file: 'y.db' } });
  });

  it('has an empty default group when nothing is declared', () => {
    expect(buildShardLayout().groups.get(DEFAULT_SHARD_GROUP)).toEqual([]);
    expect(new ShardsBuilder().build().groups.size).toBe(1);
  });

  it('readOnly() marks what the previous call added', () => {
    const layout = buildShardLayout((s) =>
      s
        .addShard('A')
        .readOnly()
        .addShards('B', 'C')
        .readOnly()
        .addShard('D')
        .addTableShardInDatabase('E', { file: 'e.db' })
        .readOnly()
        .addShardGroup('old', (g) => g.addShards('2019', '2020'))
        .readOnly()
        .addShardGroup('years', (g) => g.addShards('2021').readOnly().addShard('2022')),
    );
    const readOnly = (group: string) =>
      layout.groups
        .get(group)!
        .filter((s) => s.readOnly)
        .map((s) => s.id);
    expect(readOnly('default')).toEqual(['A', 'B', 'C', 'E']);
    expect(readOnly('old')).toEqual(['2019', '2020']);
    expect(readOnly('years')).toEqual(['2021']);
  });

  it('refuses readOnly() with nothing before it', () => {
    expect(configError(() => new ShardsBuilder().readOnly()).message).toBe(
      'shards.readOnly(): nothing to mark; call readOnly() right after addShard, addShards or addTableShardInDatabase.',
    );
    const inGroup = configError(() => new ShardsBuilder().addShardGroup('g', (g) => g.readOnly()));
    expect(inGroup.message).toContain('shards.g.readOnly(): nothing to mark');
    expect(inGroup.path).toBe('shards.g.readOnly');
  });

  it('refuses a duplicate id in a group, but not across groups', () => {
    const error = configError(() => new ShardsBuilder().addShards('EU', 'US').addShard('EU'));
    expect(error.message).toBe("shards.EU: shard 'EU' is declared twice in the default shard group; remove one declaration.");
    expect(error.path).toBe('shards.EU');
    expect(configError(() => new ShardsBuilder().addShardGroup('g', (g) => g.addShards('1', '1'))).message).toBe(
      "shards.g.1: shard '1' is declared twice in shard group 'g'; remove one declaration.",
    );
    expect(() => new ShardsBuilder().addShard('EU').addShardGroup('g', (g) => g.addShard('EU'))).not.toThrow();
  });

  it('refuses ids whose table suffixes collide (unsafe characters removed, case ignored)', () => {
    expect(configError(() => new ShardsBuilder().addShards('2024-06', '202406')).message).toBe(
      "shards.202406: shard '202406' would use the same table suffix '202406' as shard '2024-06' in the default shard group " +
        '(unsafe characters are removed and case is ignored); rename one of them.',
    );
    expect(configError(() => new ShardsBuilder().addShards('eu', 'EU')).message).toContain("as shard 'eu'");
  });

  it('refuses bad ids, empty suffixes and bad connections', () => {
    expect(configError(() => new ShardsBuilder().addShard('e u')).message).toContain("shard id 'e u' is not allowed");
    expect(configError(() => new ShardsBuilder().addShard('..')).message).toContain(
      "shard id '..' has no letter, digit or underscore left",
    );
    expect(configError(() => new ShardsBuilder().addShard('X', null as never)).message).toBe(
      "shards.X: the connection must be an object in the provider's terms (e.g. { file: 'eu.db' }), got null.",
    );
    expect(configError(() => new ShardsBuilder().addTableShardInDatabase('X', 'x.db' as never)).message).toContain('got string');
    expect(configError(() => new ShardsBuilder().addShard('X', [] as never)).message).toContain('got an array');
  });

  it('refuses group names that are reserved, duplicated or unsafe', () => {
    expect(configError(() => new ShardsBuilder().addShardGroup('default', () => {})).message).toBe(
      "shards.default: 'default' is the name of the default group; declare its shards with addShard/addShards directly, or pick another group name.",
    );
    expect(configError(() => new ShardsBuilder().addShardGroup('g', () => {}).addShardGroup('g', () => {})).message).toBe(
      "shards.g: shard group 'g' is declared twice; declare all its shards in one addShardGroup call.",
    );
    expect(configError(() => new ShardsBuilder().addShardGroup('a b', () => {})).message).toContain(
      "shard group name 'a b' is not allowed",
    );
  });

  it('copies and freezes connections and shards', () => {
    const connection = { file: 'x.db' };
    const layout = buildShardLayout((s) => s.addShard('X', connection));
    connection.file = 'moved.db';
    const shard = layout.groups.get('default')![0]!;
    expect(shard.connection).toEqual({ file: 'x.db' });
    expect(Object.isFrozen(shard)).toBe(true);
    expect(Object.isFrozen(shard.connection)).toBe(true);
  });
});
