import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import type { ConnectionRef } from '../metadata/model.js';
import {
  completeLogEntry,
  createMarkerTable,
  decodeRecord,
  deleteLogEntry,
  deleteMarker,
  insertMarker,
  LOG_TABLE,
  selectLogEntries,
  selectMarker,
  type TransactionRecord,
} from './transaction-log.js';
import { publishTransactionStep } from './transaction-steps.js';
import type { WriteRuntime, WriteSql } from './write-runtime.js';

/** What `ctx.recover()` did. */
export interface RecoveryResult {
  /** Decided transactions found incomplete and finished. */
  readonly recovered: number;
  /** Participants whose redo record was applied (they had not committed). */
  readonly participantsRedone: number;
}

/**
 * Finishes every decided but incomplete cross-database save in the coordinator's log: each
 * participant without its marker gets its redo record applied with its marker, in one local
 * transaction (so exactly once, even if two processes recover at the same time), then the entry
 * and its markers are removed. Entries never decided need nothing: their transactions died
 * uncommitted with the process that opened them.
 */
export async function recoverTransactions(runtime: WriteRuntime, signal?: AbortSignal): Promise<RecoveryResult> {
  const { dialect, driver } = runtime.provider;
  // No log table: no save ever spanned databases here, so nothing to recover (and no table to add).
  const list = dialect.renderTableNames();
  let hasLog = false;
  for await (const row of driver.query(runtime.coordinator, list.sql, list.parameters, { signal })) {
    if (String(row.name).toLowerCase() === LOG_TABLE.name) hasLog = true;
  }
  if (!hasLog) return { recovered: 0, participantsRedone: 0 };
  let recovered = 0;
  let participantsRedone = 0;
  for (const state of ['decided', 'complete'] as const) {
    const select = selectLogEntries(dialect, state);
    const entries: { txId: string; record: TransactionRecord }[] = [];
    for await (const row of driver.query(runtime.coordinator, select.sql, select.parameters, { signal })) {
      entries.push({ txId: String(row.tx_id), record: decodeRecord(String(row.record)) });
    }
    for (const { txId, record } of entries) {
      signal?.throwIfAborted();
      if (state === 'decided') {
        for (const [index, participant] of record.participants.entries()) {
          if (participant.redo === null) continue;
          const connection = connectionOf(runtime, participant.databaseId);
          if (await applyRedo(runtime, connection, txId, participant.redo, runtime.now())) {
            participantsRedone++;
            publishTransactionStep({ transactionId: txId, step: 'recovered', participant: index, shardIds: participant.shardIds });
          }
        }
        recovered++;
      }
      await finishLogEntry(runtime, txId, record);
    }
  }
  return { recovered, participantsRedone };
}

/**
 * Applies one participant's redo record unless its marker shows it committed: marker first, so a
 * transaction still committing elsewhere makes this one wait or fail rather than apply twice.
 * Returns whether it applied anything.
 */
export async function applyRedo(
  runtime: WriteRuntime,
  connection: ConnectionRef | null,
  txId: string,
  redo: readonly WriteSql[],
  at: Date,
): Promise<boolean> {
  const { dialect, driver } = runtime.provider;
  return driver.transaction(connection, async (tx) => {
    const create = createMarkerTable(dialect);
    await tx.execute(create.sql, create.parameters);
    const select = selectMarker(dialect, txId);
    for await (const _row of tx.query(select.sql, select.parameters)) return false;
    const marker = insertMarker(dialect, txId, at);
    await tx.execute(marker.sql, marker.parameters);
    for (const statement of redo) await tx.execute(statement.sql, statement.parameters);
    return true;
  });
}

/** Marks the entry complete, removes its markers, then the entry: in that order, so a stop midway never redoes. */
export async function finishLogEntry(runtime: WriteRuntime, txId: string, record: TransactionRecord): Promise<void> {
  const { dialect, driver } = runtime.provider;
  const complete = completeLogEntry(dialect, txId);
  await driver.execute(runtime.coordinator, complete.sql, complete.parameters);
  for (const participant of record.participants) {
    if (participant.redo === null) continue;
    const marker = deleteMarker(dialect, txId);
    await driver.execute(connectionOf(runtime, participant.databaseId), marker.sql, marker.parameters);
  }
  const remove = deleteLogEntry(dialect, txId);
  await driver.execute(runtime.coordinator, remove.sql, remove.parameters);
}

/** The connection of a database named in a log record, among the context's own and its shards'. */
function connectionOf(runtime: WriteRuntime, databaseId: string): ConnectionRef | null {
  const { provider, layout } = runtime;
  if (provider.databaseId(runtime.coordinator) === databaseId) return runtime.coordinator;
  if (provider.databaseId(null) === databaseId) return null;
  for (const shards of layout.groups.values()) {
    for (const shard of shards)
      if (shard.connection !== null && provider.databaseId(shard.connection) === databaseId) return shard.connection;
  }
  throw new DtdeConfigurationError(
    `A decided save in the coordinator's log wrote database '${databaseId}', which this context's shard layout no longer names. ` +
      'Recover with a context whose shards include that database (ctx.recover()), then remove it from the layout.',
    { path: 'options.shards' },
  );
}
