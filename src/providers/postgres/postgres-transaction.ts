import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { DriverParameters, DriverRow, DriverTransaction, ExecuteOptions, ExecuteResult, QueryOptions } from '../database-driver.js';
import type { PostgresDatabase, PostgresLease } from './postgres-database.js';
import { runStatement } from './postgres-statement.js';
import { PostgresRowStream } from './postgres-row-stream.js';
import { toPostgresValues } from './to-postgres-values.js';

/**
 * A transaction on one pooled connection of one database, begun with `BEGIN` (READ COMMITTED,
 * PostgreSQL's default). It keeps the connection until it commits or rolls back; other
 * transactions on the same database run at the same time on other connections, isolated by
 * PostgreSQL (row locks make conflicting writers wait).
 *
 * A statement that fails inside leaves PostgreSQL's transaction aborted: later statements fail
 * (SQLSTATE 25P02) and `commit()` rolls back and throws, so a failed transaction never half
 * commits.
 */
export class PostgresTransaction implements DriverTransaction {
  private current: 'active' | 'committed' | 'rolledBack' = 'active';
  private readonly streams = new Set<PostgresRowStream>();
  private ending: Promise<void> | undefined;

  private constructor(
    private readonly database: PostgresDatabase,
    private readonly lease: PostgresLease,
    private readonly settings: { readonly batchSize: number; readonly onEnd: (t: PostgresTransaction) => void },
  ) {}

  /** Begins a transaction on a connection of `database`. */
  static async begin(
    database: PostgresDatabase,
    signal: AbortSignal | undefined,
    settings: { readonly batchSize: number; readonly onEnd: (t: PostgresTransaction) => void },
  ): Promise<PostgresTransaction> {
    const lease = await database.acquire(signal);
    try {
      await lease.client.query('BEGIN');
    } catch (error) {
      lease.release(true);
      throw database.error(error, 'BEGIN');
    }
    return new PostgresTransaction(database, lease, settings);
  }

  get state(): 'active' | 'committed' | 'rolledBack' {
    return this.current;
  }

  query(sql: string, parameters: DriverParameters = [], options: QueryOptions = {}): AsyncIterable<DriverRow> {
    this.assertActive(sql);
    const values = toPostgresValues(parameters, this.database.id);
    const stream = new PostgresRowStream({
      sql,
      values,
      batchSize: options.batchSize ?? this.settings.batchSize,
      safeIntegers: options.safeIntegers ?? false,
      maxRows: options.maxRows,
      signal: options.signal,
      cancelWaitMs: this.database.options.connectTimeoutMs,
      acquire: async () => {
        // Checked when the stream starts: the transaction may have ended since query() was called.
        this.assertActive(sql);
        this.assertNoOpenStream(sql);
        return { client: this.lease.client, cancel: () => this.lease.cancel(), release: () => undefined };
      },
      error: (error, text) => this.database.error(error, text),
      onEnd: (ended) => this.streams.delete(ended),
    });
    this.streams.add(stream);
    return stream;
  }

  async execute(sql: string, parameters: DriverParameters = [], options: ExecuteOptions = {}): Promise<ExecuteResult> {
    options.signal?.throwIfAborted();
    this.assertActive(sql);
    this.assertNoOpenStream(sql);
    const values = toPostgresValues(parameters, this.database.id);
    return runStatement(this.database, this.lease, sql, values, options.signal);
  }

  async commit(): Promise<void> {
    this.assertActive('COMMIT');
    await this.closeStreams();
    let result: { command?: string };
    try {
      result = await this.lease.client.query('COMMIT');
    } catch (error) {
      // A failed COMMIT (a deferred constraint) has rolled back already.
      await this.end('rolledBack', false);
      throw this.database.error(error, 'COMMIT');
    }
    if (result.command === 'ROLLBACK') {
      // COMMIT of a transaction a failed statement aborted: PostgreSQL answers ROLLBACK, not an error.
      await this.end('rolledBack', false);
      throw new DtdeDatabaseError(
        `The transaction on PostgreSQL database ${this.database.id} was rolled back, not committed, because a statement in it failed earlier. ` +
          'Handle the statement error inside the transaction, or retry the whole transaction.',
        { reason: 'failed', database: this.database.id, sql: 'COMMIT', driverCode: '25P02' },
      );
    }
    await this.end('committed', false);
  }

  async rollback(): Promise<void> {
    if (this.current !== 'active') return this.ending;
    await this.end('rolledBack', true);
  }

  /** Rolls back and fails open streams with `error` (the driver is closing or deleting the database). */
  async abandon(error: unknown): Promise<void> {
    if (this.current !== 'active') return this.ending;
    await Promise.allSettled([...this.streams].map((stream) => stream.fail(error)));
    await this.end('rolledBack', true);
  }

  /** Ends the transaction: rolls back when asked, gives the connection back (closed if the rollback failed). */
  private end(state: 'committed' | 'rolledBack', rollback: boolean): Promise<void> {
    this.current = state;
    this.ending = (async () => {
      let healthy = true;
      try {
        await this.closeStreams();
        if (rollback) await this.lease.client.query('ROLLBACK');
      } catch {
        healthy = false; // the connection's state is unknown: close it rather than reuse it
      } finally {
        this.lease.release(!healthy);
        this.settings.onEnd(this);
      }
    })();
    return this.ending;
  }

  private async closeStreams(): Promise<void> {
    const open = [...this.streams];
    this.streams.clear();
    await Promise.allSettled(open.map((stream) => stream.close()));
  }

  private assertActive(sql: string): void {
    if (this.current === 'active') return;
    throw new DtdeDatabaseError(
      `This transaction on PostgreSQL database ${this.database.id} has already ${this.current === 'committed' ? 'committed' : 'rolled back'}; ` +
        'run statements inside the transaction callback, or begin a new transaction.',
      { reason: 'transactionEnded', database: this.database.id, sql },
    );
  }

  private assertNoOpenStream(sql: string): void {
    const busy = [...this.streams].some((stream) => stream.isRunning);
    if (!busy) return;
    throw new DtdeDatabaseError(
      `A query of this transaction on PostgreSQL database ${this.database.id} is still open, and a transaction has one connection. ` +
        'Finish or break the open query before the next statement.',
      { reason: 'failed', database: this.database.id, sql },
    );
  }
}
