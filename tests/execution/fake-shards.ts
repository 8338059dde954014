import type { MergeRow } from '../../src/planner/merge-plan.js';
import type { ShardCommand } from '../../src/execution/run-shard-commands.js';

/** A promise with its resolve/reject exposed, to drive fake shards step by step. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback and pump step run (no clock involved in assertions). */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Waits for `promise`, or rejects with the signal's reason once it aborts: a driver honouring cancellation. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** What the fake shards observed: concurrency, cancellation, cleanup. */
export class ShardLog {
  inFlight = 0;
  maxInFlight = 0;
  readonly started: string[] = [];
  readonly closed: string[] = [];
  readonly signals = new Map<string, AbortSignal>();
}

export interface FakeShardOptions {
  /** Awaited before each row (index) is yielded, when present. */
  readonly before?: (index: number) => Promise<void> | undefined;
  /** Awaited after the last row, before the stream ends. */
  readonly end?: Promise<void>;
  /** Throw this error instead of yielding row `failAt` (or at the end when failAt = rows.length). */
  readonly error?: unknown;
  readonly failAt?: number;
}

/** A shard command over an array, recording into `log`; waits honour the abort signal. */
export function fakeShard<T = MergeRow>(
  log: ShardLog,
  shardId: string,
  rows: readonly T[],
  options: FakeShardOptions = {},
): ShardCommand<T> {
  return {
    shardId,
    sql: `SELECT * FROM "T_${shardId}"`,
    run: (signal) =>
      (async function* () {
        log.inFlight++;
        log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
        log.started.push(shardId);
        log.signals.set(shardId, signal);
        try {
          for (let i = 0; i <= rows.length; i++) {
            if (options.failAt === i) throw options.error;
            if (i === rows.length) break;
            const gate = options.before?.(i);
            if (gate) await abortable(gate, signal);
            yield rows[i];
          }
          if (options.end) await abortable(options.end, signal);
        } finally {
          log.inFlight--;
          log.closed.push(shardId);
        }
      })(),
  };
}

/** Drains an async iterable into an array. */
export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}
