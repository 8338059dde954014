import { DtdeError } from './dtde-error.js';

/** A command failed on one shard. `shardId` is `group::id` outside the default group. */
export class DtdeShardError extends DtdeError {
  override readonly name = 'DtdeShardError';
  readonly code = 'DTDE_SHARD';
  readonly shardId: string;
  readonly sql: string | undefined;

  constructor(message: string, details: { shardId: string; sql?: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.shardId = details.shardId;
    this.sql = details.sql;
  }
}
