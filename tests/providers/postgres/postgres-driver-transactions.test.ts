import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DtdeDatabaseError } from '../../../src/errors/dtde-database-error.js';
import { createPostgresDriver, type PostgresDriver } from '../../../src/providers/postgres/postgres-driver.js';
import { openTestDatabase, type TestDatabase } from './postgres-test-database.js';

// Transactions on a real server: commit, rollback, a failed statement that aborts PostgreSQL's
// transaction, explicit begin/commit, streaming inside a transaction, transactions side by side
// on one database, and what closing the driver does to an open one.

let db: TestDatabase;
let driver: PostgresDriver;

beforeAll(async () => {
  db = await openTestDatabase('tx');
  await db.query('CREATE TABLE stock (id int PRIMARY KEY, count int NOT NULL CHECK (count >= 0))');
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE stock');
  await db.query('INSERT INTO stock VALUES (1, 10), (2, 20)');
  driver = createPostgresDriver({ url: db.url, applicationName: db.applicationName, pool: { max: 3 } });
});
afterEach(async () => {
  await driver.close();
});

const counts = async () => (await db.query<{ id: number; count: number }>('SELECT id, count FROM stock ORDER BY id')).map((r) => r.count);

/** Every pooled connection is back: none lent, none waited for, no transaction open. */
function expectPoolIdle(): void {
  const stats = driver.stats().databases.get(driver.databaseId(null))!;
  expect({ leased: stats.leased, waiting: stats.waiting, openTransactions: stats.openTransactions, idle: stats.idle }).toEqual({
    leased: 0,
    waiting: 0,
    openTransactions: 0,
    idle: stats.total,
  });
}

describe('transaction(fn)', () => {
  it('commits when fn resolves, with every statement on one connection', async () => {
    const result = await driver.transaction(null, async (tx) => {
      const a = await tx.execute('UPDATE stock SET count = count - $1 WHERE id = $2', [3, 1]);
      const b = await tx.execute('UPDATE stock SET count = count + $1 WHERE id = $2', [3, 2]);
      const pids = new Set<unknown>();
      for await (const row of tx.query('SELECT pg_backend_pid() AS pid')) pids.add(row.pid);
      for await (const row of tx.query('SELECT pg_backend_pid() AS pid')) pids.add(row.pid);
      return { changed: a.rowsAffected + b.rowsAffected, sessions: pids.size };
    });
    expect(result).toEqual({ changed: 2, sessions: 1 });
    expect(await counts()).toEqual([7, 23]);
    expectPoolIdle();
  });

  it('rolls back when fn throws, and rethrows its error', async () => {
    const oops = new Error('oops');
    await expect(
      driver.transaction(null, async (tx) => {
        await tx.execute('UPDATE stock SET count = 0');
        throw oops;
      }),
    ).rejects.toBe(oops);
    expect(await counts()).toEqual([10, 20]);
    expectPoolIdle();
  });

  it('rolls back when the signal aborted before the commit', async () => {
    const controller = new AbortController();
    await expect(
      driver.transaction(
        null,
        async (tx) => {
          await tx.execute('UPDATE stock SET count = 0');
          controller.abort(new Error('cancelled'));
        },
        { signal: controller.signal },
      ),
    ).rejects.toThrow('cancelled');
    expect(await counts()).toEqual([10, 20]);
    expectPoolIdle();
  });

  it('a failed statement inside is a constraint error, and the whole transaction rolls back', async () => {
    const error = (await driver
      .transaction(null, async (tx) => {
        await tx.execute('UPDATE stock SET count = 5 WHERE id = 2');
        await tx.execute('UPDATE stock SET count = count - 100 WHERE id = 1');
      })
      .catch((e: unknown) => e)) as DtdeDatabaseError;
    expect([error.reason, error.driverCode]).toEqual(['constraint', '23514']);
    expect(await counts()).toEqual([10, 20]);
    expectPoolIdle();
  });
});

describe('beginTransaction()', () => {
  it('commit() writes; the handle refuses statements afterwards', async () => {
    const tx = await driver.beginTransaction(null);
    await tx.execute('UPDATE stock SET count = 1 WHERE id = 1');
    expect(tx.state).toBe('active');
    await tx.commit();
    expect(tx.state).toBe('committed');
    expect(await counts()).toEqual([1, 20]);
    await expect(tx.execute('SELECT 1')).rejects.toMatchObject({ reason: 'transactionEnded' });
    expect(() => tx.query('SELECT 1')).toThrow(/already committed/);
    await tx.rollback(); // a no-op after the end
    expectPoolIdle();
  });

  it('rollback() undoes; other sessions do not see uncommitted writes', async () => {
    const tx = await driver.beginTransaction(null);
    await tx.execute('UPDATE stock SET count = 99 WHERE id = 2');
    expect(await counts()).toEqual([10, 20]);
    await tx.rollback();
    expect(tx.state).toBe('rolledBack');
    expect(await counts()).toEqual([10, 20]);
    expectPoolIdle();
  });

  it('commit() after a failed statement rolls back and throws instead of answering ROLLBACK quietly', async () => {
    const tx = await driver.beginTransaction(null);
    await tx.execute('UPDATE stock SET count = 3 WHERE id = 1');
    await expect(tx.execute('SELECT * FROM missing_table')).rejects.toMatchObject({ driverCode: '42P01' });
    await expect(tx.execute('UPDATE stock SET count = 4 WHERE id = 2')).rejects.toMatchObject({ driverCode: '25P02' });
    await expect(tx.commit()).rejects.toThrow(/rolled back, not committed/);
    expect(tx.state).toBe('rolledBack');
    expect(await counts()).toEqual([10, 20]);
    expectPoolIdle();
  });

  it('several transactions on one database run side by side on their own connections', async () => {
    const a = await driver.beginTransaction(null);
    const b = await driver.beginTransaction(null);
    await a.execute('UPDATE stock SET count = 11 WHERE id = 1');
    await b.execute('UPDATE stock SET count = 21 WHERE id = 2');
    await Promise.all([a.commit(), b.commit()]);
    expect(await counts()).toEqual([11, 21]);
    expect(driver.stats().databases.get(driver.databaseId(null))?.total).toBe(2);
    expectPoolIdle();
  });

  it('a query still open blocks the next statement with a clear error instead of a hang', async () => {
    const tx = await driver.beginTransaction(null);
    const rows = tx.query('SELECT g FROM generate_series(1, 10000) g', [], { batchSize: 10 })[Symbol.asyncIterator]();
    await rows.next();
    await expect(tx.execute('SELECT 1')).rejects.toThrow(/still open/);
    await rows.return?.();
    await tx.execute('UPDATE stock SET count = 2 WHERE id = 1');
    await tx.commit();
    expect(await counts()).toEqual([2, 20]);
    expectPoolIdle();
  });

  it('closing the driver rolls back an open transaction and fails its open query with reason closed', async () => {
    const tx = await driver.beginTransaction(null);
    await tx.execute('UPDATE stock SET count = 0');
    const rows = tx.query('SELECT pg_sleep(60)')[Symbol.asyncIterator]();
    const pending = rows.next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await driver.close();
    await expect(pending).rejects.toMatchObject({ reason: 'closed' });
    expect(tx.state).toBe('rolledBack');
    expect(await counts()).toEqual([10, 20]);
    expect(await db.activeStatements()).toEqual([]);
  });
});

it('errors are DtdeDatabaseError', async () => {
  await expect(driver.transaction(null, (tx) => tx.execute('SELEC'))).rejects.toBeInstanceOf(DtdeDatabaseError);
});
