import { DtdeTimeoutError, type TimedOutShard } from '../errors/dtde-timeout-error.js';

/** What a timeout error says about one shard command: its id and SQL, and where it runs on demand. */
export interface TimedCommand {
  readonly shardId: string;
  readonly sql: string;
  /** The shard's table and database, computed only when an error names the shard. */
  readonly locate?: () => { readonly table: string; readonly database?: string };
}

/** Shards named in the message; the error's `shards` lists them all. */
const NAMED = 5;

/**
 * The error of a query that ran past `queryTimeoutMs`: names the shard commands still running
 * when the timeout fired (`running`), which are the slow ones, and counts those not yet started.
 *
 * @example
 * throw queryTimeoutError(400, [{ shardId: 'years::2023', sql }]);
 * // The query ran longer than its timeout of 400 ms while shard 'years::2023' was still running ...
 */
export function queryTimeoutError(timeoutMs: number, running: readonly TimedCommand[], notStarted = 0): DtdeTimeoutError {
  const shards = running.map(timedOutShard);
  const waiting = notStarted > 0 ? ` ${notStarted} more shard command${notStarted === 1 ? ' had' : 's had'} not started.` : '';
  if (shards.length === 0) {
    return new DtdeTimeoutError(
      `The query ran longer than its timeout of ${timeoutMs} ms after its shard commands had finished (the time went to ` +
        `reading their results) and was cancelled.${waiting} Raise queryTimeoutMs or read the results faster.`,
      { timeoutMs, shards },
    );
  }
  const named = shards.slice(0, NAMED).map(describe).join(', ');
  const more = shards.length > NAMED ? ` and ${shards.length - NAMED} more (see error.shards)` : '';
  const one = shards.length === 1;
  const which = one ? `shard ${named} was` : `shards ${named}${more} were`;
  return new DtdeTimeoutError(
    `The query ran longer than its timeout of ${timeoutMs} ms while ${which} still running; ` +
      `${one ? 'its command was' : 'their commands were'} cancelled.${waiting} ` +
      `Find why ${one ? 'the shard is' : 'those shards are'} slow (see error.shards), raise queryTimeoutMs, ` +
      'or narrow the query (filter on the shard key, add take).',
    { timeoutMs, shards },
  );
}

function timedOutShard(command: TimedCommand): TimedOutShard {
  const where = command.locate?.();
  return {
    shardId: command.shardId,
    sql: command.sql,
    ...(where === undefined ? {} : { table: where.table }),
    ...(where?.database === undefined ? {} : { database: where.database }),
  };
}

function describe(shard: TimedOutShard): string {
  if (shard.table === undefined) return `'${shard.shardId}'`;
  return `'${shard.shardId}' (table ${shard.table}${shard.database === undefined ? '' : ` in database ${shard.database}`})`;
}
