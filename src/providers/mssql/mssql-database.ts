import type sql from 'mssql';
import { loadMssql } from './load-mssql.js';
import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { DtdeError } from '../../errors/dtde-error.js';
import { MssqlConnectionSlots } from './mssql-connection-slots.js';
import { type MssqlEndpoint, mssqlDatabaseId, type ResolvedMssqlOptions } from './mssql-options.js';
import type { MssqlRowStream } from './mssql-row-stream.js';
import type { MssqlTransaction } from './mssql-transaction.js';
import { toMssqlDatabaseError } from './to-mssql-database-error.js';

/** Pool counters, for tests and diagnostics. */
export interface MssqlPoolStats {
  /** Connections open (idle or lent) or being opened. */
  readonly size: number;
  /** Idle connections. */
  readonly available: number;
  /** Connections `mssql` has lent and not yet got back. */
  readonly borrowed: number;
  /** Streams, statements and transactions holding one of the pool's connections (or about to). */
  readonly leased: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
}

/**
 * One of the pool's connections, promised to one stream, statement or transaction until
 * `release()`: a request (or a transaction) made from it runs without waiting in `mssql`'s pool.
 */
export interface MssqlLease {
  request(): sql.Request;
  transaction(): sql.Transaction;
  /** Gives the connection back once its request or transaction has finished. Idempotent. */
  release(): void;
}

/**
 * Everything the driver holds for one database (one server, database and login): an `mssql`
 * `ConnectionPool` of its own (never the module's global pool), connected on first use; the
 * slots that lend its connections (see `MssqlConnectionSlots`); and the streams and transactions
 * open on it so that closing the driver or deleting the database can end them first.
 */
export class MssqlDatabase {
  readonly id: string;
  readonly streams = new Set<MssqlRowStream>();
  readonly transactions = new Set<MssqlTransaction>();
  private pool: sql.ConnectionPool | undefined;
  private connecting: Promise<sql.ConnectionPool> | undefined;
  private readonly slots: MssqlConnectionSlots;
  private closed = false;

  constructor(
    readonly endpoint: MssqlEndpoint,
    readonly options: ResolvedMssqlOptions,
  ) {
    this.id = mssqlDatabaseId(endpoint);
    this.slots = new MssqlConnectionSlots(options.pool.max, options.connectTimeoutMs, () => this.poolExhausted());
  }

  /**
   * Waits for one of the pool's connections (in arrival order), connecting the pool on first use.
   * Aborting `signal` rejects at once with its reason; no connection within `connectTimeoutMs` is a
   * `poolExhausted` error.
   */
  async lease(signal?: AbortSignal): Promise<MssqlLease> {
    this.assertOpen();
    const release = await this.slots.take(signal);
    let pool: sql.ConnectionPool;
    try {
      pool = await this.connected(signal);
      this.assertOpen();
    } catch (error) {
      release();
      throw error;
    }
    const mssql = loadMssql();
    return { request: () => new mssql.Request(pool), transaction: () => new mssql.Transaction(pool), release };
  }

  /**
   * The connected pool (the first call opens its first connection, which checks the login).
   * Aborting `signal` rejects at once with its reason; a failed connect is retried by the next call.
   */
  async connected(signal?: AbortSignal): Promise<sql.ConnectionPool> {
    this.assertOpen();
    signal?.throwIfAborted();
    this.connecting ??= this.connect();
    const connecting = this.connecting;
    if (signal === undefined) return connecting;
    return new Promise<sql.ConnectionPool>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      connecting.then(
        (pool) => {
          signal.removeEventListener('abort', onAbort);
          resolve(pool);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Counters of the pool (connections all zero before the first one). */
  stats(): MssqlPoolStats {
    const pool = this.pool;
    const { used, waiting } = this.slots.counts;
    if (pool === undefined || !pool.connected) return { size: 0, available: 0, borrowed: 0, leased: used, waiting };
    return { size: pool.size, available: pool.available, borrowed: pool.borrowed, leased: used, waiting };
  }

  /** A `DtdeDatabaseError` for anything mssql threw on this database. */
  error(error: unknown, text?: string): DtdeError {
    return mssqlError(this.endpoint, this.options, error, text);
  }

  closedError(why: string): DtdeDatabaseError {
    return new DtdeDatabaseError(
      `SQL Server database ${this.id} was closed while in use (${why}). Finish queries and transactions before closing.`,
      { reason: 'closed', database: this.id },
    );
  }

  private poolExhausted(): DtdeDatabaseError {
    return new DtdeDatabaseError(
      `No connection to SQL Server database ${this.id} became free within ${this.options.connectTimeoutMs} ms ` +
        `(the pool holds ${this.options.pool.max}). Raise mssql({ pool: { max } }) or connectTimeoutMs, or lower maxParallelShards.`,
      { reason: 'poolExhausted', database: this.id },
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Ends everything on this database without waiting for callers: open streams fail with
   * `closed` (their requests are cancelled), open transactions roll back, then the pool closes.
   */
  async close(why: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = this.closedError(why);
    this.slots.failWaiting(error);
    const endings: Promise<unknown>[] = [];
    for (const stream of this.streams) endings.push(stream.fail(error));
    for (const transaction of this.transactions) endings.push(transaction.abandon(error));
    await Promise.allSettled(endings);
    await this.connecting?.catch(() => undefined);
    await this.pool?.close().catch(() => undefined);
  }

  private async connect(): Promise<sql.ConnectionPool> {
    const pool = new (loadMssql().ConnectionPool)(poolConfig(this.endpoint, this.options));
    // An idle connection the server ends, or a failed acquire, is reported here as well as to its
    // caller; without a listener Node would treat the event as an uncaught error.
    pool.on('error', () => undefined);
    this.pool = pool;
    try {
      await pool.connect();
    } catch (error) {
      this.connecting = undefined;
      this.pool = undefined;
      await pool.close().catch(() => undefined);
      throw this.error(error);
    }
    if (this.closed) {
      await pool.close().catch(() => undefined);
      throw this.closedError('the driver was closed');
    }
    return pool;
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedError('the driver was closed or the database deleted');
  }
}

/** A `DtdeDatabaseError` for anything mssql threw on the database `endpoint` names. */
export function mssqlError(endpoint: MssqlEndpoint, options: ResolvedMssqlOptions, error: unknown, text?: string): DtdeError {
  return toMssqlDatabaseError(error, {
    database: mssqlDatabaseId(endpoint),
    sql: text,
    password: endpoint.password,
    poolMax: options.pool.max,
    connectTimeoutMs: options.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });
}

/**
 * The `mssql` pool configuration of an endpoint: login, TLS, timeouts, UTC dates, and a pool of
 * `options.pool` size. Connections are checked by their socket, not by a `SELECT 1` per acquire.
 */
export function poolConfig(endpoint: MssqlEndpoint, options: ResolvedMssqlOptions, database = endpoint.database): sql.config {
  return {
    server: endpoint.server,
    ...(endpoint.port !== undefined ? { port: endpoint.port } : {}),
    database,
    user: endpoint.user,
    password: endpoint.password,
    connectionTimeout: options.connectTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    pool: {
      min: options.pool.min,
      max: options.pool.max,
      idleTimeoutMillis: options.pool.idleTimeoutMs,
      acquireTimeoutMillis: options.connectTimeoutMs,
      createTimeoutMillis: options.connectTimeoutMs,
    },
    options: {
      encrypt: endpoint.encrypt as boolean,
      trustServerCertificate: endpoint.trustServerCertificate,
      ...(endpoint.instanceName !== undefined ? { instanceName: endpoint.instanceName } : {}),
      appName: options.applicationName,
      // datetime2 values are read and written as UTC instants, as dtde's dates are.
      useUTC: true,
      enableArithAbort: true,
    },
    validateConnection: 'socket',
  } as sql.config;
}
