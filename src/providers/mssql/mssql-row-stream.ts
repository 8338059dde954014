import type sql from 'mssql';
import { loadMssql } from './load-mssql.js';
import type { DtdeError } from '../../errors/dtde-error.js';
import type { DriverRow } from '../database-driver.js';
import type { MssqlInput } from './to-mssql-inputs.js';

export interface MssqlRowStreamSource {
  readonly sql: string;
  readonly inputs: readonly MssqlInput[];
  /** Rows buffered before the request is paused. */
  readonly batchSize: number;
  readonly safeIntegers: boolean;
  readonly signal: AbortSignal | undefined;
  /**
   * A request to run on (the pool's, or the transaction's) and what gives its connection back once
   * the request has finished; rejects with the signal's reason when it aborts first.
   */
  request(signal: AbortSignal): Promise<{ readonly request: sql.Request; release(): void }>;
  /** The error to throw for what mssql threw. */
  error(error: unknown, text: string): DtdeError;
  /** Most milliseconds to wait for the server to acknowledge a cancel before giving up on it. */
  readonly cancelWaitMs: number;
  /** Called once when the stream has ended and its request is finished, whatever the reason. */
  onEnd(stream: MssqlRowStream): void;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The rows of one statement as an async iterator over an `mssql` request in stream mode. Rows are
 * buffered up to `batchSize`; then the request is paused (tedious stops reading the socket, so
 * the server waits on its send buffer: back-pressure) and resumed once the consumer has drained
 * half of them. Memory stays at one batch whatever the result size.
 *
 * The request starts on the first `next()`. When the stream ends before the statement has (a
 * `break` out of `for await`, an abort, a failure, the driver closing), the request is cancelled
 * (a TDS attention: the server stops the statement) and the stream waits until the server has
 * acknowledged, so the connection is back in its pool, idle and reusable, before `return()` or the
 * failing `next()` settles. `bigint` columns arrive as text from tedious: they become `bigint`s
 * when the query asks for `safeIntegers`, numbers otherwise.
 */
export class MssqlRowStream implements AsyncIterableIterator<DriverRow> {
  private request: sql.Request | undefined;
  private release: (() => void) | undefined;
  private buffer: DriverRow[] = [];
  private index = 0;
  private started = false;
  /** The request reported `done`: no more rows will come. */
  private finished = false;
  private finishedSignal: Promise<void> | undefined;
  private markFinished: (() => void) | undefined;
  private requestError: unknown;
  private ended = false;
  private failure: { error: unknown } | null = null;
  private closing: Promise<void> | undefined;
  private paused = false;
  private wake: (() => void) | undefined;
  private bigintColumns: readonly string[] = [];
  private readonly cancel = new AbortController();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly onAbort = (): void => void this.fail(this.source.signal?.reason);

  constructor(private readonly source: MssqlRowStreamSource) {}

  /** Whether the statement still runs (started, not yet finished or cancelled). */
  get isRunning(): boolean {
    return this.request !== undefined && !this.finished;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<DriverRow, undefined>> {
    // Calls are served in order even if a caller does not await the previous one.
    const result = this.tail.then(() => this.pull());
    this.tail = result.catch(() => undefined);
    return result;
  }

  async return(): Promise<IteratorResult<DriverRow, undefined>> {
    await this.end(null);
    this.failure = null;
    return DONE;
  }

  /** Ends the stream now; the next `next()` reports done. Settles once the request is finished. */
  close(): Promise<void> {
    return this.end(null);
  }

  /** Ends the stream now; the next `next()` throws `error`. Settles once the request is finished. */
  fail(error: unknown): Promise<void> {
    return this.end({ error });
  }

  private end(failure: { error: unknown } | null): Promise<void> {
    if (this.ended) return this.closing ?? Promise.resolve();
    this.ended = true;
    this.failure = failure;
    this.buffer = [];
    this.index = 0;
    this.cancel.abort();
    this.source.signal?.removeEventListener('abort', this.onAbort);
    this.wake?.();
    this.closing = this.stop();
    return this.closing;
  }

  /** Cancels the request if it still runs, waits until the server has acknowledged, and gives the connection back. */
  private async stop(): Promise<void> {
    try {
      const request = this.request;
      if (request === undefined || this.finished) return;
      request.cancel();
      // A paused request reads nothing, not even the acknowledgement of the cancel.
      if (this.paused) request.resume();
      await settleWithin(this.finishedSignal!, this.source.cancelWaitMs);
    } finally {
      this.releaseConnection();
      this.source.onEnd(this);
    }
  }

  private async pull(): Promise<IteratorResult<DriverRow, undefined>> {
    const { signal } = this.source;
    if (signal?.aborted && !this.ended) void this.fail(signal.reason);
    for (;;) {
      if (this.ended) return this.endResult();
      if (this.index < this.buffer.length) return { done: false, value: this.take() };
      if (this.finished) {
        if (this.requestError !== undefined) {
          await this.fail(this.source.error(this.requestError, this.source.sql));
          return this.endResult();
        }
        await this.close();
        return DONE;
      }
      if (!this.started) {
        await this.open();
        continue;
      }
      if (this.paused) this.resume();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private take(): DriverRow {
    const row = this.buffer[this.index];
    this.buffer[this.index++] = undefined as unknown as DriverRow;
    if (this.index === this.buffer.length) {
      this.buffer = [];
      this.index = 0;
    }
    // Resume once half the batch is consumed, so the next rows are on their way meanwhile.
    if (this.paused && this.buffer.length - this.index <= this.source.batchSize / 2) this.resume();
    return row;
  }

  private resume(): void {
    this.paused = false;
    this.request?.resume();
  }

  private async open(): Promise<void> {
    this.started = true;
    this.source.signal?.addEventListener('abort', this.onAbort, { once: true });
    let request: sql.Request;
    try {
      const leased = await this.source.request(this.cancel.signal);
      request = leased.request;
      this.release = leased.release;
    } catch (error) {
      if (!this.ended) await this.fail(error);
      return;
    }
    if (this.ended) {
      this.releaseConnection();
      return;
    }
    this.request = request;
    this.finishedSignal = new Promise<void>((resolve) => {
      this.markFinished = resolve;
    });
    request.stream = true;
    const { BigInt: bigint } = loadMssql();
    request.on('recordset', (columns: sql.IColumnMetadata) => {
      this.bigintColumns = Object.entries(columns)
        .filter(([, column]) => (column.type as unknown) === bigint)
        .map(([name]) => name);
    });
    request.on('row', (row: DriverRow) => {
      if (this.ended) return;
      for (const name of this.bigintColumns) {
        const value = row[name];
        if (typeof value === 'string') row[name] = this.source.safeIntegers ? BigInt(value) : Number(value);
      }
      this.buffer.push(row);
      if (!this.paused && this.buffer.length - this.index >= this.source.batchSize) {
        this.paused = true;
        request.pause();
      }
      this.wake?.();
    });
    request.on('error', (error: unknown) => {
      // The first error is the statement's; later ones (and the cancel's own ECANCEL) add nothing.
      this.requestError ??= error;
      this.wake?.();
    });
    request.on('done', () => {
      this.finished = true;
      // The request has given its connection back to mssql's pool: the next caller may have it.
      this.releaseConnection();
      this.markFinished?.();
      this.wake?.();
    });
    try {
      for (const input of this.source.inputs) request.input(input.name, input.type, input.value);
      if (this.source.inputs.length === 0) void request.batch(this.source.sql);
      else void request.query(this.source.sql);
    } catch (error) {
      this.finished = true;
      this.releaseConnection();
      this.markFinished?.();
      await this.fail(this.source.error(error, this.source.sql));
    }
  }

  private releaseConnection(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  private async endResult(): Promise<IteratorResult<DriverRow, undefined>> {
    await this.closing;
    const failure = this.failure;
    this.failure = null;
    if (failure !== null) throw failure.error;
    return DONE;
  }
}

/** How `promise` settles within `ms`: resolved, rejected, or not yet (timeout). */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<'resolved' | 'rejected' | 'timeout'> {
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
