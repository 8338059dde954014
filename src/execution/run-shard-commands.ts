import { Deque } from './deque.js';
import { publishShardEnd } from './diagnostics.js';
import { Notifier } from './notifier.js';
import { queryTimeoutError } from './query-timeout-error.js';
import { toShardError } from './to-shard-error.js';
import { validateRunOptions } from './validate-run-options.js';

/** One command for one shard, as the planner and the driver layer build it. */
export interface ShardCommand<T> {
  /** `group::id` outside the default group; named in errors and diagnostics. */
  readonly shardId: string;
  /** The SQL text, for errors and diagnostics. */
  readonly sql: string;
  /** Starts the command and streams its rows; must stop (throw or end) when `signal` aborts. */
  readonly run: (signal: AbortSignal) => AsyncIterable<T>;
  /** The bound parameter values, and who ran the query: published with the command's diagnostics. */
  readonly parameters?: readonly unknown[];
  readonly source?: object;
  /** The shard's table and database, for a timeout error naming the shard; called only then. */
  readonly locate?: () => { readonly table: string; readonly database?: string };
}

/**
 * How the consumer reads the shards, which decides who may hold a slot:
 * - `interleave`: rows from whichever shard has one (concat, distinct, groupBy, aggregates).
 *   Every command streams with at most `highWaterMark` rows read ahead.
 * - `merge`: the consumer needs the head of every stream at once (k-way merge). If there are
 *   more commands than `maxParallel`, the first `maxParallel - 1` stream (read ahead bounded)
 *   and the rest take turns on the last slot, each drained into memory until it completes, so
 *   a slot frees without the consumer having to finish that shard. Memory is bounded by the
 *   drained shards' results, i.e. by their SQL limit (`skip + take`) for paged queries.
 */
export type ShardAccess = 'merge' | 'interleave';

export interface RunShardCommandsOptions {
  /** At most this many commands started and not yet finished at any time (≥ 1). */
  readonly maxParallel: number;
  /** Aborting it cancels every command; the run fails with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Cancels every command and fails the run after this long with a `DtdeTimeoutError` naming the shards still running. */
  readonly timeoutMs?: number;
  /** Default `interleave`. */
  readonly access?: ShardAccess;
  /** Rows read ahead per streaming command (default 64). */
  readonly highWaterMark?: number;
}

/** A row tagged with the index of the command that produced it. */
export interface ShardRow<T> {
  readonly shardIndex: number;
  readonly row: T;
}

/**
 * Running shard commands. Read either `streams` (one per command, commands order; each read
 * once) or `interleaved`, not both. Any read throws the run's first failure: a
 * `DtdeShardError` naming the failed shard, a `DtdeTimeoutError`, or the abort reason.
 * Always `close()` (or `await using`) when done: it cancels what still runs, calls `return()`
 * on the shard iterators and waits for them to finish.
 */
export interface ShardRun<T> extends AsyncDisposable {
  readonly streams: readonly AsyncIterable<T>[];
  readonly interleaved: AsyncIterable<ShardRow<T>>;
  close(): Promise<void>;
}

/**
 * Starts shard commands with bounded parallelism (in commands order) and exposes their rows.
 *
 * @example
 * const run = runShardCommands(commands, { maxParallel: 4, signal, timeoutMs: 30_000 });
 * try { for await (const { row } of run.interleaved) use(row); } finally { await run.close(); }
 */
export function runShardCommands<T>(commands: readonly ShardCommand<T>[], options: RunShardCommandsOptions): ShardRun<T> {
  return new ShardRunner(commands, options);
}

const DONE = { value: undefined, done: true } as const;

class ShardRunner<T> implements ShardRun<T> {
  readonly streams: readonly AsyncIterable<T>[];
  readonly interleaved: AsyncIterable<ShardRow<T>>;

  /** One per command, so a shard the consumer no longer needs can be cancelled alone. */
  private readonly controllers: AbortController[];
  private readonly queues: Deque<T>[];
  private readonly capacity: number[];
  private readonly ended: boolean[];
  private readonly discarded: boolean[];
  private readonly space: Notifier[];
  private readonly data = new Notifier();
  private readonly arrivals = new Deque<number>();
  private readonly pumps: Promise<void>[] = [];
  private readonly interleave: boolean;
  private nextToStart = 0;
  private active = 0;
  private endedCount = 0;
  private failed = false;
  private failure: unknown;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onUserAbort = (): void => this.fail(abortReason(this.options.signal!));

  constructor(
    private readonly commands: readonly ShardCommand<T>[],
    private readonly options: RunShardCommandsOptions,
  ) {
    validateRunOptions(options);
    const n = commands.length;
    const p = options.maxParallel;
    const hwm = options.highWaterMark ?? 64;
    this.interleave = (options.access ?? 'interleave') === 'interleave';
    const direct = this.interleave || n <= p ? n : p - 1;
    this.capacity = commands.map((_, i) => (i < direct ? hwm : Infinity));
    this.queues = commands.map(() => new Deque<T>());
    this.ended = commands.map(() => false);
    this.discarded = commands.map(() => false);
    this.controllers = commands.map(() => new AbortController());
    this.space = commands.map(() => new Notifier());
    this.streams = commands.map((_, i) => ({ [Symbol.asyncIterator]: () => this.streamIterator(i) }));
    this.interleaved = { [Symbol.asyncIterator]: () => this.interleavedIterator() };

    const { signal, timeoutMs } = options;
    if (signal?.aborted) {
      this.fail(abortReason(signal));
      return;
    }
    signal?.addEventListener('abort', this.onUserAbort, { once: true });
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => this.fail(this.timeoutError(timeoutMs)), timeoutMs);
    }
    this.startMore();
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // A DOMException costs a stack capture: build the reason only when a command still runs.
      if (this.endedCount < this.commands.length) {
        this.abortRunning(new DOMException('The query was closed before all shard results were read.', 'AbortError'));
      }
      this.release();
    }
    await Promise.all(this.pumps);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private get stopped(): boolean {
    return this.closed || this.failed;
  }

  private startMore(): void {
    while (!this.stopped && this.active < this.options.maxParallel && this.nextToStart < this.commands.length) {
      const index = this.nextToStart++;
      if (this.discarded[index]) {
        this.markEnded(index);
        continue;
      }
      this.active++;
      this.pumps.push(this.pump(index));
    }
  }

  /** Moves one command's rows into its queue, respecting its capacity; never rejects. */
  private async pump(index: number): Promise<void> {
    const command = this.commands[index];
    const queue = this.queues[index];
    const started = performance.now();
    let rowCount = 0;
    let completed = false; // the stream ended by itself: done, or threw
    let threw = false;
    let error: unknown;
    let iterator: AsyncIterator<T> | undefined;
    try {
      iterator = command.run(this.controllers[index].signal)[Symbol.asyncIterator]();
      while (!this.stopped && !this.discarded[index]) {
        if (queue.length >= this.capacity[index]) {
          await this.space[index].wait();
          continue;
        }
        const result = await iterator.next();
        if (result.done) {
          completed = true;
          break;
        }
        rowCount++;
        queue.push(result.value);
        if (this.interleave) this.arrivals.push(index);
        this.data.notify();
      }
    } catch (e) {
      // A failure after we stopped is the cancellation echoing back, not news.
      if (!this.stopped && !this.discarded[index]) error = e ?? new Error('Shard command failed without an error value.');
      completed = true; // a throwing iterator is finished; return() is not called on it
      threw = true;
    }
    if (!completed && iterator?.return) {
      try {
        await iterator.return();
      } catch {
        // Cleanup failures of a cancelled command cannot change the query's outcome.
      }
    }
    this.active--;
    this.markEnded(index);
    publishShardEnd(command, started, rowCount, error !== undefined ? { error } : { cancelled: !completed || threw });
    if (error !== undefined) this.fail(toShardError(command, error));
    this.startMore();
  }

  /** Names the commands started and still running (the slow ones), and counts those not started. */
  private timeoutError(timeoutMs: number): unknown {
    const running = this.commands.filter((_, i) => i < this.nextToStart && !this.ended[i] && !this.discarded[i]);
    return queryTimeoutError(timeoutMs, running, this.commands.length - this.nextToStart);
  }

  private markEnded(index: number): void {
    this.ended[index] = true;
    this.endedCount++;
    this.data.notify();
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.failed = true;
    this.failure = error;
    this.abortRunning(error);
    this.release();
  }

  /** Aborts the signal of every command that has not ended (commands that ended need no signal). */
  private abortRunning(reason: unknown): void {
    this.controllers.forEach((controller, index) => {
      if (!this.ended[index] && !controller.signal.aborted) controller.abort(reason);
    });
  }

  /** Wakes every waiter and drops timers and listeners once the run is over. */
  private release(): void {
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onUserAbort);
    this.data.notify();
    for (const space of this.space) space.notify();
  }

  private streamIterator(index: number): AsyncIterator<T> {
    const queue = this.queues[index];
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (this.failed) throw this.failure;
          if (this.discarded[index]) return DONE;
          if (queue.length > 0) {
            const value = queue.shift() as T;
            this.space[index].notify();
            return { value, done: false };
          }
          if (this.ended[index] || this.closed) return DONE;
          await this.data.wait();
        }
      },
      // The consumer is done with this shard: stop it early and free its slot.
      return: async (): Promise<IteratorResult<T>> => {
        this.discarded[index] = true;
        queue.clear();
        if (!this.ended[index]) {
          this.controllers[index].abort(new DOMException('The merge no longer needs this shard.', 'AbortError'));
        }
        this.space[index].notify();
        return DONE;
      },
    };
  }

  private interleavedIterator(): AsyncIterator<ShardRow<T>> {
    return {
      next: async (): Promise<IteratorResult<ShardRow<T>>> => {
        for (;;) {
          if (this.failed) throw this.failure;
          const shardIndex = this.arrivals.shift();
          if (shardIndex !== undefined) {
            const row = this.queues[shardIndex].shift() as T;
            this.space[shardIndex].notify();
            return { value: { shardIndex, row }, done: false };
          }
          if (this.endedCount === this.commands.length || this.closed) return DONE;
          await this.data.wait();
        }
      },
      return: async (): Promise<IteratorResult<ShardRow<T>>> => {
        await this.close();
        return DONE;
      },
    };
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The query was aborted.', 'AbortError');
}
