import { existsSync } from 'node:fs';
import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import { DtdeError } from '../../errors/dtde-error.js';

export interface SqliteErrorContext {
  /** Absolute path of the database file. */
  readonly file: string;
  readonly sql?: string;
  readonly busyTimeoutMs: number;
}

/**
 * Turns whatever better-sqlite3 threw into a `DtdeDatabaseError` whose message names the file,
 * so the executor can wrap it with the shard's name. dtde errors pass through unchanged.
 */
export function toSqliteDatabaseError(error: unknown, context: SqliteErrorContext): DtdeError {
  if (error instanceof DtdeError) return error;
  const { file, sql } = context;
  const driverCode = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const base = { database: file, sql, driverCode, cause: error };

  if (driverCode === 'SQLITE_CANTOPEN' && !existsSync(file)) {
    return new DtdeDatabaseError(
      `SQLite database file "${file}" does not exist. Create it with ctx.ensureCreated(), or fix the shard's { file } path.`,
      { ...base, reason: 'missing' },
    );
  }
  if (driverCode !== undefined && /^SQLITE_(BUSY|LOCKED)/.test(driverCode)) {
    return new DtdeDatabaseError(
      `SQLite database file "${file}" is locked by another connection or process ` +
        `(${driverCode} after the ${context.busyTimeoutMs} ms busy timeout). Retry when the lock is released, ` +
        `or raise sqlite({ busyTimeoutMs }).`,
      { ...base, reason: 'busy' },
    );
  }
  if (driverCode?.startsWith('SQLITE_CONSTRAINT')) {
    return new DtdeDatabaseError(`A constraint rejected a write to SQLite file "${file}": ${detail}.`, {
      ...base,
      reason: 'constraint',
    });
  }
  // A table or column the model expects is missing: the schema was never created, or is older
  // than the model. Name what the user calls, not the driver.
  const missingTable = /^no such table: (.+)$/.exec(detail);
  if (missingTable !== null) {
    return new DtdeDatabaseError(
      `SQLite database file "${file}": table "${missingTable[1]}" does not exist; create the tables with ctx.ensureCreated() ` +
        `before querying or loading (a manual-sharding table is yours to create).${sql === undefined ? '' : ` SQL: ${sql}`}`,
      { ...base, reason: 'failed' },
    );
  }
  const missingColumn = /^no such column: (.+)$/.exec(detail);
  if (missingColumn !== null) {
    return new DtdeDatabaseError(
      `SQLite database file "${file}": no column ${missingColumn[1]}; the table was created from another version of the model. ` +
        `ctx.ensureCreated() compares existing tables with the model and names the columns that differ.${sql === undefined ? '' : ` SQL: ${sql}`}`,
      { ...base, reason: 'failed' },
    );
  }
  // better-sqlite3 refuses writes on a connection that has a read iterator open.
  const hint = /busy executing a query/.test(detail)
    ? ' Finish or break the open query on this transaction before the next statement.'
    : '';
  return new DtdeDatabaseError(`SQLite error on file "${file}": ${detail}.${hint}${sql === undefined ? '' : ` SQL: ${sql}`}`, {
    ...base,
    reason: 'failed',
  });
}

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
