import diagnosticsChannel from 'node:diagnostics_channel';
import {
  QUERY_DONE_CHANNEL,
  QUERY_PLAN_CHANNEL,
  QUERY_SHARD_CHANNEL,
  type QueryDoneMessage,
  type QueryPlanMessage,
  type QueryShardMessage,
} from '../../../src/index.js';

/** What a diagnostics subscriber saw, channel by channel, in publication order. */
export interface DiagnosticsLog {
  readonly plans: QueryPlanMessage[];
  readonly shards: QueryShardMessage[];
  readonly done: QueryDoneMessage[];
  /** Empties the three lists (between queries of one test). */
  clear(): void;
  /** Unsubscribes from the three channels. */
  stop(): void;
}

/**
 * Subscribes to dtde's three diagnostics channels the way a user would, with
 * `diagnostics_channel.subscribe`. `onShard` runs synchronously inside the publication, so a
 * test can react to a shard command ending (abort the query, release a lock) without timers.
 */
export function listenDiagnostics(hooks: { onShard?: (message: QueryShardMessage) => void } = {}): DiagnosticsLog {
  const plans: QueryPlanMessage[] = [];
  const shards: QueryShardMessage[] = [];
  const done: QueryDoneMessage[] = [];
  const onPlan = (m: unknown): void => void plans.push(m as QueryPlanMessage);
  const onShard = (m: unknown): void => {
    shards.push(m as QueryShardMessage);
    hooks.onShard?.(m as QueryShardMessage);
  };
  const onDone = (m: unknown): void => void done.push(m as QueryDoneMessage);
  diagnosticsChannel.subscribe(QUERY_PLAN_CHANNEL, onPlan);
  diagnosticsChannel.subscribe(QUERY_SHARD_CHANNEL, onShard);
  diagnosticsChannel.subscribe(QUERY_DONE_CHANNEL, onDone);
  return {
    plans,
    shards,
    done,
    clear() {
      plans.length = 0;
      shards.length = 0;
      done.length = 0;
    },
    stop() {
      diagnosticsChannel.unsubscribe(QUERY_PLAN_CHANNEL, onPlan);
      diagnosticsChannel.unsubscribe(QUERY_SHARD_CHANNEL, onShard);
      diagnosticsChannel.unsubscribe(QUERY_DONE_CHANNEL, onDone);
    },
  };
}
