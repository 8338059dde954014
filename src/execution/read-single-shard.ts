import type { MergeRow } from '../planner/merge-plan.js';
import { publishQueryPlan, publishShardEnd, queryDoneChannel, queryPlanChannel } from './diagnostics.js';
import { publishDone, publishPlan } from './merge-rows.js';
import { queryTimeoutError } from './query-timeout-error.js';
import { toShardError } from './to-shard-error.js';

export interface SingleShardCommand {
  readonly shardId: string;
  readonly sql: string;
  /** Streams the command's rows; must stop when `signal` aborts. */
  readonly run: (signal: AbortSignal | undefined) => AsyncIterable<MergeRow>;
  /** Converts one row in place as it arrives (driver values to JavaScript values), when `run` does not. */
  readonly convert?: (row: MergeRow) => void;
  /** The bound parameter values, and who ran the query: published with the command's diagnostics. */
  readonly parameters?: readonly unknown[];
  readonly source?: object;
  /** The shard's table and database, for a timeout error naming the shard; called only then. */
  readonly locate?: () => { readonly table: string; readonly database?: string };
}

export interface SingleShardOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** The entity name, for the `dtde:query:*` diagnostics. */
  readonly entity: string;
  /** What `dtde:query:done` reports as the row count: the rows read, or 1 for a single value (first). */
  readonly doneRowCount?: (rows: readonly MergeRow[]) => number;
}

/**
 * Reads every row of a query that one shard answers whole (it got its own ORDER BY, OFFSET and
 * limit): no runner, no merge, no per-row generators; the rows are collected as they come. The
 * same outcomes as the general path: a failure is a `DtdeShardError` naming the shard, an abort
 * rejects with the signal's reason, `timeoutMs` with `DtdeTimeoutError`, and the same
 * diagnostics are published. An AbortController and a timer exist only when a timeout is set.
 *
 * @example
 * const rows = await readSingleShard({ shardId: 'EU', sql, run: (signal) => driver.query(...), convert }, { entity: 'Customer' });
 */
export async function readSingleShard(command: SingleShardCommand, options: SingleShardOptions): Promise<MergeRow[]> {
  const started = performance.now();
  publishPlan({ entity: options.entity, maxParallel: 1 }, [command]);
  const rows: MergeRow[] = [];
  let error: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  let signal = options.signal;
  let controller: AbortController | undefined;
  let onUserAbort: (() => void) | undefined;
  try {
    signal?.throwIfAborted();
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      controller = new AbortController();
      const user = options.signal;
      onUserAbort = (): void => controller!.abort(user!.reason);
      user?.addEventListener('abort', onUserAbort, { once: true });
      timer = setTimeout(() => {
        timedOut = true;
        controller!.abort(queryTimeoutError(ms, [command]));
      }, ms);
      signal = controller.signal;
    }
    const shardStarted = performance.now();
    let failure: unknown;
    try {
      const convert = command.convert;
      for await (const row of command.run(signal)) {
        convert?.(row);
        rows.push(row);
      }
    } catch (e) {
      failure = e;
    }
    const aborted = signal?.aborted === true;
    publishShardEnd(command, shardStarted, rows.length, failure === undefined ? {} : aborted ? { cancelled: true } : { error: failure });
    if (failure !== undefined) {
      if (timedOut) throw queryTimeoutError(options.timeoutMs!, [command]);
      if (options.signal?.aborted) throw options.signal.reason;
      throw toShardError(command, failure);
    }
    return rows;
  } catch (e) {
    error = e;
    throw e;
  } finally {
    clearTimeout(timer);
    if (onUserAbort !== undefined) options.signal?.removeEventListener('abort', onUserAbort);
    publishDone(options.entity, started, error === undefined ? (options.doneRowCount?.(rows) ?? rows.length) : 0, error);
  }
}

export interface SingleShardNowCommand extends Omit<SingleShardCommand, 'run' | 'convert'> {
  /** Reads every row at once, or returns undefined when the driver would rather stream them. */
  readonly readNow: () => MergeRow[] | undefined;
  /** Converts one row in place (driver values to JavaScript values). */
  readonly convert: (row: MergeRow) => void;
}

/**
 * `readSingleShard` for a small result an in-process engine reads synchronously
 * (`DatabaseDriver.queryNow`): no timer, no abort listener and no await, since nothing can
 * interrupt a read that ends before this returns. The same outcomes otherwise: an abort before
 * the read throws the signal's reason, a failure is a `DtdeShardError` naming the shard, and the
 * same diagnostics are published. Undefined (nothing published) when the driver declines.
 *
 * @example
 * const rows = readSingleShardNow({ shardId: 'EU', sql, readNow: () => driver.queryNow?.(...), convert }, { entity: 'Customer' });
 */
export function readSingleShardNow(command: SingleShardNowCommand, options: SingleShardOptions): MergeRow[] | undefined {
  options.signal?.throwIfAborted();
  const started = performance.now();
  let rows: MergeRow[] | undefined;
  let failure: unknown;
  try {
    rows = command.readNow();
    if (rows === undefined) return undefined;
    for (let i = 0; i < rows.length; i++) command.convert(rows[i]!);
  } catch (e) {
    failure = e;
  }
  const error = failure === undefined ? undefined : toShardError(command, failure);
  const count = rows?.length ?? 0;
  // The messages are built only for a listener: a small read costs less than building them.
  if (queryPlanChannel.hasSubscribers) publishQueryPlan({ entity: options.entity, shardIds: [command.shardId] });
  publishShardEnd(command, started, count, failure === undefined ? {} : { error: failure });
  if (queryDoneChannel.hasSubscribers) {
    publishDone(options.entity, started, error === undefined ? (options.doneRowCount?.(rows!) ?? count) : 0, error);
  }
  if (error !== undefined) throw error;
  return rows;
}
