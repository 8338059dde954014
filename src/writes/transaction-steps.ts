import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * `dtde:tx:step`: each step of the cross-database commit protocol and of recovery, published
 * when it has happened. For tracing, and for crash tests, which stop the process at a step.
 *
 * @example
 * diagnosticsChannel.subscribe(TRANSACTION_STEP_CHANNEL, (m) => console.log(m.step, m.transactionId));
 */
export const TRANSACTION_STEP_CHANNEL = 'dtde:tx:step';

export interface TransactionStepMessage {
  readonly transactionId: string;
  /**
   * - `prepared`: every participant holds its changes and marker, uncommitted; nothing is decided.
   * - `decided`: the log entry is durable; from here the transaction commits everywhere.
   * - `committed`: one participant committed (`participant` is its index in the log record).
   * - `completed`: every participant committed; the log entry is marked complete.
   * - `recovered`: recovery applied one participant's redo record (`participant`).
   */
  readonly step: 'prepared' | 'decided' | 'committed' | 'completed' | 'recovered';
  readonly participant?: number;
  /** The shards of that participant (`group::id`). */
  readonly shardIds?: readonly string[];
}

const channel = diagnosticsChannel.channel(TRANSACTION_STEP_CHANNEL);

export function publishTransactionStep(message: TransactionStepMessage): void {
  if (channel.hasSubscribers) channel.publish(message);
}
