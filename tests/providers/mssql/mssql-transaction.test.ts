import { EventEmitter } from 'node:events';
import sql from 'mssql';
import { describe, expect, it } from 'vitest';
import { DtdeDatabaseError } from '../../../src/index.js';
import type { MssqlDatabase } from '../../../src/providers/mssql/mssql-database.js';
import { MssqlTransaction } from '../../../src/providers/mssql/mssql-transaction.js';
import { toMssqlDatabaseError } from '../../../src/providers/mssql/to-mssql-database-error.js';

/** An mssql Transaction whose statements succeed unless their text says FAIL. */
class FakeTransaction extends EventEmitter {
  readonly log: string[] = [];

  async begin(): Promise<void> {
    this.log.push('BEGIN');
  }

  async commit(): Promise<void> {
    this.log.push('COMMIT');
  }

  async rollback(): Promise<void> {
    this.log.push('ROLLBACK');
  }

  request() {
    const run = async (text: string) => {
      this.log.push(text);
      if (text.includes('FAIL')) {
        const raw = Object.assign(new Error("Violation of PRIMARY KEY constraint 'PK_T'"), { info: { number: 2627 } });
        throw new sql.RequestError(raw as unknown as string, 'EREQUEST');
      }
      return { rowsAffected: [1] };
    };
    return { input: () => undefined, query: run, batch: run };
  }
}

function fakeDatabase(tx: FakeTransaction): MssqlDatabase {
  const id = 'mssql://db1:1433/shop';
  return {
    id,
    lease: async () => ({ transaction: () => tx, request: () => tx.request(), release: () => tx.log.push('released') }),
    error: (error: unknown, text?: string) => toMssqlDatabaseError(error, { database: id, sql: text }),
  } as unknown as MssqlDatabase;
}

const settings = { batchSize: 16, cancelWaitMs: 1000, onEnd: () => undefined };

describe('MssqlTransaction', () => {
  it('commits what ran', async () => {
    const fake = new FakeTransaction();
    const tx = await MssqlTransaction.begin(fakeDatabase(fake), undefined, settings);
    expect(await tx.execute('UPDATE t SET a = @p0', [1])).toEqual({ rowsAffected: 1 });
    await tx.commit();
    expect(fake.log).toEqual(['BEGIN', 'UPDATE t SET a = @p0', 'COMMIT', 'released']);
    expect(tx.state).toBe('committed');
    await expect(tx.execute('SELECT 1')).rejects.toMatchObject({ reason: 'transactionEnded' });
  });

  it('never half commits: after a failed statement, commit rolls back and says why', async () => {
    const fake = new FakeTransaction();
    const tx = await MssqlTransaction.begin(fakeDatabase(fake), undefined, settings);
    await tx.execute('INSERT INTO t VALUES (@p0)', [1]);
    const failed = await tx.execute('INSERT FAIL', [1]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ reason: 'constraint', driverCode: '2627' });
    // SQL Server would let the caller go on and commit the first insert; dtde does not.
    await tx.execute('INSERT INTO t VALUES (@p0)', [2]);
    const error = await tx.commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DtdeDatabaseError);
    expect((error as DtdeDatabaseError).message).toMatch(/was rolled back, not committed, because a statement in it failed earlier/);
    expect(error).toMatchObject({ sql: 'INSERT FAIL', driverCode: '2627' });
    expect(fake.log.slice(-2)).toEqual(['ROLLBACK', 'released']);
    expect(fake.log).not.toContain('COMMIT');
    expect(tx.state).toBe('rolledBack');
  });

  it('a transaction the server rolled back by itself (a deadlock victim) is not rolled back again', async () => {
    const fake = new FakeTransaction();
    const tx = await MssqlTransaction.begin(fakeDatabase(fake), undefined, settings);
    fake.emit('rollback', true);
    await expect(tx.commit()).rejects.toThrow(/rolled back, not committed/);
    expect(fake.log).toEqual(['BEGIN', 'released']);
  });
});
