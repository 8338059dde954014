import { afterEach, describe, expect, it, vi } from 'vitest';
import { runShardCommands, type ShardCommand } from '../../src/execution/run-shard-commands.js';
import { DtdeShardError } from '../../src/errors/dtde-shard-error.js';
import { DtdeTimeoutError } from '../../src/errors/dtde-timeout-error.js';
import { DtdeConfigurationError } from '../../src/errors/dtde-configuration-error.js';
import { collect, deferred, fakeShard, flush, ShardLog, type Deferred } from './fake-shards.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('runShardCommands: bounded parallelism', () => {
  it('never has more than maxParallel commands in flight (interleave)', async () => {
    const log = new ShardLog();
    const ends: Deferred[] = Array.from({ length: 10 }, () => deferred());
    const commands = ends.map((end, i) => fakeShard(log, `s${i}`, [{ i }], { end: end.promise }));
    const run = runShardCommands(commands, { maxParallel: 3 });
    const rows = collect(run.interleaved);

    await flush();
    expect(log.started).toEqual(['s0', 's1', 's2']);
    expect(log.inFlight).toBe(3);
    // Finish commands out of order; each completion admits exactly one more.
    for (const i of [1, 0, 2, 4, 3, 5, 9, 8, 7, 6]) {
      ends[i].resolve();
      await flush();
      expect(log.inFlight).toBeLessThanOrEqual(3);
    }
    expect((await rows).map((r) => r.row)).toHaveLength(10);
    expect(log.maxInFlight).toBe(3);
    expect(log.started).toHaveLength(10);
    await run.close();
  });

  it('merge access with more shards than slots drains the extra shards and still serves every head', async () => {
    const log = new ShardLog();
    const commands = Array.from({ length: 7 }, (_, s) =>
      fakeShard(
        log,
        `s${s}`,
        Array.from({ length: 50 }, (_, i) => i * 7 + s),
      ),
    );
    for (const maxParallel of [1, 2, 3]) {
      log.maxInFlight = 0;
      const run = runShardCommands(commands, { maxParallel, access: 'merge', highWaterMark: 2 });
      // Read round-robin, as a k-way merge does: it needs one head from every stream.
      const iterators = run.streams.map((s) => s[Symbol.asyncIterator]());
      const got: number[] = [];
      for (let round = 0; round < 50; round++) {
        for (const it of iterators) got.push((await it.next()).value as number);
      }
      expect(got).toEqual(Array.from({ length: 350 }, (_, i) => i));
      expect(log.maxInFlight).toBeLessThanOrEqual(maxParallel);
      await run.close();
    }
  });

  it('reads ahead no more than the high-water mark', async () => {
    let produced = 0;
    let closed = false;
    const command: ShardCommand<number> = {
      shardId: 'a',
      sql: 'SELECT 1',
      run: () =>
        (async function* () {
          try {
            for (let i = 0; i < 100; i++) {
              produced++;
              yield i;
            }
          } finally {
            closed = true;
          }
        })(),
    };
    const run = runShardCommands([command], { maxParallel: 1, highWaterMark: 4 });
    const it = run.interleaved[Symbol.asyncIterator]();
    await it.next();
    await flush();
    expect(produced).toBeLessThanOrEqual(1 + 4 + 1); // the row read, the queue, one pending pull
    await run.close();
    expect(closed).toBe(true);
  });

  it('runs nothing for zero commands and validates its options', async () => {
    expect(await collect(runShardCommands([], { maxParallel: 2 }).interleaved)).toEqual([]);
    expect(() => runShardCommands([], { maxParallel: 0 })).toThrow(DtdeConfigurationError);
    expect(() => runShardCommands([], { maxParallel: 1, timeoutMs: -1 })).toThrow(DtdeConfigurationError);
  });
});

describe('runShardCommands: failure and cancellation', () => {
  it('turns the first failure into DtdeShardError and cancels and closes the others', async () => {
    const log = new ShardLog();
    const never = deferred();
    const cause = new Error('no such table: T_B');
    const commands = [
      fakeShard(log, 'g::A', [{ v: 1 }], { end: never.promise }),
      fakeShard(log, 'g::B', [{ v: 2 }], { failAt: 1, error: cause }),
      fakeShard(log, 'g::C', [{ v: 3 }, { v: 4 }], { before: (i) => (i === 1 ? never.promise : undefined) }),
    ];
    const run = runShardCommands(commands, { maxParallel: 3 });
    const error = await collect(run.interleaved).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeShardError);
    const shardError = error as DtdeShardError;
    expect(shardError.shardId).toBe('g::B');
    expect(shardError.sql).toBe('SELECT * FROM "T_g::B"');
    expect(shardError.cause).toBe(cause);
    expect(shardError.message).toContain("'g::B'");
    await run.close();
    expect(log.signals.get('g::A')!.aborted).toBe(true);
    expect(log.signals.get('g::C')!.aborted).toBe(true);
    expect([...log.closed].sort()).toEqual(['g::A', 'g::B', 'g::C']);
    expect(log.inFlight).toBe(0);
  });

  it('does not start queued commands after a failure', async () => {
    const log = new ShardLog();
    const commands = [
      fakeShard(log, 'a', [], { failAt: 0, error: new Error('boom') }),
      fakeShard(log, 'b', [{ v: 1 }]),
      fakeShard(log, 'c', [{ v: 1 }]),
    ];
    const run = runShardCommands(commands, { maxParallel: 1 });
    await expect(collect(run.interleaved)).rejects.toBeInstanceOf(DtdeShardError);
    await run.close();
    expect(log.started).toEqual(['a']);
  });

  it('rejects with the abort reason when the user aborts, and closes every command', async () => {
    const log = new ShardLog();
    const never = deferred();
    const controller = new AbortController();
    const commands = [fakeShard(log, 'a', [{ v: 1 }], { end: never.promise }), fakeShard(log, 'b', [], { end: never.promise })];
    const run = runShardCommands(commands, { maxParallel: 2, signal: controller.signal });
    const rows = collect(run.interleaved);
    await flush();
    controller.abort();
    const error = await rows.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(error).toBe(controller.signal.reason);
    await run.close();
    expect([...log.closed].sort()).toEqual(['a', 'b']);
  });

  it('rejects at once for an already aborted signal without starting anything', async () => {
    const log = new ShardLog();
    const reason = new Error('user went away');
    const run = runShardCommands([fakeShard(log, 'a', [{ v: 1 }])], {
      maxParallel: 1,
      signal: AbortSignal.abort(reason),
    });
    await expect(collect(run.interleaved)).rejects.toBe(reason);
    expect(log.started).toEqual([]);
  });

  it('fails with DtdeTimeoutError after timeoutMs and cancels everything', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const log = new ShardLog();
    const never = deferred();
    const commands = [
      fakeShard(log, 'a', [{ v: 1 }], { end: never.promise }),
      fakeShard(log, 'fast', [{ v: 2 }]),
      fakeShard(log, 'b', [], { end: never.promise }),
      fakeShard(log, 'c', []),
    ];
    const run = runShardCommands(commands, { maxParallel: 2, timeoutMs: 5_000 });
    const rows = collect(run.interleaved);
    await flush();
    vi.advanceTimersByTime(5_000);
    const error = await rows.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeTimeoutError);
    expect((error as DtdeTimeoutError).timeoutMs).toBe(5_000);
    // Named: the commands still running; 'fast' had ended, 'c' had not started.
    expect((error as DtdeTimeoutError).shardId).toBe('a');
    expect((error as DtdeTimeoutError).shards.map((s) => s.shardId)).toEqual(['a', 'b']);
    expect((error as Error).message).toContain(
      "while shards 'a', 'b' were still running; their commands were cancelled. 1 more shard command had not started. Find why those shards are slow",
    );
    await run.close();
    expect(log.signals.get('a')!.aborted).toBe(true);
    expect([...log.closed].sort()).toEqual(['a', 'b', 'fast']);
    expect(log.started).not.toContain('c');
  });

  it('a stream the consumer returns early is cancelled alone, without failing the run', async () => {
    const log = new ShardLog();
    const never = deferred();
    const commands = [fakeShard(log, 'a', [1, 2], { before: (i) => (i === 1 ? never.promise : undefined) }), fakeShard(log, 'b', [3, 4])];
    const run = runShardCommands(commands, { maxParallel: 2, access: 'merge' });
    const [a, b] = run.streams.map((s) => s[Symbol.asyncIterator]());
    expect((await a.next()).value).toBe(1);
    await flush(); // shard a is now blocked inside its next()
    await a.return!();
    expect(await collect({ [Symbol.asyncIterator]: () => b })).toEqual([3, 4]);
    await run.close();
    expect(log.signals.get('a')!.aborted).toBe(true);
    expect(log.signals.get('b')!.aborted).toBe(false);
    expect([...log.closed].sort()).toEqual(['a', 'b']);
  });

  it('close() before the end aborts running commands and runs their finally blocks', async () => {
    const log = new ShardLog();
    const commands = Array.from({ length: 4 }, (_, i) =>
      fakeShard(
        log,
        `s${i}`,
        Array.from({ length: 1000 }, (_, j) => j),
      ),
    );
    const run = runShardCommands(commands, { maxParallel: 2 });
    for await (const _ of run.interleaved) break; // return() closes the run
    expect([...log.closed].sort()).toEqual(['s0', 's1']);
    expect(log.started).toEqual(['s0', 's1']);
    expect(log.inFlight).toBe(0);
  });
});
