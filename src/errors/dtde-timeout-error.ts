import { DtdeError } from './dtde-error.js';

/** A shard command that was still running when a query's timeout fired. */
export interface TimedOutShard {
  /** `group::id` outside the default group. */
  readonly shardId: string;
  /** The command's SQL text. */
  readonly sql: string;
  /** The shard's table as the dialect quotes it (`"Orders_EU"`, `[dbo].[Orders]`). */
  readonly table?: string;
  /** The provider's identity of the shard's database (a file path, `postgres://host:port/db`); never credentials. */
  readonly database?: string;
}

/**
 * A query ran past `queryTimeoutMs` and was cancelled. `shards` names the shard commands still
 * running when it fired (the slow ones), `shardId` the first of them.
 */
export class DtdeTimeoutError extends DtdeError {
  override readonly name = 'DtdeTimeoutError';
  readonly code = 'DTDE_TIMEOUT';
  readonly timeoutMs: number;
  /** The first shard still running when the timeout fired; `undefined` when every command had finished. */
  readonly shardId: string | undefined;
  /** Every shard command still running when the timeout fired, in command order. */
  readonly shards: readonly TimedOutShard[];

  constructor(message: string, details: { timeoutMs: number; shards?: readonly TimedOutShard[] }) {
    super(message);
    this.timeoutMs = details.timeoutMs;
    this.shards = details.shards ?? [];
    this.shardId = this.shards[0]?.shardId;
  }
}
