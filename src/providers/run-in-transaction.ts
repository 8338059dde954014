import type { ConnectionRef } from '../metadata/model.js';
import type { DatabaseDriver, TransactionHandle, TransactionOptions } from './database-driver.js';

/**
 * `DatabaseDriver.transaction` built on `beginTransaction`, the same for every driver: commits when
 * `fn` resolves, rolls back (and rethrows `fn`'s error) when it throws or when `options.signal`
 * was aborted before the commit.
 *
 * @example
 * transaction<T>(connection, fn, options) { return runInTransaction(this, connection, fn, options); }
 */
export async function runInTransaction<T>(
  driver: Pick<DatabaseDriver, 'beginTransaction'>,
  connection: ConnectionRef | null,
  fn: (tx: TransactionHandle) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const transaction = await driver.beginTransaction(connection, options);
  let result: T;
  try {
    result = await fn(transaction);
    options.signal?.throwIfAborted();
  } catch (error) {
    try {
      await transaction.rollback();
    } catch {
      // fn's error explains the failure; the rollback's would only hide it.
    }
    throw error;
  }
  await transaction.commit();
  return result;
}
