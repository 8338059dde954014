import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import { runInTransaction } from '../run-in-transaction.js';
import type { ConnectionRef } from '../../metadata/model.js';
import type {
  DatabaseDriver,
  DriverParameters,
  DriverRow,
  DriverTransaction,
  ExecuteOptions,
  ExecuteResult,
  QueryOptions,
  TransactionHandle,
  TransactionOptions,
} from '../database-driver.js';
import { MssqlDatabase, type MssqlPoolStats } from './mssql-database.js';
import {
  type MssqlEndpoint,
  mssqlDatabaseId,
  type MssqlOptions,
  parseMssqlOptions,
  type ResolvedMssqlOptions,
  resolveMssqlConnection,
} from './mssql-options.js';
import { createMssqlDatabase, dropMssqlDatabase } from './mssql-maintenance.js';
import { MssqlRowStream } from './mssql-row-stream.js';
import { runMssqlStatement } from './mssql-statement.js';
import { MssqlTransaction } from './mssql-transaction.js';
import { toMssqlInputs } from './to-mssql-inputs.js';

/** Internal counters, for tests and diagnostics; not part of the public API. */
export interface MssqlDriverStats {
  /** Per database id (`mssql://host:port/database`): the pool's counters and what is open on it. */
  readonly databases: ReadonlyMap<string, MssqlPoolStats & { readonly openStreams: number; readonly openTransactions: number }>;
}

/**
 * The SQL Server driver: `mssql` 12 on `tedious` 19, with one `ConnectionPool` (a `tarn` pool) per
 * distinct database (server, database and login), created lazily and never the `mssql` module's
 * global pool. Reads stream through a request in stream mode with back-pressure (the request is
 * paused while the consumer is behind); `execute` runs through `sp_executesql` with the
 * parameters' declared types (a batch when there are none); transactions hold one pooled
 * connection each.
 *
 * Aborting a query's or statement's signal cancels its request on the server (a TDS attention);
 * the connection goes back to its pool once the server has acknowledged, ready for the next
 * caller. `requestTimeoutMs` is tedious's own request timeout. `bigint` columns come back as
 * `bigint` when a query asks for `safeIntegers`, `datetime2` as UTC `Date`s, `uniqueidentifier`
 * as upper-case text (the dialect lower-cases it).
 *
 * @example
 * ```ts
 * const driver = createMssqlDriver('Server=localhost;Database=shop;User Id=sa;Password=…;TrustServerCertificate=true');
 * await driver.ensureDatabase({ database: 'shop_2024' });           // CREATE DATABASE if missing
 * for await (const row of driver.query({ database: 'shop_2024' }, 'SELECT * FROM t WHERE id > @p0', [10])) console.log(row);
 * await driver.close();
 * ```
 */
export class MssqlDriver implements DatabaseDriver {
  readonly name = 'mssql';
  readonly options: ResolvedMssqlOptions;
  // Private (#) so that inspecting the driver, or a context that holds it, shows no pool and no login.
  readonly #databases = new Map<string, MssqlDatabase>();
  private closed = false;

  constructor(options: MssqlOptions | string) {
    this.options = parseMssqlOptions(options);
  }

  query(
    connection: ConnectionRef | null,
    text: string,
    parameters: DriverParameters = [],
    options: QueryOptions = {},
  ): AsyncIterable<DriverRow> {
    const database = this.databaseFor(connection);
    const stream: MssqlRowStream = new MssqlRowStream({
      sql: text,
      inputs: toMssqlInputs(parameters, database.id),
      batchSize: options.batchSize ?? this.options.batchSize,
      safeIntegers: options.safeIntegers ?? false,
      signal: options.signal,
      cancelWaitMs: this.options.connectTimeoutMs,
      request: async (signal) => {
        // Known to the database from its first next() on, so closing the driver can end it.
        database.streams.add(stream);
        const lease = await database.lease(signal);
        return { request: lease.request(), release: lease.release };
      },
      error: (error, sqlText) => database.error(error, sqlText),
      onEnd: (ended) => database.streams.delete(ended),
    });
    return stream;
  }

  async execute(
    connection: ConnectionRef | null,
    text: string,
    parameters: DriverParameters = [],
    options: ExecuteOptions = {},
  ): Promise<ExecuteResult> {
    const database = this.databaseFor(connection);
    const inputs = toMssqlInputs(parameters, database.id);
    const lease = await database.lease(options.signal);
    try {
      return await runMssqlStatement(lease.request(), text, inputs, options.signal);
    } catch (error) {
      if (options.signal?.aborted && error === options.signal.reason) throw error;
      throw database.error(error, text);
    } finally {
      lease.release();
    }
  }

  async beginTransaction(connection: ConnectionRef | null, options: TransactionOptions = {}): Promise<DriverTransaction> {
    const database = this.databaseFor(connection);
    const transaction = await MssqlTransaction.begin(database, options.signal, {
      batchSize: this.options.batchSize,
      cancelWaitMs: this.options.connectTimeoutMs,
      onEnd: (ended) => database.transactions.delete(ended),
    });
    database.transactions.add(transaction);
    if (database.isClosed) {
      await transaction.abandon(database.closedError('the driver was closed'));
      throw database.closedError('the driver was closed');
    }
    return transaction;
  }

  transaction<T>(
    connection: ConnectionRef | null,
    fn: (tx: TransactionHandle) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    return runInTransaction(this, connection, fn, options);
  }

  poolSize(connection: ConnectionRef | null): number {
    this.endpointOf(connection); // validates the connection
    return this.options.pool.max;
  }

  poolSizeHint(size: number): string {
    return `mssql({ ..., pool: { max: ${size} } }) or Max Pool Size=${size} in the connection string`;
  }

  /**
   * Creates the database when it is missing: `CREATE DATABASE`, sent through the server's
   * maintenance database (`master` unless `maintenanceDatabase` says otherwise) with the same
   * login. A database that accepts a connection is left as it is. Safe when several processes
   * create the same database at once. SQL Server answers a login to a missing database with
   * "Login failed" (the "Cannot open database" before it does not reach the driver), so a refused
   * login is checked against `DB_ID` in the maintenance database before anything is created.
   */
  async ensureDatabase(connection: ConnectionRef | null, options: ExecuteOptions = {}): Promise<void> {
    const database = this.databaseFor(connection);
    let refused: DtdeDatabaseError;
    try {
      await database.connected(options.signal);
      return;
    } catch (error) {
      if (!(error instanceof DtdeDatabaseError) || (error.reason !== 'missing' && error.driverCode !== 'ELOGIN')) throw error;
      refused = error;
    }
    const created = await createMssqlDatabase(database.endpoint, this.options, options.signal);
    // The database exists: the login itself was refused.
    if (!created) throw refused;
  }

  /**
   * Closes this driver's connections to the database (open streams fail with `closed`, open
   * transactions roll back) and drops it (see `dropMssqlDatabase`). A missing database is not an
   * error.
   */
  async deleteDatabase(connection: ConnectionRef | null, options: ExecuteOptions = {}): Promise<void> {
    this.assertOpen();
    options.signal?.throwIfAborted();
    const endpoint = this.endpointOf(connection);
    const id = mssqlDatabaseId(endpoint);
    const open = [...this.#databases].filter(([, database]) => database.id === id);
    for (const [key] of open) this.#databases.delete(key);
    await Promise.all(open.map(([, database]) => database.close('the database was deleted')));
    await dropMssqlDatabase(endpoint, this.options, options.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const databases = [...this.#databases.values()];
    this.#databases.clear();
    await Promise.all(databases.map((database) => database.close('the driver was closed')));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal Counters for tests and diagnostics. */
  stats(): MssqlDriverStats {
    const databases = new Map<string, MssqlPoolStats & { readonly openStreams: number; readonly openTransactions: number }>();
    for (const database of this.#databases.values()) {
      const known = databases.get(database.id);
      const own = { ...database.stats(), openStreams: database.streams.size, openTransactions: database.transactions.size };
      databases.set(
        database.id,
        known === undefined
          ? own
          : (Object.fromEntries(Object.entries(own).map(([k, v]) => [k, v + known[k as keyof typeof known]])) as typeof own),
      );
    }
    return { databases };
  }

  /** `mssql://host:port/database` of the database a connection names (`null`: the context's own), without credentials. */
  databaseId(connection: ConnectionRef | null): string {
    return mssqlDatabaseId(this.endpointOf(connection));
  }

  /** @internal The pool key of a connection: one pool per server, database and login. */
  poolKey(connection: ConnectionRef | null): string {
    const endpoint = this.endpointOf(connection);
    return JSON.stringify([
      mssqlDatabaseId(endpoint),
      endpoint.user ?? null,
      endpoint.password ?? null,
      endpoint.encrypt,
      endpoint.trustServerCertificate,
    ]);
  }

  /** @internal How many pools (one per distinct database and login) this driver has made. */
  get poolCount(): number {
    return this.#databases.size;
  }

  private endpointOf(connection: ConnectionRef | null): MssqlEndpoint {
    return resolveMssqlConnection(connection, this.options.endpoint);
  }

  private databaseFor(connection: ConnectionRef | null): MssqlDatabase {
    this.assertOpen();
    const key = this.poolKey(connection);
    let database = this.#databases.get(key);
    if (database === undefined) {
      database = new MssqlDatabase(this.endpointOf(connection), this.options);
      this.#databases.set(key, database);
    }
    return database;
  }

  private assertOpen(): void {
    if (!this.closed) return;
    const id = mssqlDatabaseId(this.options.endpoint);
    throw new DtdeDatabaseError(`The SQL Server driver for ${id} is closed; create a new context.`, { reason: 'closed', database: id });
  }
}

/** Creates the SQL Server driver; validates `options` (throws `DtdeConfigurationError`). */
export function createMssqlDriver(options: MssqlOptions | string): MssqlDriver {
  return new MssqlDriver(options);
}
