import type sql from 'mssql';
import type { ExecuteResult } from '../database-driver.js';
import type { MssqlInput } from './to-mssql-inputs.js';

/**
 * Runs one statement that returns no rows on `request` (the pool's or a transaction's). With
 * parameters it goes through `sp_executesql` with each parameter's declared type; without, as a
 * plain batch (DDL such as `IF OBJECT_ID(…) IS NULL CREATE TABLE …`). Aborting `signal` cancels
 * the request (a TDS attention: the server stops the statement, a lock wait included) and rejects
 * with the signal's reason once the server has acknowledged, so the connection is idle again; a
 * statement that completed first reports its result. Row counts of several statements add up.
 * mssql's own errors are rethrown as they are (the caller maps them).
 */
export async function runMssqlStatement(
  request: sql.Request,
  text: string,
  inputs: readonly MssqlInput[],
  signal: AbortSignal | undefined,
): Promise<ExecuteResult> {
  signal?.throwIfAborted();
  for (const input of inputs) request.input(input.name, input.type, input.value);
  const onAbort = (): void => void request.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = inputs.length === 0 ? await request.batch(text) : await request.query(text);
    return { rowsAffected: result.rowsAffected.reduce((sum, n) => sum + n, 0) };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
