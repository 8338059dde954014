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
 * its own connection. Connections open lazily and close after `idleTimeoutMs` idle; idle ones do
 * not keep the process alive.
 */
export class SqliteReadPool {
  private readonly pool: SqlitePool<SqliteConnection>;

  constructor(
    readonly file: string,
    private readonly settings: SqliteReadPoolSettings,
  ) {
    this.pool = new SqlitePool<SqliteConnection>({
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

  /**
   * Waits for a free connection; rejects with the signal's reason when aborted first. Once it has
   * rejected, the pool holds no trace of the request.
   *
   * tarn's own `abort()` is not used while tarn may be answering: a free connection is handed to
   * an acquire through an asynchronous validation, and an abort that lands inside it leaves the
   * connection lent to nobody (the pool loses it; `destroy()` then waits forever). So an abort
   * withdraws the request only while it is still queued; otherwise it waits for tarn's answer,
   * which comes within microtasks (validation is synchronous), and gives the connection back.
   */
  async acquire(signal?: AbortSignal): Promise<SqliteLease> {
    signal?.throwIfAborted();
    const pending = this.pool.acquire();
    const connection = await new Promise<SqliteConnection>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.pool.withdraw(pending)) reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.promise.then(
        (acquired) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) {
            this.pool.release(acquired);
            reject(signal.reason);
          } else {
            resolve(acquired);
          }
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(signal?.aborted ? signal.reason : this.acquireError(error));
        },
      );
    });
    if (signal?.aborted) {
      // Aborted between tarn's answer and this line: the caller no longer wants it either.
      this.pool.release(connection);
      throw signal.reason;
    }
    let released = false;
    return {
      connection,
      release: () => {
        if (released) return;
        released = true;
        this.pool.release(connection);
      },
    };
  }

  /**
   * Whether an acquire now is answered within microtasks: an idle connection and nobody queued
   * before it (then there is no request to withdraw, and a caller may pass no signal).
   */
  lendsAtOnce(): boolean {
    return this.pool.numFree() > 0 && this.pool.numPendingAcquires() === 0 && this.pool.numPendingCreates() === 0;
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

/**
 * tarn's pool with two changes. Its reaping timer (which closes idle connections) does not keep
 * Node's event loop alive: a better-sqlite3 connection holds no handle of its own, so a script
 * that forgets `close()` can exit while connections sit idle (waiting acquires still hold
 * theirs). And a queued acquire can be withdrawn without the race of tarn's `abort()`.
 */
class SqlitePool<T> extends Pool<T> {
  override _startReaping(): void {
    super._startReaping();
    this.interval?.unref();
  }

  /**
   * Takes `pending` out of the queue and rejects it, if it is still queued. False when tarn has
   * already taken it up (a connection is being validated for it, or it was answered).
   */
  withdraw(pending: ReturnType<Pool<T>['acquire']>): boolean {
    const index = this.pendingAcquires.indexOf(pending);
    if (index < 0) return false;
    this.pendingAcquires.splice(index, 1);
    pending.abort(); // settles it and clears its acquire timer; nothing in tarn refers to it now
    return true;
  }
}
