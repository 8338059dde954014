import { DtdeError } from './dtde-error.js';

/** What happened to one database of a failed save: each shard in it shares the outcome. */
export interface CommitOutcome {
  /** The shards written in this database (`group::id`). */
  readonly shardIds: readonly string[];
  /**
   * `committed`: its part is durable. `rolledBack`: nothing of it was written. `pendingRecovery`:
   * the save was decided but this database's commit failed; `ctx.recover()` applies its part from
   * the coordinator's log (it also runs before the context's next write).
   */
  readonly outcome: 'committed' | 'rolledBack' | 'pendingRecovery';
  /** Why, for the database that failed. */
  readonly error?: unknown;
}

/**
 * A save that spans several databases did not complete everywhere. `outcomes` names every
 * database of the save and what happened there. When the save was decided (some database
 * committed), the rest is `pendingRecovery`: it is never lost, and `ctx.recover()` finishes it.
 */
export class DtdeCommitError extends DtdeError {
  override readonly name = 'DtdeCommitError';
  readonly code = 'DTDE_COMMIT';
  /** The transaction id in the coordinator's log (`dtde_tx_log.tx_id`). */
  readonly transactionId: string;
  readonly outcomes: readonly CommitOutcome[];

  constructor(message: string, details: { transactionId: string; outcomes: readonly CommitOutcome[]; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.transactionId = details.transactionId;
    this.outcomes = details.outcomes;
  }
}
