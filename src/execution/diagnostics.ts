import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * dtde's diagnostics on `node:diagnostics_channel`: users attach logging or tracing with no
 * dependency. Messages are published only when a channel has subscribers, so an unobserved query
 * pays one property read per event.
 *
 * @example
 * import diagnosticsChannel from 'node:diagnostics_channel';
 * diagnosticsChannel.subscribe('dtde:query:shard', (m) => console.log(m));
 */

export const QUERY_PLAN_CHANNEL = 'dtde:query:plan';
export const QUERY_SHARD_CHANNEL = 'dtde:query:shard';
export const QUERY_DONE_CHANNEL = 'dtde:query:done';

/** The shards a query was resolved to, before any command runs. */
export interface QueryPlanMessage {
  readonly entity: string;
  /** `group::id` outside the default group, plain `id` inside it; commands order. */
  readonly shardIds: readonly string[];
  /** Present (true) when no shard can hold a matching row, so nothing runs and the answer is empty. */
  readonly noShardMatched?: true;
  /**
   * Why no shard matched: a shard-key value that names no shard (`shard key region = 'UK' names no
   * shard of Customer (shards: EU, US)`), filters on the shard key that no shard's range meets, or `take(0)`.
   */
  readonly reason?: string;
}

/** One shard command, published when its stream ended, failed or was cancelled. */
export interface QueryShardMessage {
  readonly shardId: string;
  readonly sql: string;
  /** From the start of the command to the end of its stream (includes time waiting for the consumer). */
  readonly durationMs: number;
  /** Rows the command yielded before it ended. */
  readonly rowCount: number;
  /** The command's own failure, when it failed. */
  readonly error?: unknown;
  /** True when dtde stopped the command early: results were complete, another shard failed, abort or timeout. */
  readonly cancelled?: boolean;
  /** The values bound to the command's parameters, in order (what the `log` option prints). */
  readonly parameters?: readonly unknown[];
  /** The context that ran the query, so a subscriber can tell contexts apart (`message.source === ctx`). */
  readonly source?: object;
}

/** The end of a query: rows returned to the caller (1 for a scalar result). */
export interface QueryDoneMessage {
  readonly entity?: string;
  readonly durationMs: number;
  readonly rowCount: number;
  /** The error the query failed with, when it failed. */
  readonly error?: unknown;
}

export const queryPlanChannel = diagnosticsChannel.channel(QUERY_PLAN_CHANNEL);
export const queryShardChannel = diagnosticsChannel.channel(QUERY_SHARD_CHANNEL);
export const queryDoneChannel = diagnosticsChannel.channel(QUERY_DONE_CHANNEL);

/** Publishes on `dtde:query:plan` if anyone listens. */
export function publishQueryPlan(message: QueryPlanMessage): void {
  if (queryPlanChannel.hasSubscribers) queryPlanChannel.publish(message);
}

/**
 * Publishes how one shard command ended on `dtde:query:shard` (the runner's and the single-shard
 * reads' commands alike); the message is built only if anyone listens.
 */
export function publishShardEnd(
  command: Pick<QueryShardMessage, 'shardId' | 'sql' | 'parameters' | 'source'>,
  started: number,
  rowCount: number,
  outcome: { readonly error?: unknown; readonly cancelled?: boolean } = {},
): void {
  if (!queryShardChannel.hasSubscribers) return;
  queryShardChannel.publish({
    shardId: command.shardId,
    sql: command.sql,
    parameters: command.parameters,
    source: command.source,
    durationMs: performance.now() - started,
    rowCount,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.cancelled === true ? { cancelled: true } : {}),
  } satisfies QueryShardMessage);
}

/** Publishes on `dtde:query:done` if anyone listens. */
export function publishQueryDone(message: QueryDoneMessage): void {
  if (queryDoneChannel.hasSubscribers) queryDoneChannel.publish(message);
}
