import { DtdeError } from './dtde-error.js';

/**
 * Why a driver operation failed, for programs that branch on it:
 * - `missing`: the database (SQLite file) does not exist and the operation does not create it;
 * - `busy`: another connection or process held the lock past the busy timeout;
 * - `poolExhausted`: no pooled connection became free within the acquire timeout;
 * - `constraint`: a constraint (unique, foreign key, not null, check) rejected a write;
 * - `closed`: the driver, or the database, was closed (or deleted) while in use;
 * - `transactionEnded`: a transaction handle was used after commit or rollback;
 * - `failed`: anything else the database reported (syntax, missing table, bad parameter).
 */
export type DatabaseErrorReason = 'missing' | 'busy' | 'poolExhausted' | 'constraint' | 'closed' | 'transactionEnded' | 'failed';

/**
 * A database driver operation failed. The message names the database (for SQLite, the file) so
 * a failing shard can be found; the executor wraps it in `DtdeShardError` naming the shard.
 */
export class DtdeDatabaseError extends DtdeError {
  override readonly name = 'DtdeDatabaseError';
  readonly code = 'DTDE_DATABASE';
  readonly reason: DatabaseErrorReason;
  /** The database in the provider's terms: the absolute file path for SQLite. */
  readonly database: string;
  readonly sql: string | undefined;
  /** The engine's own error code when there is one (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`). */
  readonly driverCode: string | undefined;

  constructor(
    message: string,
    details: { reason: DatabaseErrorReason; database: string; sql?: string; driverCode?: string; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.reason = details.reason;
    this.database = details.database;
    this.sql = details.sql;
    this.driverCode = details.driverCode;
  }
}
