import type sql from 'mssql';
import { DtdeDatabaseError } from '../../errors/dtde-database-error.js';
import type { DriverParameters, DriverRow, DriverTransaction, ExecuteOptions, ExecuteResult, QueryOptions } from '../database-driver.js';
import type { MssqlDatabase } from './mssql-database.js';
import { MssqlRowStream } from './mssql-row-stream.js';
import { runMssqlStatement } from './mssql-statement.js';
import { toMssqlInputs } from './to-mssql-inputs.js';

interface TransactionSettings {
  readonly batchSize: number;
  readonly cancelWaitMs: number;
  readonly onEnd: (transaction: MssqlTransaction) => void;
}

/**
 * A transaction on one pooled connection of one database (`mssql`'s `Transaction`, READ
 * COMMITTED, SQL Server's default). It keeps the connection until it commits or rolls back; other
 * transactions on the same database run at the same time on other connections, isolated by SQL
 * Server's locks.
 *
 * SQL Server leaves a transaction open after most failed statements (unless the error dooms it),
 * so that a caller could go on and commit the rest; dtde does not: once a statement of the
 * transaction failed, `commit()` rolls back and throws, as on the other engines. A failed
 * transaction never half commits.
 */
export class MssqlTransaction implements DriverTransaction {
  private current: 'active' | 'committed' | 'rolledBack' = 'active';
  private readonly streams = new Set<MssqlRowStream>();
  private ending: Promise<void> | undefined;
  /** The first statement that failed, if any: the commit refuses to go through after it. */
  private failed: { readonly sql: string; readonly driverCode: string | undefined } | undefined;
  /** The server rolled the transaction back by itself (a deadlock victim, a dooming error). */
  private abortedByServer = false;

  private constructor(
    private readonly database: MssqlDatabase,
    private readonly tx: sql.Transaction,
    private readonly release: () => void,
    private readonly settings: TransactionSettings,
  ) {
    tx.on('rollback', (aborted: boolean) => {
      if (aborted) this.abortedByServer = true;
    });
  }

  /** Begins a transaction on a connection of `database`; aborting `signal` before it has begun rolls it back. */
  static async begin(database: MssqlDatabase, signal: AbortSignal | undefined, settings: TransactionSettings): Promise<MssqlTransaction> {
    const lease = await database.lease(signal);
    const tx = lease.transaction();
    try {
      await tx.begin();
    } catch (error) {
      lease.release();
      throw database.error(error, 'BEGIN TRANSACTION');
    }
    if (signal?.aborted) {
      await tx.rollback().catch(() => undefined);
      lease.release();
      throw signal.reason;
    }
    return new MssqlTransaction(database, tx, lease.release, settings);
  }

  get state(): 'active' | 'committed' | 'rolledBack' {
    return this.current;
  }

  query(text: string, parameters: DriverParameters = [], options: QueryOptions = {}): AsyncIterable<DriverRow> {
    this.assertActive(text);
    const stream = new MssqlRowStream({
      sql: text,
      inputs: toMssqlInputs(parameters, this.database.id),
      batchSize: options.batchSize ?? this.settings.batchSize,
      safeIntegers: options.safeIntegers ?? false,
      signal: options.signal,
      cancelWaitMs: this.settings.cancelWaitMs,
      request: async () => {
        // Checked when the stream starts: the transaction may have ended since query() was called.
        this.assertActive(text);
        this.assertNoOpenStream(text);
        // The transaction's own connection, given back when the transaction ends.
        return { request: this.newRequest(), release: () => undefined };
      },
      error: (error, sqlText) => this.statementFailed(error, sqlText),
      onEnd: (ended) => this.streams.delete(ended),
    });
    this.streams.add(stream);
    return stream;
  }

  async execute(text: string, parameters: DriverParameters = [], options: ExecuteOptions = {}): Promise<ExecuteResult> {
    options.signal?.throwIfAborted();
    this.assertActive(text);
    this.assertNoOpenStream(text);
    const inputs = toMssqlInputs(parameters, this.database.id);
    try {
      return await runMssqlStatement(this.newRequest(), text, inputs, options.signal);
    } catch (error) {
      if (options.signal?.aborted && error === options.signal.reason) {
        this.failed ??= { sql: text, driverCode: undefined };
        throw error;
      }
      throw this.statementFailed(error, text);
    }
  }

  async commit(): Promise<void> {
    this.assertActive('COMMIT');
    await this.closeStreams();
    if (this.failed !== undefined || this.abortedByServer) {
      const failed = this.failed;
      await this.end('rolledBack', true);
      throw new DtdeDatabaseError(
        `The transaction on SQL Server database ${this.database.id} was rolled back, not committed, because a statement in it failed earlier. ` +
          'Handle the statement error inside the transaction, or retry the whole transaction.',
        { reason: 'failed', database: this.database.id, sql: failed?.sql ?? 'COMMIT', driverCode: failed?.driverCode },
      );
    }
    try {
      await this.tx.commit();
    } catch (error) {
      await this.end('rolledBack', true);
      throw this.database.error(error, 'COMMIT TRANSACTION');
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

  private newRequest(): sql.Request {
    // The constructor lives on the module; the transaction's own request keeps its connection.
    return this.tx.request();
  }

  private statementFailed(error: unknown, text: string) {
    const mapped = this.database.error(error, text);
    this.failed ??= { sql: text, driverCode: mapped instanceof DtdeDatabaseError ? mapped.driverCode : undefined };
    return mapped;
  }

  /** Ends the transaction: rolls back when asked (the server may have already), then forgets it. */
  private end(state: 'committed' | 'rolledBack', rollback: boolean): Promise<void> {
    this.current = state;
    this.ending = (async () => {
      try {
        await this.closeStreams();
        if (rollback && !this.abortedByServer) await this.tx.rollback();
      } catch {
        // A rollback that fails leaves nothing to undo: the server ended the transaction already,
        // or the connection is gone (mssql then closes it instead of pooling it).
      } finally {
        this.release();
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

  private assertActive(text: string): void {
    if (this.current === 'active') return;
    throw new DtdeDatabaseError(
      `This transaction on SQL Server database ${this.database.id} has already ${this.current === 'committed' ? 'committed' : 'rolled back'}; ` +
        'run statements inside the transaction callback, or begin a new transaction.',
      { reason: 'transactionEnded', database: this.database.id, sql: text },
    );
  }

  private assertNoOpenStream(text: string): void {
    const busy = [...this.streams].some((stream) => stream.isRunning);
    if (!busy) return;
    throw new DtdeDatabaseError(
      `A query of this transaction on SQL Server database ${this.database.id} is still open, and a transaction has one connection. ` +
        'Finish or break the open query before the next statement.',
      { reason: 'failed', database: this.database.id, sql: text },
    );
  }
}
