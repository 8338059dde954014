import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { DriverParameters, DriverRow, DriverTransaction, ExecuteOptions, ExecuteResult, QueryOptions } from '../database-driver.js';
import type { Unlock } from './async-mutex.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { SqliteRowStream } from './sqlite-row-stream.js';

export interface SqliteTransactionSettings {
  readonly batchSize: number;
  /** Called once when the transaction ends, after the writer lock is released. */
  readonly onEnd: (transaction: SqliteTransaction) => void;
}

/**
 * A transaction on a file's writer connection, begun with `BEGIN IMMEDIATE` so the write lock
 * is taken up front (a deferred transaction could fail with SQLITE_BUSY midway, after work was
 * done). It holds the file's writer mutex until it ends, so no other statement of this driver
 * runs on the connection meanwhile.
 *
 * Multi-shard atomic commit (writes issue): SQLite has no PREPARE TRANSACTION, so the best this
 * driver offers is "hold every shard's transaction open, then commit them one by one". A failure
 * between two commits leaves earlier shards committed; the writes issue must add its own
 * protocol (e.g. an intent log in the context's database, replayed at start-up) on top.
 */
export class SqliteTransaction implements DriverTransaction {
  private current: 'active' | 'committed' | 'rolledBack' = 'active';
  private readonly streams = new Set<SqliteRowStream>();

  private constructor(
    private readonly connection: SqliteConnection,
    private readonly unlock: Unlock,
    private readonly settings: SqliteTransactionSettings,
  ) {}

  /** Begins a transaction on `connection`, whose writer lock the caller holds and hands over. */
  static begin(connection: SqliteConnection, unlock: Unlock, settings: SqliteTransactionSettings): SqliteTransaction {
    try {
      connection.prepare('BEGIN IMMEDIATE').run();
    } catch (error) {
      unlock();
      throw connection.error(error, 'BEGIN IMMEDIATE');
    }
    return new SqliteTransaction(connection, unlock, settings);
  }

  get state(): 'active' | 'committed' | 'rolledBack' {
    return this.current;
  }

  query(sql: string, parameters: DriverParameters = [], options: QueryOptions = {}): AsyncIterable<DriverRow> {
    this.assertActive(sql);
    const stream = new SqliteRowStream({
      sql,
      parameters,
      batchSize: options.batchSize ?? this.settings.batchSize,
      safeIntegers: options.safeIntegers ?? false,
      signal: options.signal,
      acquire: async () => {
        // Checked when the stream starts: the transaction may have ended since query() was called.
        this.assertActive(sql);
        return { connection: this.connection, release: () => undefined };
      },
      onEnd: (ended) => this.streams.delete(ended),
    });
    this.streams.add(stream);
    return stream;
  }

  async execute(sql: string, parameters: DriverParameters = [], options: ExecuteOptions = {}): Promise<ExecuteResult> {
    options.signal?.throwIfAborted();
    this.assertActive(sql);
    return this.connection.run(sql, parameters);
  }

  async commit(): Promise<void> {
    this.assertActive('COMMIT');
    this.closeStreams();
    try {
      this.connection.prepare('COMMIT').run();
    } catch (error) {
      try {
        this.end('rolledBack');
      } catch {
        // The commit's error is the one worth reporting; the lock is released either way.
      }
      throw this.connection.error(error, 'COMMIT');
    }
    this.end('committed');
  }

  async rollback(): Promise<void> {
    if (this.current !== 'active') return;
    this.end('rolledBack');
  }

  /** Rolls back and fails open streams with `error` (the driver is closing or deleting the file). */
  abandon(error: unknown): void {
    if (this.current !== 'active') return;
    for (const stream of this.streams) stream.fail(error);
    this.end('rolledBack');
  }

  /** Ends the transaction: rolls back whatever is still open, releases the lock (always, even if rollback fails). */
  private end(state: 'committed' | 'rolledBack'): void {
    this.current = state;
    try {
      this.closeStreams();
      // SQLite rolls back by itself on some errors; a second ROLLBACK would fail.
      if (this.connection.isOpen && this.connection.db.inTransaction) this.connection.db.exec('ROLLBACK');
    } catch (error) {
      throw this.connection.error(error, 'ROLLBACK');
    } finally {
      this.unlock();
      this.settings.onEnd(this);
    }
  }

  private closeStreams(): void {
    for (const stream of this.streams) stream.close();
    this.streams.clear();
  }

  private assertActive(sql: string): void {
    if (this.current === 'active') return;
    throw new DtdeDatabaseError(
      `This transaction on SQLite file "${this.connection.file}" has already ${this.current === 'committed' ? 'committed' : 'rolled back'}; ` +
        `run statements inside the transaction callback, or begin a new transaction.`,
      { reason: 'transactionEnded', database: this.connection.file, sql },
    );
  }
}
