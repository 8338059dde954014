import pg from 'pg';
import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { DtdeError } from '../../errors/dtde-error.js';
import { sendCancelRequest } from './postgres-cancel.js';
import type { PostgresEndpoint, ResolvedPostgresOptions } from './postgres-options.js';
import { postgresDatabaseId } from './postgres-options.js';
import type { PostgresRowStream } from './postgres-row-stream.js';
import type { PostgresTransaction } from './postgres-transaction.js';
import { POSTGRES_TYPES } from './postgres-types.js';
import { toPostgresDatabaseError } from './to-postgres-database-error.js';

/** A pooled connection lent to one stream, statement or transaction. */
export interface PostgresLease {
  readonly client: pg.PoolClient;
  /** Cancels what the connection runs now (a CancelRequest); resolves once the server took it. */
  cancel(): Promise<void>;
  /** Gives the connection back; `destroy` closes it instead (its state is unknown). Idempotent. */
  release(destroy?: boolean): void;
}

/** Pool counters, for tests and diagnostics. */
export interface PostgresPoolStats {
  /** Connections open, idle or lent. */
  readonly total: number;
  readonly idle: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
  /** Connections lent and not yet given back. */
  readonly leased: number;
  /** CancelRequests sent to stop a running statement. */
  readonly cancels: number;
}

/**
 * Everything the driver holds for one database (one server, database and login): a `pg.Pool`, and
 * the streams and transactions open on it so that closing the driver or deleting the database
 * can end them first. The pool opens connections lazily; idle ones do not keep Node running.
 */
export class PostgresDatabase {
  readonly id: string;
  readonly streams = new Set<PostgresRowStream>();
  readonly transactions = new Set<PostgresTransaction>();
  private readonly pool: pg.Pool;
  private leased = 0;
  private cancels = 0;
  private closed = false;

  constructor(
    readonly endpoint: PostgresEndpoint,
    readonly options: ResolvedPostgresOptions,
  ) {
    this.id = postgresDatabaseId(endpoint);
    this.pool = new pg.Pool({
      ...clientConfig(endpoint, options),
      min: options.pool.min,
      max: options.pool.max,
      idleTimeoutMillis: options.pool.idleTimeoutMs,
      allowExitOnIdle: true,
    });
    // An idle connection the server ends (restart, pg_terminate_backend) is dropped by the pool;
    // without a listener Node would treat the event as an uncaught error.
    this.pool.on('error', () => undefined);
  }

  /**
   * Waits for a pooled connection. Aborting `signal` rejects at once with its reason; the
   * connection that arrives later goes straight back (pg's pool cannot withdraw a waiting request).
   */
  async acquire(signal?: AbortSignal): Promise<PostgresLease> {
    this.assertOpen();
    signal?.throwIfAborted();
    const pending = this.pool.connect();
    if (signal === undefined) {
      // Nothing to withdraw from: one promise turn fewer before the query is sent.
      let client: pg.PoolClient;
      try {
        client = await pending;
      } catch (error) {
        throw this.error(error);
      }
      if (!this.closed) return this.lease(client);
      client.release();
      throw this.closedError('the driver was closed');
    }
    const client = await new Promise<pg.PoolClient>((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (acquired) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted || this.closed) acquired.release();
          if (signal?.aborted) return;
          if (this.closed) reject(this.closedError('the driver was closed'));
          else resolve(acquired);
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          if (!signal?.aborted) reject(this.error(error));
        },
      );
    });
    return this.lease(client);
  }

  /** Counters of the pool. */
  stats(): PostgresPoolStats {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      leased: this.leased,
      cancels: this.cancels,
    };
  }

  /** A `DtdeDatabaseError` for anything pg threw on this database. */
  error(error: unknown, sql?: string): DtdeError {
    return postgresError(this.endpoint, this.options, error, sql);
  }

  closedError(why: string): DtdeDatabaseError {
    return new DtdeDatabaseError(
      `PostgreSQL database ${this.id} was closed while in use (${why}). Finish queries and transactions before closing.`,
      { reason: 'closed', database: this.id },
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Ends everything on this database without waiting for callers: open streams fail with
   * `closed` (their statements are cancelled), open transactions roll back, then the pool closes.
   */
  async close(why: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = this.closedError(why);
    const endings: Promise<unknown>[] = [];
    for (const stream of this.streams) endings.push(stream.fail(error));
    for (const transaction of this.transactions) endings.push(transaction.abandon(error));
    await Promise.allSettled(endings);
    await this.pool.end().catch(() => undefined);
  }

  private lease(client: pg.PoolClient): PostgresLease {
    this.leased++;
    // A connection the server ends while lent: pg fails its query and emits 'error' here too.
    const onError = (): void => undefined;
    client.on('error', onError);
    let released = false;
    const key = client as unknown as { processID: number | null; secretKey: number | null };
    return {
      client,
      cancel: () => {
        if (released || key.processID === null || key.secretKey === null) return Promise.resolve();
        this.cancels++;
        return sendCancelRequest(this.endpoint, { processID: key.processID, secretKey: key.secretKey }, this.options.connectTimeoutMs);
      },
      release: (destroy = false) => {
        if (released) return;
        released = true;
        this.leased--;
        client.off('error', onError);
        client.release(destroy ? new Error('dtde closed a connection whose state is unknown') : undefined);
      },
    };
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedError('the driver was closed or the database deleted');
  }
}

/** A `DtdeDatabaseError` for anything pg threw on the database `endpoint` names. */
export function postgresError(endpoint: PostgresEndpoint, options: ResolvedPostgresOptions, error: unknown, sql?: string): DtdeError {
  return toPostgresDatabaseError(error, {
    database: postgresDatabaseId(endpoint),
    sql,
    password: endpoint.password,
    poolMax: options.pool.max,
    connectTimeoutMs: options.connectTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs,
  });
}

/** The `pg` client settings of an endpoint (no pool settings): login, TLS, timeouts, type parsers. */
export function clientConfig(endpoint: PostgresEndpoint, options: ResolvedPostgresOptions): pg.ClientConfig {
  return {
    host: endpoint.host,
    port: endpoint.port,
    database: endpoint.database,
    user: endpoint.user,
    password: endpoint.password,
    ssl: endpoint.ssl === false ? false : { ...endpoint.ssl },
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: options.applicationName,
    ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    // No session settings through startup options (connection poolers such as PgBouncer refuse
    // them): dates are bound as UTC text, read as instants, and split into parts AT TIME ZONE 'UTC'.
    // int8 as bigint, the parsers of dtde's own reads, so that they need no per-query config
    // object (pg copies one property by property); a read asking for numbers passes its own.
    types: POSTGRES_TYPES.safeIntegers,
  };
}
