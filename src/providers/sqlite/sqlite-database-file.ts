import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { DriverParameters, DriverRow, QueryOptions } from '../database-driver.js';
import { AsyncMutex } from './async-mutex.js';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteReadPool, type SqliteReadPoolSettings, type SqliteReadPoolStats } from './sqlite-read-pool.js';
import { SqliteRowStream } from './sqlite-row-stream.js';
import { SqliteTransaction } from './sqlite-transaction.js';

export interface SqliteDatabaseFileSettings extends SqliteReadPoolSettings {
  readonly batchSize: number;
}

/**
 * Everything the driver holds for one database file: a pool of read-only connections for
 * streams, and one writer connection (SQLite allows one writer per file anyway) guarded by an
 * async mutex, used for `execute` and transactions. Both open lazily.
 */
export class SqliteDatabaseFile {
  private readPool: SqliteReadPool | undefined;
  private writer: SqliteConnection | undefined;
  /**
   * The read-only connection of `readNow`: a read that ends before it returns never overlaps
   * another, so one connection serves them all, outside the pool (no lease to wait for).
   */
  private nowReader: SqliteConnection | undefined;
  private readonly writerLock = new AsyncMutex();
  private readonly streams = new Set<SqliteRowStream>();
  private readonly transactions = new Set<SqliteTransaction>();
  private closed = false;

  constructor(
    readonly file: string,
    private readonly settings: SqliteDatabaseFileSettings,
  ) {}

  /** Streams a statement on a pooled read connection. */
  query(sql: string, parameters: DriverParameters, options: QueryOptions): AsyncIterable<DriverRow> {
    const stream = new SqliteRowStream({
      sql,
      parameters,
      batchSize: options.batchSize ?? this.settings.batchSize,
      safeIntegers: options.safeIntegers ?? false,
      signal: options.signal,
      acquire: (cancel) => {
        this.assertOpen();
        this.readPool ??= new SqliteReadPool(this.file, this.settings);
        return this.readPool.acquire(this.readPool.lendsAtOnce() ? undefined : cancel());
      },
      onEnd: (ended) => this.streams.delete(ended),
    });
    this.streams.add(stream);
    return stream;
  }

  /** Every row of a small statement, read at once (see `DatabaseDriver.queryNow`). */
  readNow(sql: string, parameters: DriverParameters, safeIntegers: boolean): DriverRow[] {
    this.assertOpen();
    if (this.nowReader === undefined || !this.nowReader.isOpen) this.nowReader = SqliteConnection.open(this.file, 'read', this.settings);
    return this.nowReader.all(sql, parameters, safeIntegers);
  }

  /**
   * Runs `fn` with the writer connection while holding the writer lock. `create` opens the writer
   * in create mode (the file and its folder are made if missing).
   */
  async withWriter<T>(signal: AbortSignal | undefined, fn: (writer: SqliteConnection) => T, create = false): Promise<T> {
    const unlock = await this.writerLock.lock(signal);
    try {
      return fn(this.openWriter(create));
    } finally {
      unlock();
    }
  }

  /** Begins a transaction; the writer lock stays held until it commits or rolls back. */
  async begin(signal: AbortSignal | undefined): Promise<SqliteTransaction> {
    const unlock = await this.writerLock.lock(signal);
    let writer: SqliteConnection;
    try {
      writer = this.openWriter(false);
    } catch (error) {
      unlock();
      throw error;
    }
    const transaction = SqliteTransaction.begin(writer, unlock, {
      batchSize: this.settings.batchSize,
      onEnd: (ended) => this.transactions.delete(ended),
    });
    this.transactions.add(transaction);
    return transaction;
  }

  /** Read-pool counters, or zeros when no read has happened yet. */
  poolStats(): SqliteReadPoolStats {
    return this.readPool?.stats() ?? { used: 0, free: 0, pendingAcquires: 0 };
  }

  get openStreamCount(): number {
    return this.streams.size;
  }

  /**
   * Closes everything for this file without waiting on callers: open streams fail with
   * `closed`, open transactions roll back, then the writer and the read pool close.
   */
  async close(why: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new DtdeDatabaseError(
      `SQLite file "${this.file}" was closed while in use (${why}). Finish queries and transactions before closing.`,
      { reason: 'closed', database: this.file },
    );
    for (const stream of this.streams) stream.fail(error);
    this.streams.clear();
    for (const transaction of this.transactions) transaction.abandon(error);
    this.transactions.clear();
    // Waiting for the lock lets an in-flight execute finish; nothing else can hold it now.
    const unlock = await this.writerLock.lock();
    try {
      this.writer?.close();
      this.writer = undefined;
    } finally {
      unlock();
    }
    this.nowReader?.close();
    this.nowReader = undefined;
    await this.readPool?.destroy();
    this.readPool = undefined;
  }

  private openWriter(create: boolean): SqliteConnection {
    this.assertOpen();
    if (this.writer === undefined || !this.writer.isOpen) {
      this.writer = SqliteConnection.open(this.file, create ? 'create' : 'write', this.settings);
    }
    return this.writer;
  }

  private assertOpen(): void {
    if (!this.closed) return;
    throw new DtdeDatabaseError(`SQLite file "${this.file}" was closed (the driver closed or the database was deleted).`, {
      reason: 'closed',
      database: this.file,
    });
  }
}
