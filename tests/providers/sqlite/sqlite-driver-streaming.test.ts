import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DtdeDatabaseError } from '../../../src/errors/dtde-database-error.js';
import { collect, seedNumbers, useSqliteFolder } from './sqlite-test-folder.js';

const sqlite = useSqliteFolder();

function mainFile(): string {
  return path.join(sqlite.folder(), 'main.db');
}

describe('SqliteDriver streaming', () => {
  it('streams thousands of rows in small batches while another stream on the same file is open', async () => {
    seedNumbers(mainFile(), 5000);
    const driver = sqlite.driver();
    const ascending = driver.query(null, 'SELECT id FROM t ORDER BY id', [], { batchSize: 16 })[Symbol.asyncIterator]();
    const descending = driver.query(null, 'SELECT id FROM t ORDER BY id DESC', [], { batchSize: 7 })[Symbol.asyncIterator]();

    // Alternate between the two, as a k-way merge does: both iterators stay open on one file.
    const up: unknown[] = [];
    const down: unknown[] = [];
    for (;;) {
      const [a, b] = await Promise.all([ascending.next(), descending.next()]);
      if (a.done === true && b.done === true) break;
      if (a.done !== true) up.push(a.value.id);
      if (b.done !== true) down.push(b.value.id);
      if (up.length === 2500) expect(driver.stats().files.get(mainFile())?.used).toBe(2);
    }

    expect(up).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(down).toEqual(Array.from({ length: 5000 }, (_, i) => 5000 - i));
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, free: 2, openStreams: 0 });
  });

  it('runs the same SQL text on several streams at once (each on its own connection)', async () => {
    seedNumbers(mainFile(), 300);
    const driver = sqlite.driver();
    const sql = 'SELECT id FROM t WHERE id <= ?';
    const results = await Promise.all([1, 2, 3, 4].map(() => collect(driver.query(null, sql, [300], { batchSize: 10 }))));
    for (const rows of results) expect(rows).toHaveLength(300);
  });

  it('releases the connection when the consumer breaks early', async () => {
    seedNumbers(mainFile(), 1000);
    const driver = sqlite.driver();
    let seen = 0;
    for await (const row of driver.query(null, 'SELECT * FROM t', [], { batchSize: 50 })) {
      expect(row).toEqual({ id: seen + 1, name: `n${seen + 1}` });
      if (++seen === 75) break;
    }
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, free: 1, openStreams: 0 });
    // The released connection is reused, not a new one opened.
    expect(await collect(driver.query(null, 'SELECT count(*) AS c FROM t'))).toEqual([{ c: 1000 }]);
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, free: 1 });
  });

  it('does not lease a connection for a stream that is never iterated', async () => {
    seedNumbers(mainFile(), 10);
    const driver = sqlite.driver();
    driver.query(null, 'SELECT * FROM t');
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, free: 0 });
  });

  it('aborting mid-stream closes the stream, releases the connection and throws the reason', async () => {
    seedNumbers(mainFile(), 2000);
    const driver = sqlite.driver();
    const controller = new AbortController();
    const reason = new Error('stop now');
    const seen: unknown[] = [];
    const consume = async (): Promise<void> => {
      for await (const row of driver.query(null, 'SELECT id FROM t', [], { signal: controller.signal, batchSize: 32 })) {
        seen.push(row.id);
        if (seen.length === 40) controller.abort(reason);
      }
    };
    await expect(consume()).rejects.toBe(reason);
    expect(seen).toHaveLength(40);
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, free: 1, openStreams: 0 });
  });

  it('aborting while the consumer is not pulling releases the connection at once', async () => {
    seedNumbers(mainFile(), 500);
    const driver = sqlite.driver();
    const controller = new AbortController();
    const rows = driver.query(null, 'SELECT id FROM t', [], { signal: controller.signal, batchSize: 10 })[Symbol.asyncIterator]();
    expect((await rows.next()).value).toEqual({ id: 1 });
    expect(driver.stats().files.get(mainFile())?.used).toBe(1);
    controller.abort();
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, openStreams: 0 });
    await expect(rows.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(await rows.next()).toEqual({ done: true, value: undefined });
  });

  it('an already aborted signal fails before any connection is leased', async () => {
    seedNumbers(mainFile(), 5);
    const driver = sqlite.driver();
    const reason = new Error('cancelled');
    const rows = driver.query(null, 'SELECT id FROM t', [], { signal: AbortSignal.abort(reason) });
    await expect(collect(rows)).rejects.toBe(reason);
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, free: 0 });
  });

  it('a query waits for a free read connection when the pool is full', async () => {
    seedNumbers(mainFile(), 100);
    const driver = sqlite.driver({ readPoolSize: 1 });
    const first = driver.query(null, 'SELECT id FROM t', [], { batchSize: 10 })[Symbol.asyncIterator]();
    await first.next();
    const second = collect(driver.query(null, 'SELECT count(*) AS c FROM t'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(driver.stats().files.get(mainFile())?.pendingAcquires).toBe(1);
    await first.return?.();
    expect(await second).toEqual([{ c: 100 }]);
  });

  it('fails with poolExhausted when no read connection frees up in time', async () => {
    seedNumbers(mainFile(), 100);
    const driver = sqlite.driver({ readPoolSize: 1, acquireTimeoutMs: 20 });
    const first = driver.query(null, 'SELECT id FROM t', [], { batchSize: 10 })[Symbol.asyncIterator]();
    await first.next();
    const error = await collect(driver.query(null, 'SELECT 1 AS one')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeDatabaseError);
    expect(error).toMatchObject({ reason: 'poolExhausted', database: mainFile() });
    expect((error as Error).message).toContain('readPoolSize');
    await first.return?.();
  });

  it('returns integers as numbers by default and as bigint with safeIntegers', async () => {
    const driver = sqlite.driver();
    await driver.ensureDatabase(null);
    await driver.execute(null, 'CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER, r REAL)');
    await driver.execute(null, 'INSERT INTO big (id, v, r) VALUES (?, ?, ?)', [1, 9007199254740993n, 1.5]);
    expect(await collect(driver.query(null, 'SELECT v, r FROM big'))).toEqual([{ v: 9007199254740992, r: 1.5 }]);
    expect(await collect(driver.query(null, 'SELECT id, v, r FROM big', [], { safeIntegers: true }))).toEqual([
      { id: 1n, v: 9007199254740993n, r: 1.5 },
    ]);
    // The cached statement does not keep the previous setting.
    expect(await collect(driver.query(null, 'SELECT id, v, r FROM big'))).toEqual([{ id: 1, v: 9007199254740992, r: 1.5 }]);
  });

  it('binds named parameters from an object', async () => {
    seedNumbers(mainFile(), 20);
    const driver = sqlite.driver();
    const rows = await collect(driver.query(null, 'SELECT id FROM t WHERE id BETWEEN @low AND @high', { low: 3, high: 5 }));
    expect(rows).toEqual([{ id: 3 }, { id: 4 }, { id: 5 }]);
  });

  it('binds a typed parameter list as a dialect renders it, by position or by name', async () => {
    seedNumbers(mainFile(), 20);
    const driver = sqlite.driver();
    const positional = [
      { name: '1', value: 3, sqlType: 'INTEGER' },
      { name: '2', value: 5, sqlType: 'INTEGER' },
    ];
    expect(await collect(driver.query(null, 'SELECT id FROM t WHERE id BETWEEN ? AND ?', positional))).toEqual([
      { id: 3 },
      { id: 4 },
      { id: 5 },
    ]);
    const named = [
      { name: '@p0', value: 'n7', sqlType: 'TEXT' },
      { name: '@p1', value: 8n, sqlType: 'INTEGER' },
    ];
    expect(await collect(driver.query(null, 'SELECT id FROM t WHERE name = @p0 OR id = @p1', named))).toEqual([{ id: 7 }, { id: 8 }]);
  });

  it('reuses cached prepared statements and evicts the least recently used', async () => {
    seedNumbers(mainFile(), 10);
    const driver = sqlite.driver({ readPoolSize: 1, statementCacheSize: 2 });
    const run = (sql: string): Promise<unknown> => collect(driver.query(null, sql));
    await run('SELECT 1 AS a');
    await run('SELECT 1 AS a');
    await run('SELECT 1 AS a');
    expect(driver.stats().statements).toEqual({ prepared: 1, hits: 2, evictions: 0 });
    await run('SELECT 2 AS b');
    await run('SELECT 1 AS a'); // refresh: 'b' is now the oldest
    await run('SELECT 3 AS c'); // evicts 'b'
    await run('SELECT 1 AS a');
    expect(driver.stats().statements).toEqual({ prepared: 3, hits: 4, evictions: 1 });
    await run('SELECT 2 AS b');
    expect(driver.stats().statements).toMatchObject({ prepared: 4, evictions: 2 });
  });

  it('fails a stream whose statement errors mid-way, after the rows before it, and frees the connection', async () => {
    seedNumbers(mainFile(), 1000);
    const driver = sqlite.driver();
    // abs() of the smallest 64-bit integer overflows when SQLite reaches row 500, not at prepare time.
    const sql = 'SELECT id, CASE WHEN id = 500 THEN abs(-9223372036854775807 - 1) ELSE id END AS v FROM t ORDER BY id';
    const seen: unknown[] = [];
    const consume = async (): Promise<void> => {
      for await (const row of driver.query(null, sql, [], { batchSize: 10 })) seen.push(row.id);
    };
    const error = await consume().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeDatabaseError);
    expect(error).toMatchObject({ reason: 'failed', sql, database: mainFile() });
    expect((error as Error).message).toContain('integer overflow');
    expect(seen).toHaveLength(490);
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, openStreams: 0 });
  });

  it('reports a bad statement as a DtdeDatabaseError naming the file and the SQL', async () => {
    seedNumbers(mainFile(), 1);
    const driver = sqlite.driver();
    const error = await collect(driver.query(null, 'SELECT nope FROM t')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeDatabaseError);
    expect(error).toMatchObject({ reason: 'failed', database: mainFile(), sql: 'SELECT nope FROM t' });
    expect((error as Error).message).toContain(mainFile());
    expect(driver.stats().files.get(mainFile())).toMatchObject({ used: 0, openStreams: 0 });
  });
});
