import { rm } from 'node:fs/promises';
import { runInTransaction } from '../run-in-transaction.js';
import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { ConnectionRef } from '../../metadata/model.js';
import type {
  DatabaseDriver,
  DriverParameters,
  DriverRow,
  DriverTransaction,
  ExecuteOptions,
  ExecuteResult,
  QueryNowOptions,
  QueryOptions,
  TransactionHandle,
  TransactionOptions,
} from '../database-driver.js';
import { SqliteDatabaseFile } from './sqlite-database-file.js';
import { parseSqliteOptions, resolveSqliteFile, type ResolvedSqliteOptions, type SqliteOptions } from './sqlite-options.js';
import type { SqliteReadPoolStats } from './sqlite-read-pool.js';
import { createStatementCacheStats, type StatementCacheStats } from './statement-cache.js';

/** Internal counters, for tests and diagnostics; not part of the public API. */
export interface SqliteDriverStats {
  readonly statements: Readonly<StatementCacheStats>;
  /** Per absolute file path: the read pool's counters and the streams not yet ended. */
  readonly files: ReadonlyMap<string, SqliteReadPoolStats & { readonly openStreams: number }>;
}

/**
 * The SQLite driver: better-sqlite3 12, one database file per distinct `{ file }` connection
 * plus the context's own file, each in WAL mode with `busy_timeout` and foreign keys on.
 * Per file, a tarn pool of read-only connections serves streams (several shards of one file can
 * stream at once) and one writer connection, behind an async mutex, serves `execute` and
 * transactions.
 *
 * Integers come back as `number` unless a query asks for `safeIntegers` (then every integer is
 * a `bigint`). Parameters are bound as given: `?` positional from an array, or `@name`/`:name`
 * from an object.
 *
 * @example
 * ```ts
 * const driver = createSqliteDriver({ file: './data/app.db' });
 * await driver.ensureDatabase({ file: 'eu.db' });          // ./data/eu.db
 * await driver.execute({ file: 'eu.db' }, 'CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)');
 * for await (const row of driver.query({ file: 'eu.db' }, 'SELECT * FROM t')) console.log(row);
 * await driver.close();
 * ```
 */
export class SqliteDriver implements DatabaseDriver {
  readonly name = 'sqlite';
  readonly options: ResolvedSqliteOptions;
  private readonly files = new Map<string, SqliteDatabaseFile>();
  // The file of each connection already resolved (a shard's connection is one object, reused by
  // every query): a query skips validating it and resolving its path. Emptied when a file goes.
  #resolved = new WeakMap<ConnectionRef, SqliteDatabaseFile>();
  #own: SqliteDatabaseFile | undefined;
  private readonly statementStats = createStatementCacheStats();
  private closed = false;

  constructor(options: SqliteOptions) {
    this.options = parseSqliteOptions(options);
  }

  query(
    connection: ConnectionRef | null,
    sql: string,
    parameters: DriverParameters = [],
    options: QueryOptions = {},
  ): AsyncIterable<DriverRow> {
    return this.fileFor(connection).query(sql, parameters, options);
  }

  /**
   * A statement of at most `batchSize` rows (what a stream reads at once anyway) is read on the
   * file's own read connection, without a lease or an async iterator; larger ones stream.
   */
  queryNow(connection: ConnectionRef | null, sql: string, parameters: DriverParameters, options: QueryNowOptions): DriverRow[] | undefined {
    if (options.maxRows > this.options.batchSize) return undefined;
    return this.fileFor(connection).readNow(sql, parameters, options.safeIntegers ?? false);
  }

  async execute(
    connection: ConnectionRef | null,
    sql: string,
    parameters: DriverParameters = [],
    options: ExecuteOptions = {},
  ): Promise<ExecuteResult> {
    return this.fileFor(connection).withWriter(options.signal, (writer) => writer.run(sql, parameters));
  }

  async beginTransaction(connection: ConnectionRef | null, options: TransactionOptions = {}): Promise<DriverTransaction> {
    return this.fileFor(connection).begin(options.signal);
  }

  transaction<T>(
    connection: ConnectionRef | null,
    fn: (tx: TransactionHandle) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    return runInTransaction(this, connection, fn, options);
  }

  poolSize(connection: ConnectionRef | null): number {
    resolveSqliteFile(connection, this.options); // validates the ref
    return this.options.readPoolSize;
  }

  poolSizeHint(size: number): string {
    return `sqlite({ file, readPoolSize: ${size} })`;
  }

  async ensureDatabase(connection: ConnectionRef | null, options: ExecuteOptions = {}): Promise<void> {
    await this.fileFor(connection).withWriter(options.signal, () => undefined, true);
  }

  async deleteDatabase(connection: ConnectionRef | null, options: ExecuteOptions = {}): Promise<void> {
    this.assertOpen();
    options.signal?.throwIfAborted();
    const path = resolveSqliteFile(connection, this.options);
    const file = this.files.get(path);
    this.files.delete(path);
    this.#resolved = new WeakMap();
    this.#own = undefined;
    await file?.close('the database was deleted');
    // A read-only connection cannot remove the -wal and -shm files it created; remove them here.
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(path + suffix, { force: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map((file) => file.close('the driver was closed')));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal Counters for tests and diagnostics. */
  stats(): SqliteDriverStats {
    const files = new Map<string, SqliteReadPoolStats & { readonly openStreams: number }>();
    for (const [path, file] of this.files) files.set(path, { ...file.poolStats(), openStreams: file.openStreamCount });
    return { statements: { ...this.statementStats }, files };
  }

  /** The absolute path of the file a connection names (`null`: the context's own file). */
  filePath(connection: ConnectionRef | null): string {
    return resolveSqliteFile(connection, this.options);
  }

  private fileFor(connection: ConnectionRef | null): SqliteDatabaseFile {
    this.assertOpen();
    const known = connection === null ? this.#own : this.#resolved.get(connection);
    if (known !== undefined) return known;
    const file = this.openFile(connection);
    if (connection === null) this.#own = file;
    else this.#resolved.set(connection, file);
    return file;
  }

  private openFile(connection: ConnectionRef | null): SqliteDatabaseFile {
    const path = resolveSqliteFile(connection, this.options);
    let file = this.files.get(path);
    if (file === undefined) {
      const { readPoolSize, acquireTimeoutMs, idleTimeoutMs, busyTimeoutMs, statementCacheSize, batchSize } = this.options;
      file = new SqliteDatabaseFile(path, {
        size: readPoolSize,
        acquireTimeoutMs,
        idleTimeoutMs,
        busyTimeoutMs,
        statementCacheSize,
        batchSize,
        stats: this.statementStats,
      });
      this.files.set(path, file);
    }
    return file;
  }

  private assertOpen(): void {
    if (!this.closed) return;
    throw new DtdeDatabaseError(`The SQLite driver for "${this.options.file}" is closed; create a new context.`, {
      reason: 'closed',
      database: this.options.file,
    });
  }
}

/** Creates the SQLite driver; validates `options` (throws `DtdeConfigurationError`). */
export function createSqliteDriver(options: SqliteOptions): SqliteDriver {
  return new SqliteDriver(options);
}
