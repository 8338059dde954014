import { setImmediate as tick } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { DtdeDatabaseError } from '../../../src/errors/dtde-database-error.js';
import type { SqliteDriver } from '../../../src/providers/sqlite/sqlite-driver.js';
import { collect, useSqliteFolder } from './sqlite-test-folder.js';

const sqlite = useSqliteFolder();
const EU = { file: 'eu.db' };
let driver: SqliteDriver;

beforeEach(async () => {
  driver = sqlite.driver({ busyTimeoutMs: 50 });
  await driver.ensureDatabase(EU);
  await driver.execute(EU, 'CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))');
  await driver.execute(EU, 'INSERT INTO account (id, balance) VALUES (1, 100), (2, 0)');
});

async function balances(): Promise<unknown[]> {
  return collect(driver.query(EU, 'SELECT id, balance FROM account ORDER BY id'));
}

describe('SqliteDriver transactions', () => {
  it('commits when the callback resolves and returns its result', async () => {
    const result = await driver.transaction(EU, async (tx) => {
      const moved = await tx.execute('UPDATE account SET balance = balance - ? WHERE id = ?', [30, 1]);
      await tx.execute('UPDATE account SET balance = balance + ? WHERE id = ?', [30, 2]);
      return moved.rowsAffected;
    });
    expect(result).toBe(1);
    expect(await balances()).toEqual([
      { id: 1, balance: 70 },
      { id: 2, balance: 30 },
    ]);
  });

  it('rolls back and rethrows when the callback throws', async () => {
    const failure = new Error('changed my mind');
    await expect(
      driver.transaction(EU, async (tx) => {
        await tx.execute('UPDATE account SET balance = 0 WHERE id = 1');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await balances()).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 0 },
    ]);
  });

  it('rolls back on a constraint error, reported with reason constraint', async () => {
    const error = await driver
      .transaction(EU, async (tx) => {
        await tx.execute('UPDATE account SET balance = balance + 5 WHERE id = 2');
        await tx.execute('UPDATE account SET balance = balance - 500 WHERE id = 1');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeDatabaseError);
    expect(error).toMatchObject({ reason: 'constraint', driverCode: 'SQLITE_CONSTRAINT_CHECK' });
    expect(await balances()).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 0 },
    ]);
  });

  it('sees its own writes inside; readers outside see them only after commit', async () => {
    const tx = await driver.beginTransaction(EU);
    await tx.execute('UPDATE account SET balance = 1 WHERE id = 1');
    expect(await collect(tx.query('SELECT balance FROM account WHERE id = ?', [1]))).toEqual([{ balance: 1 }]);
    expect(await balances()).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 0 },
    ]);
    await tx.commit();
    expect(tx.state).toBe('committed');
    expect(await balances()).toEqual([
      { id: 1, balance: 1 },
      { id: 2, balance: 0 },
    ]);
  });

  it('serialises concurrent transactions on the same file', async () => {
    const log: string[] = [];
    const increment = (name: string) =>
      driver.transaction(EU, async (tx) => {
        log.push(`${name}:begin`);
        const [row] = await collect(tx.query('SELECT balance FROM account WHERE id = 2'));
        await tick(); // give the other transaction every chance to interleave
        await tx.execute('UPDATE account SET balance = ? WHERE id = 2', [Number(row?.balance) + 1]);
        log.push(`${name}:end`);
      });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map(increment));
    expect(await balances()).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 5 },
    ]);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]?.replace('begin', 'end'));
  });

  it('makes execute wait for an open transaction on the same file instead of joining it', async () => {
    const tx = await driver.beginTransaction(EU);
    await tx.execute('UPDATE account SET balance = 7 WHERE id = 1');
    const outside = driver.execute(EU, 'UPDATE account SET balance = balance + 1 WHERE id = 1');
    await tick();
    await tx.rollback();
    expect(await outside).toEqual({ rowsAffected: 1 });
    expect(await balances()).toEqual([
      { id: 1, balance: 101 },
      { id: 2, balance: 0 },
    ]);
  });

  it('does not serialise transactions on different files', async () => {
    await driver.ensureDatabase(null);
    await driver.execute(null, 'CREATE TABLE n (v INTEGER)');
    const eu = await driver.beginTransaction(EU);
    const own = await driver.beginTransaction(null);
    await own.execute('INSERT INTO n (v) VALUES (1)');
    await eu.execute('DELETE FROM account WHERE id = 2');
    await Promise.all([eu.commit(), own.commit()]);
    expect(await collect(driver.query(null, 'SELECT v FROM n'))).toEqual([{ v: 1 }]);
  });

  it('refuses a transaction handle once the transaction has ended', async () => {
    let escaped: { execute: (sql: string) => Promise<unknown> } | undefined;
    await driver.transaction(EU, async (tx) => {
      escaped = tx;
    });
    await expect(escaped?.execute('DELETE FROM account')).rejects.toMatchObject({ reason: 'transactionEnded' });
    const tx = await driver.beginTransaction(EU);
    await tx.rollback();
    await tx.rollback(); // no-op
    await expect(tx.commit()).rejects.toMatchObject({ reason: 'transactionEnded' });
    expect(() => tx.query('SELECT 1')).toThrow(/already rolled back/);
  });

  it('closes a query still open at commit, and explains a write attempted while it is open', async () => {
    const tx = await driver.beginTransaction(EU);
    const rows = tx.query('SELECT id FROM account', [], { batchSize: 1 })[Symbol.asyncIterator]();
    await rows.next();
    const error = await tx.execute('DELETE FROM account WHERE id = 2').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'failed' });
    expect((error as Error).message).toContain('Finish or break the open query');
    await tx.commit();
    expect(await rows.next()).toEqual({ done: true, value: undefined });
    expect(await driver.execute(EU, 'DELETE FROM account WHERE id = 2')).toEqual({ rowsAffected: 1 });
  });

  it('rolls back when the signal aborts before the commit, and aborts a wait for the writer', async () => {
    const controller = new AbortController();
    await expect(
      driver.transaction(
        EU,
        async (tx) => {
          await tx.execute('UPDATE account SET balance = 0 WHERE id = 1');
          controller.abort(new Error('user cancelled'));
        },
        { signal: controller.signal },
      ),
    ).rejects.toThrow('user cancelled');
    expect(await balances()).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 0 },
    ]);

    const holder = await driver.beginTransaction(EU);
    const waiting = new AbortController();
    const waiter = driver.execute(EU, 'DELETE FROM account', [], { signal: waiting.signal });
    waiting.abort(new Error('gave up waiting'));
    await expect(waiter).rejects.toThrow('gave up waiting');
    await holder.commit();
    expect(await balances()).toHaveLength(2);
  });

  it('binds bigint and null parameters as given and reports rows affected', async () => {
    await driver.execute(EU, 'CREATE TABLE v (id INTEGER PRIMARY KEY, big INTEGER, note TEXT)');
    const inserted = await driver.transaction(EU, async (tx) => {
      const a = await tx.execute('INSERT INTO v (id, big, note) VALUES (?, ?, ?)', [1, 2n ** 62n, null]);
      const b = await tx.execute('INSERT INTO v (id, big, note) VALUES (@id, @big, @note)', { id: 2, big: -1n, note: 'x' });
      return a.rowsAffected + b.rowsAffected;
    });
    expect(inserted).toBe(2);
    expect(await driver.execute(EU, 'CREATE INDEX v_big ON v (big)')).toEqual({ rowsAffected: 0 });
    expect(await collect(driver.query(EU, 'SELECT big, note FROM v ORDER BY id', [], { safeIntegers: true }))).toEqual([
      { big: 2n ** 62n, note: null },
      { big: -1n, note: 'x' },
    ]);
  });
});
