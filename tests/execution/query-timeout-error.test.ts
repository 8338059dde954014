import { describe, expect, it } from 'vitest';
import { DtdeTimeoutError } from '../../src/errors/dtde-timeout-error.js';
import { queryTimeoutError } from '../../src/execution/query-timeout-error.js';

const at = (table: string, database?: string) => () => ({ table, ...(database === undefined ? {} : { database }) });

describe('queryTimeoutError', () => {
  it('names one slow shard with its table and database, and keeps timeoutMs', () => {
    const error = queryTimeoutError(400, [
      { shardId: 'years::2023', sql: 'SELECT 1', locate: at('"Orders"', 'postgres://db2:5432/shop_2023') },
    ]);
    expect(error).toBeInstanceOf(DtdeTimeoutError);
    expect(error).toMatchObject({ code: 'DTDE_TIMEOUT', timeoutMs: 400, shardId: 'years::2023' });
    expect(error.shards).toEqual([
      { shardId: 'years::2023', sql: 'SELECT 1', table: '"Orders"', database: 'postgres://db2:5432/shop_2023' },
    ]);
    expect(error.message).toBe(
      `The query ran longer than its timeout of 400 ms while shard 'years::2023' (table "Orders" in database postgres://db2:5432/shop_2023) ` +
        'was still running; its command was cancelled. Find why the shard is slow (see error.shards), raise queryTimeoutMs, ' +
        'or narrow the query (filter on the shard key, add take).',
    );
  });

  it('names at most five shards in the message and every one in shards; counts those not started', () => {
    const running = Array.from({ length: 7 }, (_, i) => ({ shardId: `s${i}`, sql: 'SELECT 1', locate: at(`"T${i}"`) }));
    const error = queryTimeoutError(50, running, 2);
    expect(error.shards.map((s) => s.shardId)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
    expect(error.shards[6]).toEqual({ shardId: 's6', sql: 'SELECT 1', table: '"T6"' });
    expect(error.message).toContain(
      `while shards 's0' (table "T0"), 's1' (table "T1"), 's2' (table "T2"), 's3' (table "T3"), 's4' (table "T4") and 2 more ` +
        '(see error.shards) were still running; their commands were cancelled. 2 more shard commands had not started.',
    );
  });

  it('says so when no shard command was running: the time went to reading the results', () => {
    const error = queryTimeoutError(50, []);
    expect(error.shardId).toBeUndefined();
    expect(error.shards).toEqual([]);
    expect(error.message).toBe(
      'The query ran longer than its timeout of 50 ms after its shard commands had finished (the time went to reading their results) ' +
        'and was cancelled. Raise queryTimeoutMs or read the results faster.',
    );
  });
});
