import Cursor from 'pg-cursor';
import type { DtdeError } from '../../errors/dtde-error.js';
import type { DriverRow } from '../database-driver.js';
import type { PostgresLease } from './postgres-database.js';
import { POSTGRES_TYPES } from './postgres-types.js';

export interface PostgresRowStreamSource {
  readonly sql: string;
  readonly values: readonly unknown[];
  readonly batchSize: number;
  /** The most rows the statement can return, when known: at most `batchSize` reads it whole, without a cursor. */
  readonly maxRows?: number;
  readonly safeIntegers: boolean;
  readonly signal: AbortSignal | undefined;
  /** Lends the connection to run on. */
  acquire(): Promise<PostgresLease>;
  /** The error to throw for what pg threw. */
  error(error: unknown, sql: string): DtdeError;
  /** Most milliseconds to wait for the server to stop a cancelled statement before dropping the connection. */
  readonly cancelWaitMs: number;
  /** Called once when the stream has given its connection back, whatever the reason. */
  onEnd(stream: PostgresRowStream): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Bounds of the wait for an in-flight batch before cancelling it (see `giveBack`). */
const MIN_GRACE_MS = 2;
const MAX_GRACE_MS = 20;

/**
 * The rows of one statement as an async iterator over a server-side cursor (a portal read
 * `batchSize` rows per round trip): the server computes the next batch only when the consumer
 * asks, so a slow consumer holds back the query (back-pressure) and memory stays at one batch.
 *
 * The connection is leased on the first `next()` and goes back as soon as the last row is read,
 * on error, on `return()` (a `break` out of `for await`), on abort, or when the driver closes the
 * stream. A statement still running then (a batch in flight) is cancelled with a CancelRequest and
 * the connection is given back only after the server has answered, so it is usable by the next
 * caller; if the server does not answer within `cancelWaitMs`, the connection is closed instead.
 * `return()` and a failing `next()` settle after the connection is back.
 */
export class PostgresRowStream implements AsyncIterableIterator<DriverRow> {
  private lease: PostgresLease | undefined;
  private cursor: Cursor<DriverRow> | undefined;
  /** A small statement's rows, read whole by a plain query (sent, not yet read) instead of a cursor. */
  private whole: Promise<DriverRow[]> | undefined;
  /** The batch being fetched, while one is. */
  private reading: Promise<DriverRow[]> | undefined;
  private buffer: DriverRow[] = [];
  private index = 0;
  private started = false;
  private exhausted = false;
  private ended = false;
  /** Thrown by the next `next()` after the stream was ended from outside; null: end quietly. */
  private failure: { error: unknown } | null = null;
  /** Settles when the connection is back (or closed). */
  private closing: Promise<void> | undefined;
  /**
   * Stops waiting for a pending connection when the stream ends (the connection that comes later
   * goes straight back). A plain callback: an AbortController with its listener costs more than
   * the rest of a small query's own work.
   */
  private withdraw: (() => void) | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  /** Calls of `next()` whose answer is not settled yet. */
  private pending = 0;
  /** How long the last batch read of the cursor took (undefined before the first): see `giveBack`. */
  private lastBatchMs: number | undefined;
  private readonly onAbort = (): void => void this.fail(this.source.signal?.reason);

  constructor(private readonly source: PostgresRowStreamSource) {}

  /** Whether the stream holds its connection now (started, not yet ended or drained). */
  get isRunning(): boolean {
    return this.lease !== undefined;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<DriverRow, undefined>> {
    // A row already read, with no call before this one still pending: no need to queue behind them.
    if (this.pending === 0 && !this.ended && this.index < this.buffer.length && this.source.signal?.aborted !== true) {
      return Promise.resolve({ done: false, value: this.buffer[this.index++]! });
    }
    // Calls are served in order even if a caller does not await the previous one.
    this.pending++;
    const result = this.tail.then(() => this.pull());
    this.tail = result.then(
      () => void this.pending--,
      () => void this.pending--,
    );
    return result;
  }

  async return(): Promise<IteratorResult<DriverRow, undefined>> {
    await this.end(null);
    this.failure = null;
    return DONE;
  }

  /** Ends the stream now; the next `next()` reports done. Settles once the connection is back. */
  close(): Promise<void> {
    return this.end(null);
  }

  /** Ends the stream now; the next `next()` throws `error` (abort, driver closing). Settles once the connection is back. */
  fail(error: unknown): Promise<void> {
    return this.end({ error });
  }

  private end(failure: { error: unknown } | null): Promise<void> {
    if (this.ended) return this.closing ?? Promise.resolve();
    this.ended = true;
    this.failure = failure;
    this.buffer = [];
    this.withdraw?.();
    this.source.signal?.removeEventListener('abort', this.onAbort);
    this.closing = this.giveBack();
    return this.closing;
  }

  /**
   * Stops the statement if it runs, closes the cursor and gives the connection back. A stream
   * ended (a merge that has its page, an abort, a timeout) while a later batch of its cursor is in
   * flight first gives that batch a moment to arrive, twice as long as the previous batch took
   * (2 to 20 ms): reading on from an open portal is usually quick, and a CancelRequest is a new
   * connection to the server (PostgreSQL starts a process for it), which cost a 4-shard page more
   * than the rows it stopped. The first read runs the statement itself, which may be slow: it is
   * cancelled at once.
   */
  private async giveBack(): Promise<void> {
    const lease = this.lease;
    let cursor = this.cursor;
    // A small statement sent whole and not yet read is in flight as much as a batch is.
    let reading = this.reading ?? this.whole;
    this.lease = undefined;
    this.cursor = undefined;
    this.whole = undefined;
    try {
      if (lease === undefined) return;
      let healthy = true;
      if (reading !== undefined && this.lastBatchMs !== undefined) {
        const grace = Math.min(MAX_GRACE_MS, Math.max(MIN_GRACE_MS, 2 * this.lastBatchMs));
        const outcome = await settleWithin(reading, grace);
        if (outcome === 'resolved') reading = undefined;
        if (outcome === 'rejected') {
          // The batch failed and ended the portal: nothing to cancel or close; wait until the server is ready again.
          healthy = (await settleWithin(readyAgain(lease), this.source.cancelWaitMs)) === 'resolved';
          reading = undefined;
          cursor = undefined;
        }
      }
      if (reading !== undefined) {
        // A batch is in flight: the statement may run for long (a slow shard), so cancel it.
        const cancelled = lease.cancel();
        const outcome = await settleWithin(reading, this.source.cancelWaitMs);
        await cancelled;
        if (outcome === 'timeout') healthy = false;
        if (outcome === 'rejected') {
          // A failed fetch ended the portal: nothing to close, but wait until the server is ready again.
          healthy = (await settleWithin(readyAgain(lease), this.source.cancelWaitMs)) === 'resolved';
          cursor = undefined;
        }
      }
      if (healthy && cursor !== undefined && !this.exhausted) {
        healthy = (await settleWithin(cursor.close(), this.source.cancelWaitMs)) === 'resolved';
      }
      lease.release(!healthy);
    } finally {
      this.source.onEnd(this);
    }
  }

  private async pull(): Promise<IteratorResult<DriverRow, undefined>> {
    const { signal } = this.source;
    if (signal?.aborted && !this.ended) void this.fail(signal.reason);
    if (this.ended) return this.endResult();
    if (this.index < this.buffer.length) return { done: false, value: this.buffer[this.index++] };
    if (this.exhausted) {
      await this.close();
      return DONE;
    }
    if (!this.started) await this.open();
    if (this.ended) return this.endResult();
    await this.readBatch();
    if (this.ended) return this.endResult();
    if (this.index < this.buffer.length) return { done: false, value: this.buffer[this.index++] };
    await this.close();
    return DONE;
  }

  private async open(): Promise<void> {
    this.started = true;
    this.source.signal?.addEventListener('abort', this.onAbort, { once: true });
    let lease: PostgresLease;
    try {
      lease = await new Promise<PostgresLease>((resolve, reject) => {
        this.withdraw = () => reject(undefined);
        this.source.acquire().then((acquired) => {
          if (this.ended) acquired.release();
          else resolve(acquired);
        }, reject);
      });
    } catch (error) {
      if (!this.ended) await this.fail(error);
      return;
    } finally {
      this.withdraw = undefined;
    }
    if (this.ended) {
      lease.release();
      return;
    }
    this.lease = lease;
    try {
      const { sql, values, maxRows, batchSize } = this.source;
      const types = this.source.safeIntegers ? POSTGRES_TYPES.safeIntegers : POSTGRES_TYPES.numbers;
      if (maxRows !== undefined && maxRows <= batchSize) {
        // One round trip (Parse, Bind, Execute, Sync) instead of a portal read in batches, then closed.
        // Safe integers are the connection's own parsers (see clientConfig): no config object to copy.
        const sent = this.source.safeIntegers
          ? lease.client.query<DriverRow>(sql, [...values])
          : lease.client.query<DriverRow>({ text: sql, values: [...values], types });
        const whole = sent.then((result) => result.rows);
        whole.catch(() => undefined); // read (and its failure handled) by readBatch, or given up in giveBack
        this.whole = whole;
      } else {
        this.cursor = lease.client.query(new Cursor<DriverRow>(sql, [...values], { types }));
      }
    } catch (error) {
      await this.fail(this.source.error(error, this.source.sql));
    }
  }

  /** Fetches the next batch; when it is the last, the connection goes back while the consumer drains it. */
  private async readBatch(): Promise<void> {
    const cursor = this.cursor;
    const whole = this.whole;
    if (cursor === undefined && whole === undefined) return;
    const reading = whole ?? cursor!.read(this.source.batchSize);
    this.whole = undefined;
    this.reading = reading;
    const started = performance.now();
    let rows: DriverRow[];
    try {
      rows = await reading;
      // The first read's time includes running the statement, so it over-estimates the next batch;
      // MAX_GRACE_MS bounds what that costs.
      if (whole === undefined) this.lastBatchMs = performance.now() - started;
    } catch (error) {
      this.reading = undefined;
      // After an abort the error is the cancellation echoing back; the failure is already set.
      if (!this.ended) {
        // The error ended the portal: nothing to close. Give the connection back once the server
        // has answered the Sync that follows an error, so it is idle (not still `active`) by then.
        if (this.lease !== undefined && !connectionLost(error)) await settleWithin(readyAgain(this.lease), this.source.cancelWaitMs);
        this.cursor = undefined;
        await this.fail(this.source.error(error, this.source.sql));
      }
      return;
    } finally {
      if (this.reading === reading) this.reading = undefined;
    }
    if (this.ended) return;
    this.buffer = rows;
    this.index = 0;
    if (whole !== undefined || rows.length < this.source.batchSize) {
      // The statement is complete and pg has seen ReadyForQuery: the connection is idle again.
      this.exhausted = true;
      this.cursor = undefined;
      const lease = this.lease;
      this.lease = undefined;
      lease?.release();
    }
  }

  private async endResult(): Promise<IteratorResult<DriverRow, undefined>> {
    await this.closing;
    const failure = this.failure;
    this.failure = null;
    if (failure !== null) throw failure.error;
    return DONE;
  }
}

/** An error after which no ReadyForQuery will come: the session ended (FATAL) or the socket failed. */
function connectionLost(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return severity === 'FATAL' || severity === 'PANIC' || typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code);
}

/**
 * Settles once the connection has seen ReadyForQuery (the server is idle again), or has ended.
 * After an error pg no longer routes ReadyForQuery to the failed cursor, so this listens on the
 * connection itself.
 */
function readyAgain(lease: PostgresLease): Promise<void> {
  const client = lease.client as unknown as { readyForQuery: boolean; connection: NodeJS.EventEmitter };
  if (client.readyForQuery) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      client.connection.off('readyForQuery', done);
      client.connection.off('end', done);
      resolve();
    };
    client.connection.once('readyForQuery', done);
    client.connection.once('end', done);
  });
}

/** How `promise` settles within `ms`: resolved, rejected, or not yet (timeout). */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<'resolved' | 'rejected' | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'resolved' as const,
        () => 'rejected' as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
