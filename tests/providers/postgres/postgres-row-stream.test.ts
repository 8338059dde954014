import { describe, expect, it } from 'vitest';
import { DtdeDatabaseError } from '../../../src/errors/dtde-database-error.js';
import type { PostgresLease } from '../../../src/providers/postgres/postgres-database.js';
import { PostgresRowStream } from '../../../src/providers/postgres/postgres-row-stream.js';

// How a stream ended while a batch is in flight gives its connection back, on a scripted cursor:
// which batch is in flight decides between waiting for it and cancelling the statement. (The
// server-side outcomes, nothing left running and the connection reused, are in
// postgres-driver-streaming.test.ts.)

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A stream over a fake connection whose cursor answers each read with the next deferred batch. */
function scripted(batchSize: number) {
  const reads: {
    promise: Promise<Record<string, unknown>[]>;
    resolve(rows: Record<string, unknown>[]): void;
    reject(error: Error): void;
  }[] = [];
  const events: string[] = [];
  const cursor = {
    read: () => {
      const next = deferred<Record<string, unknown>[]>();
      let reject!: (error: Error) => void;
      const promise = new Promise<Record<string, unknown>[]>((resolve, fail) => {
        next.promise.then(resolve);
        reject = fail;
      });
      reads.push({ promise, resolve: next.resolve, reject });
      return promise;
    },
    close: () => {
      events.push('close');
      return Promise.resolve();
    },
  };
  const lease = {
    // readyForQuery: the server has answered the Sync after a failed batch.
    client: { query: () => cursor, readyForQuery: true },
    cancel: () => {
      events.push('cancel');
      return Promise.resolve();
    },
    release: (destroy = false) => events.push(destroy ? 'destroy' : 'release'),
  } as unknown as PostgresLease;
  const stream = new PostgresRowStream({
    sql: 'SELECT g FROM t',
    values: [],
    batchSize,
    safeIntegers: false,
    signal: undefined,
    cancelWaitMs: 50,
    acquire: () => Promise.resolve(lease),
    error: (error) => new DtdeDatabaseError(String(error), { reason: 'failed', database: 'postgres://fake/db' }),
    onEnd: () => events.push('ended'),
  });
  const rows = (n: number) => Array.from({ length: n }, (_, g) => ({ g }));
  const readCalled = async (n: number) => {
    for (let i = 0; i < 100 && reads.length < n; i++) await new Promise((r) => setImmediate(r));
    expect(reads.length).toBe(n);
  };
  /** Reads the first batch whole, then asks for the second: it is in flight when this returns. */
  const secondBatchInFlight = async (): Promise<{ readonly inFlight: Promise<unknown> }> => {
    const first = stream.next();
    await readCalled(1);
    reads[0]!.resolve(rows(batchSize));
    await first;
    for (let i = 1; i < batchSize; i++) await stream.next();
    const inFlight = stream.next();
    await readCalled(2);
    // Never settles when the fake connection is dropped rather than failed.
    return { inFlight: inFlight.catch(() => undefined) };
  };
  return { stream, reads, events, rows, readCalled, secondBatchInFlight };
}

describe('a PostgreSQL stream ended with a batch in flight', () => {
  it('waits for a later batch that arrives within twice the previous batch time, then closes the cursor: no cancel', async () => {
    const { stream, reads, events, rows, secondBatchInFlight } = scripted(2);
    const { inFlight } = await secondBatchInFlight();
    const ended = stream.return();
    await new Promise((r) => setImmediate(r));
    reads[1]!.resolve(rows(2)); // arrives within the wait (at least 2 ms)
    await ended;
    await inFlight;
    expect(events).toEqual(['close', 'release', 'ended']);
  });

  it('cancels a later batch that does not arrive in that time', async () => {
    const { stream, events, secondBatchInFlight } = scripted(2);
    await secondBatchInFlight();
    await stream.return(); // the batch never comes: cancelled, then given up after cancelWaitMs
    expect(events).toEqual(['cancel', 'destroy', 'ended']);
  });

  it('a later batch that fails within the wait needs no cancel and no close: the error ended the portal', async () => {
    const { stream, reads, events, secondBatchInFlight } = scripted(2);
    const { inFlight } = await secondBatchInFlight();
    const ended = stream.return();
    await new Promise((r) => setImmediate(r));
    reads[1]!.reject(new Error('division by zero'));
    await ended;
    await inFlight;
    expect(events).toEqual(['release', 'ended']);
  });

  it('cancels the first batch (the statement itself, maybe slow) at once', async () => {
    const { stream, reads, events, rows, readCalled } = scripted(2);
    const first = stream.next();
    await readCalled(1);
    const ended = stream.return();
    await new Promise((r) => setImmediate(r));
    reads[0]!.resolve(rows(2)); // the server has stopped: the read ends
    await ended;
    await first.catch(() => undefined);
    expect(events).toEqual(['cancel', 'close', 'release', 'ended']);
  });
});
