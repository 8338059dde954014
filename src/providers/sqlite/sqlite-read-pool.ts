import { Pool, TimeoutError } from 'tarn';
import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import { SqliteConnection, type SqliteConnectionSettings } from './sqlite-connection.js';
import { toSqliteDatabaseError } from './to-sqlite-database-error.js';

/** A connection lent to one stream; `release()` gives it back (once; later calls do nothing). */
export interface SqliteLease {
  readonly connection: SqliteConnection;
  release(): void;
}

export interface SqliteReadPoolSettings extends SqliteConnectionSettings {
  readonly size: number;
  readonly acquireTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** How many read connections of a pool are lent, idle, and waited for. */
export interface SqliteReadPoolStats {
  readonly used: number;
  readonly free: number;
  readonly pendingAcquires: number;
}

/**
 * Read-only connections to one database file. better-sqlite3 is synchronous and a connection
 * with an open iterator cannot write, and a cached statement cannot iterate twice at once; a
 * merge keeps one stream per shard open, often several on the same file, so each stream leases
 * its own connection. Connections open lazily and close after `idleTimeoutMs` idle.
 */
export class SqliteReadPool {
  private readonly pool: Pool<SqliteConnection>;

  constructor(
    readonly file: string,
    private readonly settings: SqliteReadPoolSettings,
  ) {
    this.pool = new Pool<SqliteConnection>({
      create: async () => SqliteConnection.open(file, 'read', settings),
      destroy: (connection) => connection.close(),
      validate: (connection) => connection.isOpen,
      min: 0,
      max: settings.size,
      acquireTimeoutMillis: settings.acquireTimeoutMs,
      idleTimeoutMillis: settings.idleTimeoutMs,
      // A missing or locked file fails the waiting query at once instead of being retried.
      propagateCreateError: true,
    });
  }

  /** Waits for a free connection; rejects with the signal's reason when aborted first. */
  async acquire(signal?: AbortSignal): Promise<SqliteLease> {
    signal?.throwIfAborted();
    const pending = this.pool.acquire();
    const onAbort = (): void => pending.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let connection: SqliteConnection;
    try {
      connection = await pending.promise;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw this.acquireError(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    let released = false;
    const lease: SqliteLease = {
      connection,
      release: () => {
        if (released) return;
        released = true;
        this.pool.release(connection);
      },
    };
    if (signal?.aborted) {
      lease.release();
      throw signal.reason;
    }
    return lease;
  }

  stats(): SqliteReadPoolStats {
    return {
      used: this.pool.numUsed(),
      free: this.pool.numFree(),
      pendingAcquires: this.pool.numPendingAcquires(),
    };
  }

  /** Closes every connection; waits for lent ones to be released, so end their streams first. */
  async destroy(): Promise<void> {
    await this.pool.destroy();
  }

  private acquireError(error: unknown): Error {
    if (error instanceof TimeoutError) {
      return new DtdeDatabaseError(
        `All ${this.settings.size} read connections to SQLite file "${this.file}" stayed in use for ` +
          `${this.settings.acquireTimeoutMs} ms. Raise sqlite({ readPoolSize }), or lower maxParallelShards ` +
          `so fewer shards of one file stream at once.`,
        { reason: 'poolExhausted', database: this.file, cause: error },
      );
    }
    return toSqliteDatabaseError(error, { file: this.file, busyTimeoutMs: this.settings.busyTimeoutMs });
  }
}
