import pg from 'pg';
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
  QueryOptions,
  TransactionHandle,
  TransactionOptions,
} from '../database-driver.js';
import { postgresDialect } from './postgres-dialect.js';
import { clientConfig, PostgresDatabase, postgresError, type PostgresPoolStats } from './postgres-database.js';
import {
  parsePostgresOptions,
  postgresDatabaseId,
  resolvePostgresConnection,
  type PostgresEndpoint,
  type PostgresOptions,
  type ResolvedPostgresOptions,
} from './postgres-options.js';
import { PostgresRowStream } from './postgres-row-stream.js';
import { runStatement } from './postgres-statement.js';
import { PostgresTransaction } from './postgres-transaction.js';
import { toPostgresValues } from './to-postgres-values.js';

/** Internal counters, for tests and diagnostics; not part of the public API. */
export interface PostgresDriverStats {
  /** Per database id (`postgres://host:port/database`): the pool's counters and what is open on it. */
  readonly databases: ReadonlyMap<string, PostgresPoolStats & { readonly openStreams: number; readonly openTransactions: number }>;
}

/**
 * The PostgreSQL driver: `pg` 8 with one `pg.Pool` per distinct database (server, database and
 * login), opened lazily; the context's own database and every database a shard connection names.
 * Reads stream through a server-side cursor (`pg-cursor`); `execute` and transactions take a
 * pooled connection each, so transactions on one database run side by side, isolated by
 * PostgreSQL (READ COMMITTED), rather than one after another as on SQLite's single writer.
 *
 * Aborting a query's signal cancels its statement on the server (a CancelRequest, what
 * `pg_cancel_backend` does; a later cursor batch in flight is first given up to 20 ms to arrive,
 * see `PostgresRowStream`); the connection goes back to its pool once the server has stopped,
 * ready for the next caller. `statementTimeoutMs` sets PostgreSQL's own `statement_timeout`.
 * Integers come back as numbers, `bigint` columns as `bigint` when a query asks for
 * `safeIntegers`, `numeric` as exact text, `timestamptz` as `Date`. Parameters are positional
 * (`$1`), given as an array (or the dialect's typed list).
 *
 * @example
 * ```ts
 * const driver = createPostgresDriver('postgres://app:secret@localhost:5432/shop');
 * await driver.ensureDatabase({ database: 'shop_2024' });           // CREATE DATABASE if missing
 * await driver.execute({ database: 'shop_2024' }, 'CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)');
 * for await (const row of driver.query({ database: 'shop_2024' }, 'SELECT * FROM t WHERE id > $1', [10])) console.log(row);
 * await driver.close();
 * ```
 */
export class PostgresDriver implements DatabaseDriver {
  readonly name = 'postgres';
  readonly options: ResolvedPostgresOptions;
  // Private (#): its keys hold the login, which logging the driver must not show.
  readonly #databases = new Map<string, PostgresDatabase>();
  // The database of each connection already resolved (a shard's connection is one object, reused by
  // every query): a query skips validating it and building the key. Emptied when a database goes.
  #resolved = new WeakMap<ConnectionRef, PostgresDatabase>();
  #own: PostgresDatabase | undefined;
  private closed = false;

  constructor(options: PostgresOptions | string) {
    this.options = parsePostgresOptions(options);
  }

  query(
    connection: ConnectionRef | null,
    sql: string,
    parameters: DriverParameters = [],
    options: QueryOptions = {},
  ): AsyncIterable<DriverRow> {
    const database = this.databaseFor(connection);
    const stream = new PostgresRowStream({
      sql,
      values: toPostgresValues(parameters, database.id),
      batchSize: options.batchSize ?? this.options.batchSize,
      safeIntegers: options.safeIntegers ?? false,
      maxRows: options.maxRows,
      signal: options.signal,
      cancelWaitMs: this.options.connectTimeoutMs,
      acquire: () => {
        // Known to the database from its first next() on, so closing the driver can end it.
        database.streams.add(stream);
        return database.acquire();
      },
      error: (error, text) => database.error(error, text),
      onEnd: (ended) => database.streams.delete(ended),
    });
    return stream;
  }

  async execute(
    connection: ConnectionRef | null,
    sql: string,
    parameters: DriverParameters = [],
    options: ExecuteOptions = {},
  ): Promise<ExecuteResult> {
    const database = this.databaseFor(connection);
    const values = toPostgresValues(parameters, database.id);
    const lease = await database.acquire(options.signal);
    try {
      return await runStatement(database, lease, sql, values, options.signal);
    } finally {
      lease.release();
    }
  }

  async beginTransaction(connection: ConnectionRef | null, options: TransactionOptions = {}): Promise<DriverTransaction> {
    const database = this.databaseFor(connection);
    const transaction = await PostgresTransaction.begin(database, options.signal, {
      batchSize: this.options.batchSize,
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
    return `postgres({ ..., pool: { max: ${size} } })`;
  }

  /**
   * Creates the database when it is missing: `CREATE DATABASE`, sent through the server's
   * maintenance database (`postgres` unless `maintenanceDatabase` says otherwise) with the same
   * login. A database that accepts a connection is left as it is. Safe when several processes
   * create the same database at once.
   */
  async ensureDatabase(connection: ConnectionRef | null, options: ExecuteOptions = {}): Promise<void> {
    const database = this.databaseFor(connection);
    try {
      const lease = await database.acquire(options.signal);
      lease.release();
      return;
    } catch (error) {
      if (!(error instanceof DtdeDatabaseError) || error.reason !== 'missing') throw error;
    }
    const name = database.endpoint.database;
    await this.maintenance(database.endpoint, options.signal, async (client) => {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount !== 0) return;
      try {
        await client.query(`CREATE DATABASE ${postgresDialect.quoteIdentifier(name)}`);
      } catch (error) {
        // 42P04: created meanwhile by someone else; 23505: the same race, seen in the catalog.
        const code = (error as { code?: unknown }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    });
  }

  /**
   * Closes this driver's connections to the database (open streams fail with `closed`, open
   * transactions roll back) and drops it with `DROP DATABASE … WITH (FORCE)`, which also ends
   * other sessions on it. A missing database is not an error.
   */
  async deleteDatabase(connection: ConnectionRef | null, options: ExecuteOptions = {}): Promise<void> {
    this.assertOpen();
    options.signal?.throwIfAborted();
    const endpoint = this.endpointOf(connection);
    const id = postgresDatabaseId(endpoint);
    const open = [...this.#databases].filter(([, database]) => database.id === id);
    for (const [key] of open) this.#databases.delete(key);
    this.#resolved = new WeakMap();
    this.#own = undefined;
    await Promise.all(open.map(([, database]) => database.close('the database was deleted')));
    await this.maintenance(endpoint, options.signal, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${postgresDialect.quoteIdentifier(endpoint.database)} WITH (FORCE)`),
    );
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
  stats(): PostgresDriverStats {
    const databases = new Map<string, PostgresPoolStats & { readonly openStreams: number; readonly openTransactions: number }>();
    for (const database of this.#databases.values()) {
      const known = databases.get(database.id);
      const own = { ...database.stats(), openStreams: database.streams.size, openTransactions: database.transactions.size };
      databases.set(
        database.id,
        known === undefined
          ? own
          : {
              total: known.total + own.total,
              idle: known.idle + own.idle,
              waiting: known.waiting + own.waiting,
              leased: known.leased + own.leased,
              cancels: known.cancels + own.cancels,
              openStreams: known.openStreams + own.openStreams,
              openTransactions: known.openTransactions + own.openTransactions,
            },
      );
    }
    return { databases };
  }

  /** `postgres://host:port/database` of the database a connection names (`null`: the context's own). */
  databaseId(connection: ConnectionRef | null): string {
    return postgresDatabaseId(this.endpointOf(connection));
  }

  private endpointOf(connection: ConnectionRef | null): PostgresEndpoint {
    return resolvePostgresConnection(connection, this.options.endpoint);
  }

  private databaseFor(connection: ConnectionRef | null): PostgresDatabase {
    this.assertOpen();
    const known = connection === null ? this.#own : this.#resolved.get(connection);
    if (known !== undefined) return known;
    const database = this.openDatabase(connection);
    if (connection === null) this.#own = database;
    else this.#resolved.set(connection, database);
    return database;
  }

  private openDatabase(connection: ConnectionRef | null): PostgresDatabase {
    const endpoint = this.endpointOf(connection);
    const key = JSON.stringify([postgresDatabaseId(endpoint), endpoint.user ?? null, endpoint.password ?? null, endpoint.ssl]);
    let database = this.#databases.get(key);
    if (database === undefined) {
      database = new PostgresDatabase(endpoint, this.options);
      this.#databases.set(key, database);
    }
    return database;
  }

  /** Runs `fn` on a one-off connection to the server's maintenance database, then closes it. */
  private async maintenance<T>(
    endpoint: PostgresEndpoint,
    signal: AbortSignal | undefined,
    fn: (client: pg.Client) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    const client = new pg.Client({ ...clientConfig(endpoint, this.options), database: this.options.maintenanceDatabase });
    client.on('error', () => undefined);
    const onAbort = (): void => void client.end().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.connect();
      return await fn(client);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw postgresError(endpoint, this.options, error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await client.end().catch(() => undefined);
    }
  }

  private assertOpen(): void {
    if (!this.closed) return;
    throw new DtdeDatabaseError(`The PostgreSQL driver for ${postgresDatabaseId(this.options.endpoint)} is closed; create a new context.`, {
      reason: 'closed',
      database: postgresDatabaseId(this.options.endpoint),
    });
  }
}

/** Creates the PostgreSQL driver; validates `options` (throws `DtdeConfigurationError`). */
export function createPostgresDriver(options: PostgresOptions | string): PostgresDriver {
  return new PostgresDriver(options);
}
