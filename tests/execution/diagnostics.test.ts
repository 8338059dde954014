import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import {
  QUERY_DONE_CHANNEL,
  QUERY_PLAN_CHANNEL,
  QUERY_SHARD_CHANNEL,
  queryShardChannel,
  type QueryDoneMessage,
  type QueryPlanMessage,
  type QueryShardMessage,
} from '../../src/execution/diagnostics.js';
import { mergeRows } from '../../src/execution/merge-rows.js';
import { mergeValue } from '../../src/execution/merge-value.js';
import { collect, fakeShard, ShardLog } from './fake-shards.js';

const unsubscribers: (() => void)[] = [];
afterEach(() => {
  for (const u of unsubscribers.splice(0)) u();
});

function listen<T>(name: string): T[] {
  const messages: T[] = [];
  const handler = (m: unknown): void => void messages.push(m as T);
  diagnosticsChannel.subscribe(name, handler);
  unsubscribers.push(() => diagnosticsChannel.unsubscribe(name, handler));
  return messages;
}

describe('diagnostics', () => {
  it('publishes the plan, one event per shard command, and the end of the query', async () => {
    const plans = listen<QueryPlanMessage>(QUERY_PLAN_CHANNEL);
    const shards = listen<QueryShardMessage>(QUERY_SHARD_CHANNEL);
    const done = listen<QueryDoneMessage>(QUERY_DONE_CHANNEL);
    const log = new ShardLog();
    const commands = [fakeShard(log, 'years::2024', [{ v: 1 }, { v: 3 }]), fakeShard(log, 'years::2025', [{ v: 2 }])];
    const plan = { kind: 'ordered', keys: [{ field: 'v', descending: false }] } as const;
    await collect(mergeRows(plan, commands, { maxParallel: 2, entity: 'Order' }));

    expect(plans).toEqual([{ entity: 'Order', shardIds: ['years::2024', 'years::2025'] }]);
    expect(shards.map((s) => [s.shardId, s.sql, s.rowCount]).sort()).toEqual([
      ['years::2024', 'SELECT * FROM "T_years::2024"', 2],
      ['years::2025', 'SELECT * FROM "T_years::2025"', 1],
    ]);
    expect(shards.every((s) => typeof s.durationMs === 'number' && s.error === undefined)).toBe(true);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ entity: 'Order', rowCount: 3 });
  });

  it('reports the failing shard with its error, and the failed query', async () => {
    const shards = listen<QueryShardMessage>(QUERY_SHARD_CHANNEL);
    const done = listen<QueryDoneMessage>(QUERY_DONE_CHANNEL);
    const log = new ShardLog();
    const cause = new Error('disk I/O error');
    const commands = [fakeShard(log, 'EU', [], { failAt: 0, error: cause }), fakeShard(log, 'US', [{ n: 1 }])];
    await expect(
      mergeValue({ kind: 'aggregate', op: 'count', countField: 'n' }, commands, { maxParallel: 1, entity: 'Customer' }),
    ).rejects.toThrow("'EU'");
    expect(shards).toHaveLength(1);
    expect(shards[0]).toMatchObject({ shardId: 'EU', rowCount: 0, error: cause });
    expect(done[0]!.error).toMatchObject({ code: 'DTDE_SHARD', shardId: 'EU' });
  });

  it('costs nothing when nobody listens', () => {
    expect(queryShardChannel.hasSubscribers).toBe(false);
  });
});
