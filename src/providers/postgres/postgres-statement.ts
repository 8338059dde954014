import type { ExecuteResult } from '../database-driver.js';
import type { PostgresDatabase, PostgresLease } from './postgres-database.js';

/**
 * Runs one statement that returns no rows on a leased connection (the caller releases it).
 * Aborting `signal` cancels the statement on the server (a CancelRequest: a statement waiting for
 * a lock stops waiting) and rejects with the signal's reason once the server has stopped it, so the
 * connection is idle again; a statement that completed first reports its result. Several
 * statements in one text (DDL without parameters) run through the simple protocol; their row
 * counts add up.
 */
export async function runStatement(
  database: PostgresDatabase,
  lease: PostgresLease,
  sql: string,
  values: readonly unknown[],
  signal: AbortSignal | undefined,
): Promise<ExecuteResult> {
  signal?.throwIfAborted();
  const running = values.length === 0 ? lease.client.query(sql) : lease.client.query(sql, [...values]);
  let cancelled: Promise<void> | undefined;
  const onAbort = (): void => {
    cancelled = lease.cancel();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Finished (even after an abort, if the cancel came too late): it took effect, so say so.
    const result: unknown = await running;
    const results = (Array.isArray(result) ? result : [result]) as { rowCount: number | null }[];
    return { rowsAffected: results.reduce((sum, r) => sum + (r.rowCount ?? 0), 0) };
  } catch (error) {
    if (signal?.aborted) {
      await cancelled;
      throw signal.reason;
    }
    throw database.error(error, sql);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
