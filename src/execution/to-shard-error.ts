import { DtdeShardError } from '../errors/dtde-shard-error.js';

/**
 * The error a query fails with when one shard command fails: names the shard (`group::id`),
 * carries its SQL and the driver's error as `cause`. A `DtdeShardError` passes through.
 *
 * @example
 * throw toShardError({ shardId: 'years::2024', sql }, driverError);
 */
export function toShardError(command: { readonly shardId: string; readonly sql: string }, cause: unknown): DtdeShardError {
  if (cause instanceof DtdeShardError) return cause;
  // Driver messages often end with a full stop already; keep exactly one.
  const reason = (cause instanceof Error ? cause.message : String(cause)).replace(/\.+$/, '');
  return new DtdeShardError(
    `The command on shard '${command.shardId}' failed: ${reason}. The other shard commands were cancelled; ` +
      'check that the shard is reachable and its table exists (see error.sql and error.cause).',
    { shardId: command.shardId, sql: command.sql, cause },
  );
}
