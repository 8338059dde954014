import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DriverParameters, DriverRow } from '../database-driver.js';
import type { SqliteLease } from './sqlite-read-pool.js';

export interface SqliteRowStreamSource {
  readonly sql: string;
  readonly parameters: DriverParameters;
  readonly batchSize: number;
  readonly safeIntegers: boolean;
  readonly signal: AbortSignal | undefined;
  /**
   * Lends the connection to iterate on. `cancel` gives the signal that withdraws the request when
   * the stream is closed first; a pool that lends at once need not ask for it (a signal costs more
   * than a cached query's planning), and the stream hands back a lease that comes too late.
   */
  acquire(cancel: () => AbortSignal): Promise<SqliteLease>;
  /** Called once when the stream has released its connection, whatever the reason. */
  onEnd(stream: SqliteRowStream): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The rows of one statement as an async iterator. The connection is leased on the first
 * `next()`, rows are read synchronously in batches, and the stream yields to the event loop
 * between batches so the other shard streams of a merge, timers and abort signals get their
 * turn. The connection goes back as soon as the last row is read, on error, on `return()`
 * (a `break` out of `for await`), on abort, or when the driver closes the stream.
 */
export class SqliteRowStream implements AsyncIterableIterator<DriverRow> {
  private lease: SqliteLease | undefined;
  private rows: Iterator<DriverRow> | undefined;
  private buffer: DriverRow[] = [];
  private index = 0;
  private started = false;
  private exhausted = false;
  private ended = false;
  /** Thrown by the next `next()` after the stream was closed from outside; null: end quietly. */
  private failure: { error: unknown } | null = null;
  /** Cancels a pending connection acquire when the stream is closed; made only when the pool has to wait. */
  private cancel: AbortController | undefined;
  private acquiring = false;
  private tail: Promise<unknown> = Promise.resolve();
  /** `next()` calls queued behind `tail` and not yet settled. */
  private pending = 0;
  private readonly onAbort = (): void => this.fail(this.source.signal?.reason);

  constructor(private readonly source: SqliteRowStreamSource) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<DriverRow, undefined>> {
    // A row already read, with no call in flight: hand it over without queueing behind `tail`
    // (a page of rows then costs one promise per row, not a chain of them).
    if (this.pending === 0 && !this.ended && this.index < this.buffer.length && this.source.signal?.aborted !== true) {
      return Promise.resolve({ done: false, value: this.buffer[this.index++] as DriverRow });
    }
    // Calls are served in order even if a caller does not await the previous one.
    const result = this.tail.then(() => this.pull());
    this.pending++;
    const settled = (): void => {
      this.pending--;
    };
    this.tail = result.then(settled, settled);
    return result;
  }

  async return(): Promise<IteratorResult<DriverRow, undefined>> {
    this.close();
    this.failure = null;
    return DONE;
  }

  /** Ends the stream now and releases its connection; the next `next()` reports done. */
  close(): void {
    this.end(null);
  }

  /** Ends the stream now and releases its connection; the next `next()` throws `error` (abort, driver closing). */
  fail(error: unknown): void {
    this.end({ error });
  }

  private end(failure: { error: unknown } | null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = failure;
    this.buffer = [];
    // Only a pending lease needs cancelling; aborting after it builds a DOMException per query for nothing.
    if (this.acquiring) this.cancel?.abort();
    this.source.signal?.removeEventListener('abort', this.onAbort);
    try {
      // Closes the better-sqlite3 iterator: resets the statement so the connection is free again.
      this.rows?.return?.();
    } finally {
      this.rows = undefined;
      this.lease?.release();
      this.lease = undefined;
      this.source.onEnd(this);
    }
  }

  private async pull(): Promise<IteratorResult<DriverRow, undefined>> {
    const { signal } = this.source;
    if (signal?.aborted && !this.ended) this.fail(signal.reason);
    if (this.ended) return this.endResult();
    if (this.index < this.buffer.length) return { done: false, value: this.buffer[this.index++] as DriverRow };
    if (this.exhausted) {
      this.close();
      return DONE;
    }
    if (!this.started) {
      await this.open();
    } else {
      await yieldToEventLoop();
    }
    if (this.ended) return this.endResult();
    this.readBatch();
    if (this.ended) return this.endResult();
    if (this.index < this.buffer.length) return { done: false, value: this.buffer[this.index++] as DriverRow };
    this.close();
    return DONE;
  }

  private async open(): Promise<void> {
    this.started = true;
    this.source.signal?.addEventListener('abort', this.onAbort, { once: true });
    let lease: SqliteLease;
    this.acquiring = true;
    try {
      lease = await this.source.acquire(() => (this.cancel ??= new AbortController()).signal);
    } catch (error) {
      if (!this.ended) this.fail(error);
      return;
    } finally {
      this.acquiring = false;
    }
    if (this.ended) {
      lease.release();
      return;
    }
    this.lease = lease;
    try {
      this.rows = lease.connection.iterate(this.source.sql, this.source.parameters, this.source.safeIntegers);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Reads up to `batchSize` rows synchronously; releases the connection once the last row is read. */
  private readBatch(): void {
    const rows = this.rows;
    const lease = this.lease;
    if (rows === undefined || lease === undefined) return;
    const batch: DriverRow[] = [];
    try {
      while (batch.length < this.source.batchSize) {
        const next = rows.next();
        if (next.done === true) {
          this.exhausted = true;
          break;
        }
        batch.push(next.value);
      }
    } catch (error) {
      this.fail(lease.connection.error(error, this.source.sql));
      return;
    }
    this.buffer = batch;
    this.index = 0;
    if (this.exhausted) this.releaseEarly();
  }

  /** The engine has nothing more: hand the connection back while the consumer drains the buffer. */
  private releaseEarly(): void {
    this.rows = undefined;
    this.lease?.release();
    this.lease = undefined;
  }

  private endResult(): IteratorResult<DriverRow, undefined> {
    const failure = this.failure;
    this.failure = null;
    if (failure !== null) throw failure.error;
    return DONE;
  }
}
