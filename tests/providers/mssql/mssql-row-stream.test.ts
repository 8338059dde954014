import { EventEmitter } from 'node:events';
import sql from 'mssql';
import { describe, expect, it } from 'vitest';
import { DtdeDatabaseError } from '../../../src/index.js';
import type { DriverRow } from '../../../src/providers/database-driver.js';
import { MssqlRowStream } from '../../../src/providers/mssql/mssql-row-stream.js';

/**
 * Stands in for an mssql Request in stream mode, as tedious drives it: rows are emitted while the
 * request is not paused; cancel() makes the "server" stop and acknowledge (ECANCEL, then done),
 * but only while the request reads (a paused request reads nothing).
 */
class FakeRequest extends EventEmitter {
  stream = false;
  paused = false;
  cancelled = false;
  started = false;
  inputs: [string, unknown, unknown][] = [];
  pauses = 0;
  maxBuffered = 0;
  private next = 0;

  constructor(
    private readonly total: number,
    private readonly columns: Record<string, { type: unknown }> = { id: { type: sql.Int } },
    private readonly row: (i: number) => DriverRow = (i) => ({ id: i }),
  ) {
    super();
  }

  input(name: string, type: unknown, value: unknown): this {
    this.inputs.push([name, type, value]);
    return this;
  }

  query(): this {
    this.started = true;
    setImmediate(() => {
      this.emit('recordset', this.columns);
      this.pump();
    });
    return this;
  }

  batch(): this {
    return this.query();
  }

  pause(): void {
    this.paused = true;
    this.pauses++;
  }

  resume(): void {
    this.paused = false;
    setImmediate(() => this.pump());
  }

  cancel(): void {
    this.cancelled = true;
    setImmediate(() => this.pump());
  }

  /** Emits rows until paused or done; a cancelled request ends with ECANCEL once it reads again. */
  private pump(): void {
    while (!this.paused) {
      if (this.cancelled) {
        this.emit('error', new sql.RequestError('Canceled.', 'ECANCEL'));
        this.finish();
        return;
      }
      if (this.next >= this.total) {
        this.finish();
        return;
      }
      this.emit('row', this.row(this.next++));
    }
  }

  private finish(): void {
    if (this.listenerCount('done') === 0 || this.next < 0) return;
    this.next = -Infinity;
    this.emit('done', {});
  }
}

function streamOver(request: FakeRequest, options: { batchSize?: number; signal?: AbortSignal; safeIntegers?: boolean } = {}) {
  const ended: MssqlRowStream[] = [];
  let released = 0;
  const stream = new MssqlRowStream({
    sql: 'SELECT id FROM t',
    inputs: [{ name: 'p0', type: sql.Int(), value: 1 }],
    batchSize: options.batchSize ?? 4,
    safeIntegers: options.safeIntegers ?? false,
    signal: options.signal,
    request: async () => ({ request: request as unknown as sql.Request, release: () => released++ }),
    error: (error, text) =>
      new DtdeDatabaseError(`failed: ${String(error)}`, { reason: 'failed', database: 'mssql://x:1433/db', sql: text }),
    cancelWaitMs: 2000,
    onEnd: (s) => ended.push(s),
  });
  return { stream, ended, released: () => released };
}

describe('MssqlRowStream', () => {
  it('starts on the first next(), binds the inputs, and yields every row in order', async () => {
    const request = new FakeRequest(10);
    const { stream, ended, released } = streamOver(request);
    expect(request.started).toBe(false);
    const rows: unknown[] = [];
    for await (const row of stream) rows.push(row.id);
    expect(rows).toEqual([...Array(10).keys()]);
    expect(request.stream).toBe(true);
    expect(request.inputs).toEqual([['p0', expect.objectContaining({ type: sql.Int }), 1]]);
    expect(ended).toEqual([stream]);
    expect(released()).toBe(1);
  });

  it('pauses the request when a batch is buffered and resumes it as the consumer drains (back-pressure)', async () => {
    const request = new FakeRequest(50);
    const { stream } = streamOver(request, { batchSize: 4 });
    let buffered = 0;
    request.on('row', () => {
      buffered++;
      expect(buffered, 'rows buffered while the consumer is slow').toBeLessThanOrEqual(4);
    });
    const rows: unknown[] = [];
    for await (const row of stream) {
      buffered--;
      rows.push(row.id);
      await new Promise((resolve) => setTimeout(resolve, 1)); // a slow consumer
    }
    expect(rows).toHaveLength(50);
    expect(request.pauses).toBeGreaterThanOrEqual(5);
  });

  it('stopping early cancels the request and settles once the server acknowledged, even when paused', async () => {
    const request = new FakeRequest(1000);
    const { stream, ended, released } = streamOver(request, { batchSize: 4 });
    const first = await stream.next();
    expect(first).toEqual({ done: false, value: { id: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the buffer fill: the request pauses
    expect(request.paused).toBe(true);
    let acknowledged = false;
    request.on('done', () => (acknowledged = true));
    await stream.return();
    expect(request.cancelled).toBe(true);
    expect(acknowledged).toBe(true);
    expect(ended).toEqual([stream]);
    expect(released()).toBe(1); // once the server acknowledged, not before
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('an abort cancels the request and makes next() throw the signal’s reason', async () => {
    const request = new FakeRequest(1000);
    const controller = new AbortController();
    const { stream, ended } = streamOver(request, { signal: controller.signal });
    await stream.next();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(stream.next()).rejects.toBe(reason);
    expect(request.cancelled).toBe(true);
    expect(ended).toEqual([stream]);
  });

  it('a request error ends the stream with the mapped error', async () => {
    const request = new FakeRequest(3);
    request.on('row', (row: DriverRow) => {
      if (row.id === 1) request.emit('error', new sql.RequestError('Divide by zero error encountered.', 'EREQUEST'));
    });
    const { stream } = streamOver(request);
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const row of stream) seen.push(row.id);
      })(),
    ).rejects.toThrow(/^failed: RequestError: Divide by zero error encountered\./);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('reads bigint columns as bigint with safeIntegers, as numbers without', async () => {
    const columns = { id: { type: sql.Int }, big: { type: sql.BigInt } };
    const row = () => ({ id: 1, big: '9007199254740993' });
    const exact = streamOver(new FakeRequest(1, columns, row), { safeIntegers: true }).stream;
    expect((await exact.next()).value).toEqual({ id: 1, big: 9007199254740993n });
    const lossy = streamOver(new FakeRequest(1, columns, row)).stream;
    expect((await lossy.next()).value).toEqual({ id: 1, big: 9007199254740992 });
  });
});
