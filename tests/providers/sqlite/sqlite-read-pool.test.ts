import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteReadPool, type SqliteLease } from '../../../src/providers/sqlite/sqlite-read-pool.js';
import { createStatementCacheStats } from '../../../src/providers/sqlite/statement-cache.js';
import { seedNumbers, useSqliteFolder } from './sqlite-test-folder.js';

const sqliteFolder = useSqliteFolder();

/** A pool over `pool.db` in the test's folder, created on first use (several pools may share it). */
function openPool(size: number): SqliteReadPool {
  const file = path.join(sqliteFolder.folder(), 'pool.db');
  if (!existsSync(file)) seedNumbers(file, 3);
  return new SqliteReadPool(file, {
    size,
    acquireTimeoutMs: 10_000,
    idleTimeoutMs: 30_000,
    busyTimeoutMs: 100,
    statementCacheSize: 10,
    stats: createStatementCacheStats(),
  });
}

async function microtasks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await Promise.resolve();
}

/** A leaked connection makes `destroy()` wait forever; 5 s is a bound on that, not a speed check. */
async function expectDestroySettles(pool: SqliteReadPool): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still pending'), 5_000)));
  try {
    expect(await Promise.race([pool.destroy().then(() => 'settled'), limit])).toBe('settled');
  } finally {
    clearTimeout(timer);
  }
}

describe('SqliteReadPool', () => {
  // tarn validates a free connection for an acquire over a few microtasks; an abort that landed
  // inside that window used to leave the connection lent to nobody (used: 1 forever).
  it('an acquire aborted at any microtask while a free connection is validated for it leaks nothing', async () => {
    for (let delay = 0; delay <= 30; delay++) {
      const pool = openPool(1);
      (await pool.acquire()).release(); // one idle connection, which the next acquire validates
      const controller = new AbortController();
      const reason = new Error(`abort after ${delay} microtasks`);
      const acquired = pool.acquire(controller.signal).then(
        (lease) => lease,
        (error: unknown) => error,
      );
      await microtasks(delay);
      controller.abort(reason);
      const outcome = await acquired;
      // Aborted before tarn answered: the abort reason; after: a lease the caller gives back.
      if (outcome !== reason) (outcome as SqliteLease).release();
      expect(outcome === reason || (outcome as SqliteLease).connection !== undefined).toBe(true);
      expect(pool.stats(), `abort after ${delay} microtasks`).toEqual({ used: 0, free: 1, pendingAcquires: 0 });
      const lease = await pool.acquire();
      lease.release();
      await expectDestroySettles(pool);
    }
  });

  it('an acquire aborted while it waits in the queue is withdrawn; the next waiter gets the connection', async () => {
    const pool = openPool(1);
    const holder = await pool.acquire();
    const controller = new AbortController();
    const aborted = pool.acquire(controller.signal);
    const next = pool.acquire();
    expect(pool.stats()).toEqual({ used: 1, free: 0, pendingAcquires: 2 });
    const reason = new Error('not needed any more');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(pool.stats()).toEqual({ used: 1, free: 0, pendingAcquires: 1 });

    holder.release();
    const lease = await next;
    expect(lease.connection).toBe(holder.connection);
    lease.release();
    expect(pool.stats()).toEqual({ used: 0, free: 1, pendingAcquires: 0 });
    await expectDestroySettles(pool);
  });

  it('idle connections leave no timer that keeps the process alive', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const pool = openPool(2);
    const before = timers();
    const leases = [await pool.acquire(), await pool.acquire()];
    for (const lease of leases) lease.release();
    expect(pool.stats()).toEqual({ used: 0, free: 2, pendingAcquires: 0 });
    // tarn's reaping interval runs (it closes idle connections after idleTimeoutMs) but is unref'd.
    expect(timers()).toBe(before);
    await expectDestroySettles(pool);
  });
});
