import type { ConnectionRef } from '../metadata/model.js';

/**
 * The I/O half of a provider: connections, pools, streaming, transactions and cancellation.
 * It knows nothing about SQL syntax (that is the dialect's job): it runs the text it is given and
 * binds the parameters exactly as given, already converted by the dialect (`Date` → ISO text,
 * `boolean` → 0/1, `bigint` as `bigint`). Rows come back as the engine returns them; the
 * dialect converts them to JavaScript types afterwards.
 *
 * Every method takes the shard's `ConnectionRef`, or `null` for the context's own database.
 * Drivers are safe to use from many concurrent async callers.
 *
 * @example
 * ```ts
 * for await (const row of driver.query({ file: 'eu.db' }, 'SELECT * FROM "Orders" WHERE "id" > ?', [10])) {
 *   console.log(row);
 * }
 * await driver.transaction(null, async (tx) => {
 *   await tx.execute('UPDATE "Stock" SET "count" = "count" - ? WHERE "id" = ?', [1, 7]);
 * });
 * ```
 */
export interface DatabaseDriver extends AsyncDisposable {
  /** The provider's name, for messages and diagnostics (`sqlite`, `mssql`, `postgres`). */
  readonly name: string;

  /**
   * Streams the rows of one statement. Nothing happens until the first `next()`; the connection
   * is held while the stream is open and released when it ends, fails, is aborted, or the
   * consumer stops early (`break` out of `for await`). Aborting `options.signal` closes the
   * stream and makes it throw the signal's reason. Throws at once, before any iteration, if the
   * connection is invalid or the driver is closed.
   */
  query(connection: ConnectionRef | null, sql: string, parameters?: DriverParameters, options?: QueryOptions): AsyncIterable<DriverRow>;

  /**
   * Optional, for engines that run inside this process (SQLite): the rows of a statement the
   * caller knows to be small (at most `options.maxRows`: a LIMIT, or filters that fix the primary
   * key), read at once and synchronously, with no pool lease and no async iteration. Returns
   * `undefined` when the driver would rather stream that many rows (`maxRows` more than it reads
   * in one go); the caller then uses `query`. Throws what `query`'s stream would throw.
   */
  queryNow?(connection: ConnectionRef | null, sql: string, parameters: DriverParameters, options: QueryNowOptions): DriverRow[] | undefined;

  /** Runs one statement that returns no rows (DML or DDL) on the database's writer connection. */
  execute(connection: ConnectionRef | null, sql: string, parameters?: DriverParameters, options?: ExecuteOptions): Promise<ExecuteResult>;

  /**
   * Runs `fn` in one transaction on one database: commits when `fn` resolves, rolls back when it
   * throws (and rethrows) or when `options.signal` was aborted before the commit. Transactions on
   * the same database run one after another, never interleaved.
   */
  transaction<T>(connection: ConnectionRef | null, fn: (tx: TransactionHandle) => Promise<T>, options?: TransactionOptions): Promise<T>;

  /**
   * Opens a transaction the caller ends with `commit()` or `rollback()`: the building block for
   * changes that span several shards (open one per shard, write, then commit them together).
   * Until it ends, other writers of the same database wait.
   */
  beginTransaction(connection: ConnectionRef | null, options?: TransactionOptions): Promise<DriverTransaction>;

  /**
   * How many statements can stream from this database at once: the context checks
   * `maxParallelShards` against it at start-up, because a merge keeps one stream open per shard.
   */
  poolSize(connection: ConnectionRef | null): number;

  /**
   * How a user raises the pool to `size` connections, as they would write it
   * (`sqlite({ file, readPoolSize: 12 })`): quoted by the start-up check that finds a pool too
   * small for `maxParallelShards`. Without it the message only says to raise the pool size.
   */
  poolSizeHint?(size: number): string;

  /** Creates the database if it does not exist (SQLite: the file and its folder). Idempotent. */
  ensureDatabase(connection: ConnectionRef | null, options?: ExecuteOptions): Promise<void>;

  /**
   * Closes this driver's connections to the database and deletes it (SQLite: the file and its
   * `-wal`, `-shm` and `-journal` files). Streams still open on it fail with reason `closed`.
   * Deleting a database that does not exist is not an error.
   */
  deleteDatabase(connection: ConnectionRef | null, options?: ExecuteOptions): Promise<void>;

  /**
   * Releases everything: open streams fail with reason `closed`, open transactions roll back,
   * pools and connections close. Idempotent; later calls on the driver fail with reason `closed`.
   */
  close(): Promise<void>;
}

/** One row as the engine returns it, keyed by column name or alias. */
export type DriverRow = Record<string, unknown>;

/**
 * The values to bind, in one of three forms:
 * - an array of values: positional (`?` in SQLite);
 * - an object of values: named (`@name` in the SQL, `name` as the key);
 * - a typed list, as a dialect renders it (`RenderedSql.parameters`): drivers whose engine needs
 *   declared types (SQL Server's `sp_executesql`) read `sqlType`; others bind `value` by
 *   position (names `'1'`, `'2'`…) or by name (`'@p0'`).
 */
export type DriverParameters = readonly TypedParameter[] | readonly unknown[] | Readonly<Record<string, unknown>>;

/** One parameter with its declared SQL type; structurally the dialect's `BoundParameter`. */
export interface TypedParameter {
  readonly name: string;
  readonly value: unknown;
  readonly sqlType: string;
}

export interface ExecuteOptions {
  /** Aborts waiting for a connection or a lock; a statement already running is not interrupted. */
  readonly signal?: AbortSignal;
}

export interface QueryOptions extends ExecuteOptions {
  /** Rows read from the engine at a time before yielding to the event loop (driver default if omitted). */
  readonly batchSize?: number;
  /**
   * The most rows the statement can return, when the caller knows it (a LIMIT, filters that fix
   * the primary key). A driver may then read them whole in one round trip instead of streaming
   * them through a cursor (PostgreSQL does, up to its batch size).
   */
  readonly maxRows?: number;
  /**
   * Return every integer as a `bigint` (exact beyond 2^53). Off by default: integers come back
   * as `number`, which loses precision beyond ±2^53 - 1. Turn it on when the result has a
   * `bigint` column or a sum that may pass 2^53.
   */
  readonly safeIntegers?: boolean;
}

export interface QueryNowOptions {
  /** The most rows the statement can return. */
  readonly maxRows: number;
  /** As `QueryOptions.safeIntegers`. */
  readonly safeIntegers?: boolean;
}

export interface TransactionOptions {
  /** Aborts waiting for the database's writer; aborted before the commit, the transaction rolls back. */
  readonly signal?: AbortSignal;
}

export interface ExecuteResult {
  /** Rows inserted, updated or deleted by the statement (0 for DDL). */
  readonly rowsAffected: number;
}

/**
 * What `fn` receives inside `transaction()`. A streaming `query` holds the transaction's single
 * connection: finish or `break` it before the next `execute`.
 */
export interface TransactionHandle {
  query(sql: string, parameters?: DriverParameters, options?: QueryOptions): AsyncIterable<DriverRow>;
  execute(sql: string, parameters?: DriverParameters, options?: ExecuteOptions): Promise<ExecuteResult>;
}

/** A transaction opened with `beginTransaction`, ended exactly once by `commit` or `rollback`. */
export interface DriverTransaction extends TransactionHandle {
  readonly state: 'active' | 'committed' | 'rolledBack';
  /** Commits; if the commit fails the transaction is rolled back and the error thrown. */
  commit(): Promise<void>;
  /** Rolls back; a no-op when the transaction has already ended. */
  rollback(): Promise<void>;
}
