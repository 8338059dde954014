import { runAll } from './run-all.js';
import { randomUUID } from 'node:crypto';
import { DtdeCommitError, type CommitOutcome } from '../errors/dtde-commit-error.js';
import { DtdeConcurrencyError } from '../errors/dtde-concurrency-error.js';
import { DtdeDatabaseError } from '../errors/dtde-database-error.js';
import { DtdeError } from '../errors/dtde-error.js';
import { DtdeShardError } from '../errors/dtde-shard-error.js';
import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import type { ConnectionRef } from '../metadata/model.js';
import type { DriverRow, DriverTransaction } from '../providers/database-driver.js';
import type { RenderedSql } from '../sql/dialect.js';
import { applyRedo, finishLogEntry } from './recover-transactions.js';
import { createLogTable, createMarkerTable, insertLogEntry, insertMarker, type TransactionRecord } from './transaction-log.js';
import { publishTransactionStep } from './transaction-steps.js';
import type { WriteRuntime, WriteSql, WriteStatement } from './write-runtime.js';

/** One database of a save: its open transaction and what ran in it, for the redo record. */
interface Participant {
  readonly databaseId: string;
  readonly connection: ConnectionRef | null;
  readonly shardIds: Set<string>;
  readonly tx: DriverTransaction;
  readonly redo: WriteSql[];
}

/**
 * The transactions of one save (or one `ctx.transaction` scope): one per database written,
 * begun on first use, and the commit that ends them together.
 *
 * - One database: a plain local commit (shards in one database share its transaction).
 * - Several: the redo-log two-phase commit. Prepare: every participant holds its changes plus a
 *   marker row (`dtde_tx_marker`), uncommitted. Decide: the coordinator's log (`dtde_tx_log`)
 *   records every participant's redo record, durably; when the coordinator's database takes part,
 *   the entry commits in its transaction, so its commit is the decision. Commit the others, then
 *   finish the entry. A participant whose commit fails (or a process that dies) after the decision
 *   is finished by `recoverTransactions`, which applies its redo record with its marker in one
 *   local transaction, exactly once. Before the decision any failure rolls everything back.
 */
export class WriteSession {
  readonly #runtime: WriteRuntime;
  readonly #participants = new Map<string, Participant>();
  readonly #onCommit: (() => void)[] = [];
  #ended = false;

  constructor(runtime: WriteRuntime) {
    this.#runtime = runtime;
  }

  /** The open transaction on `connection`'s database, if this session has written there. */
  transactionOn(connection: ConnectionRef | null): DriverTransaction | undefined {
    return this.#participants.get(this.#runtime.provider.databaseId(connection))?.tx;
  }

  /**
   * Begins the transactions of these databases now, in a stable order (by database id), so two
   * saves that write the same databases never wait on each other in a cycle.
   */
  async begin(connections: readonly (ConnectionRef | null)[], signal?: AbortSignal): Promise<void> {
    const byId = new Map(connections.map((c) => [this.#runtime.provider.databaseId(c), c]));
    for (const id of [...byId.keys()].sort()) await this.#participant(byId.get(id) ?? null, signal);
  }

  /** Runs statements in order inside their databases' transactions. */
  async run(statements: readonly WriteStatement[], signal?: AbortSignal): Promise<void> {
    for (const statement of statements) {
      signal?.throwIfAborted();
      try {
        await this.#runOne(statement, signal);
      } catch (error) {
        if (signal?.aborted && error === signal.reason) throw error;
        if (error instanceof DtdeError && !(error instanceof DtdeDatabaseError)) throw error;
        // A database's own failure: say which shard, and that the save wrote nothing.
        const shardId = statement.target.shard.qualifiedId;
        throw new DtdeShardError(
          `Writing to shard '${shardId}' (table ${statement.target.table.name}) failed, so nothing of this save was written: ` +
            `${error instanceof Error ? error.message : String(error)} Fix the cause and save again (the changes are still pending).`,
          { shardId, sql: statement.rendered.sql, cause: error },
        );
      }
    }
  }

  async #runOne(statement: WriteStatement, signal: AbortSignal | undefined): Promise<void> {
    {
      const participant = await this.#participant(statement.target.connection, signal);
      participant.shardIds.add(statement.target.shard.qualifiedId);
      const { sql, parameters } = statement.rendered;
      if (statement.returned) {
        const rows: DriverRow[] = [];
        for await (const row of participant.tx.query(sql, parameters, { signal, safeIntegers: true })) rows.push(row);
        for (const row of rows) statement.returned(row);
        this.#checkExpected(statement, rows.length);
      } else {
        const { rowsAffected } = await participant.tx.execute(sql, parameters, { signal });
        this.#checkExpected(statement, rowsAffected);
        statement.affected?.(rowsAffected);
      }
      // Kept as rendered (never changed after), encoded only if the save spans databases.
      participant.redo.push(statement.rendered);
    }
  }

  /** Runs `action` once this session's commit is durable (for saves made inside a scope). */
  onCommit(action: () => void): void {
    this.#onCommit.push(action);
  }

  /** Ends the session by rolling back every transaction it began. Idempotent. */
  async rollback(): Promise<void> {
    this.#ended = true;
    await Promise.allSettled([...this.#participants.values()].map((p) => p.tx.rollback()));
  }

  /** Commits every participant together (see the class comment). */
  async commit(signal?: AbortSignal): Promise<void> {
    this.#ended = true;
    const participants = [...this.#participants.values()];
    try {
      if (participants.length === 1) await participants[0].tx.commit();
      else if (participants.length > 1) await this.#commitAcrossDatabases(participants, signal);
    } catch (error) {
      if (error instanceof DtdeCommitError && error.outcomes.some((o) => o.outcome === 'committed')) runAll(this.#onCommit);
      throw error;
    }
    runAll(this.#onCommit);
  }

  async #participant(connection: ConnectionRef | null, signal?: AbortSignal): Promise<Participant> {
    const databaseId = this.#runtime.provider.databaseId(connection);
    let participant = this.#participants.get(databaseId);
    if (participant === undefined) {
      if (this.#ended) {
        throw new DtdeInvalidOperationError('This transaction has already ended; start a new save or transaction scope for more writes.', {
          operation: 'write',
        });
      }
      const tx = await this.#runtime.provider.driver.beginTransaction(connection, { signal });
      participant = { databaseId, connection, shardIds: new Set(), tx, redo: [] };
      this.#participants.set(databaseId, participant);
    }
    return participant;
  }

  #checkExpected(statement: WriteStatement, rows: number): void {
    const expected = statement.expect;
    if (expected === undefined || rows === 1) return;
    const key = Object.entries(expected.key)
      .map(([k, v]) => `${k} = ${v instanceof Date ? v.toISOString() : typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
    const shardId = statement.target.shard.qualifiedId;
    const what = expected.operation === 'update' ? 'update' : 'remove';
    throw new DtdeConcurrencyError(
      `Cannot ${what} ${expected.entity} (${key}) in shard '${shardId}': ${rows} rows matched its key${expected.token ? ' and concurrency token' : ''}, expected 1. ` +
        `Another writer ${expected.token ? 'changed or ' : ''}removed the row since it was read, or it is not in that shard. ` +
        'Nothing of this save was written; read the entity again and retry.',
      { entity: expected.entity, key: expected.key, shardId },
    );
  }

  async #commitAcrossDatabases(participants: readonly Participant[], signal?: AbortSignal): Promise<void> {
    const { provider, coordinator } = this.#runtime;
    const { dialect, driver } = provider;
    const transactionId = randomUUID();
    const at = this.#runtime.now();
    const coordinatorId = provider.databaseId(coordinator);
    const inCoordinator = participants.find((p) => p.databaseId === coordinatorId);
    const others = participants.filter((p) => p !== inCoordinator);
    const outcome = (p: Participant, state: CommitOutcome['outcome'], error?: unknown): CommitOutcome => ({
      shardIds: [...p.shardIds],
      outcome: state,
      ...(error === undefined ? {} : { error }),
    });

    // 1. Prepare: markers beside the changes, all uncommitted. Any failure: nothing is written.
    try {
      for (const p of others) {
        signal?.throwIfAborted();
        await execute(p.tx, createMarkerTable(dialect));
        await execute(p.tx, insertMarker(dialect, transactionId, at));
      }
    } catch (error) {
      await this.rollback();
      throw error;
    }
    publishTransactionStep({ transactionId, step: 'prepared' });

    // 2. Decide: the log entry, with every participant's redo record, made durable.
    const record: TransactionRecord = {
      participants: participants.map((p) => ({
        databaseId: p.databaseId,
        shardIds: [...p.shardIds],
        redo: p === inCoordinator ? null : p.redo,
      })),
    };
    const entry = insertLogEntry(dialect, transactionId, at, record);
    try {
      signal?.throwIfAborted();
      if (inCoordinator) {
        await execute(inCoordinator.tx, createLogTable(dialect));
        await execute(inCoordinator.tx, entry);
        await inCoordinator.tx.commit();
      } else {
        await driver.transaction(coordinator, async (tx) => {
          await execute(tx, createLogTable(dialect));
          await execute(tx, entry);
        });
      }
    } catch (error) {
      await this.rollback();
      throw new DtdeCommitError(
        `The save across ${participants.length} databases was rolled back: recording its decision in the coordinator's log failed (${message(error)}). Nothing was written; fix the cause and save again.`,
        { transactionId, outcomes: participants.map((p) => outcome(p, 'rolledBack')), cause: error },
      );
    }
    publishTransactionStep({ transactionId, step: 'decided' });
    if (inCoordinator)
      publishTransactionStep({
        transactionId,
        step: 'committed',
        participant: participants.indexOf(inCoordinator),
        shardIds: [...inCoordinator.shardIds],
      });

    // 3. Commit the others. From here the save is decided: a failed commit is redone, never undone.
    const outcomes = new Map<Participant, CommitOutcome>();
    if (inCoordinator) outcomes.set(inCoordinator, outcome(inCoordinator, 'committed'));
    for (const p of others) {
      try {
        await p.tx.commit();
        outcomes.set(p, outcome(p, 'committed'));
      } catch (error) {
        try {
          await applyRedo(this.#runtime, p.connection, transactionId, p.redo, at);
          outcomes.set(p, outcome(p, 'committed'));
        } catch (redoError) {
          outcomes.set(p, outcome(p, 'pendingRecovery', redoError ?? error));
          continue;
        }
      }
      publishTransactionStep({ transactionId, step: 'committed', participant: participants.indexOf(p), shardIds: [...p.shardIds] });
    }
    const pending = [...outcomes.values()].filter((o) => o.outcome === 'pendingRecovery');
    if (pending.length > 0) {
      throw new DtdeCommitError(
        `The save across ${participants.length} databases is decided but ${pending.length} of them could not commit yet: ` +
          participants.map((p) => `${[...p.shardIds].join(', ')}: ${outcomes.get(p)?.outcome}`).join('; ') +
          `. Nothing is lost: ctx.recover() applies the pending part from the coordinator's log (it also runs before this context's next save). Cause: ${message(pending[0].error)}`,
        { transactionId, outcomes: participants.map((p) => outcomes.get(p)!), cause: pending[0].error },
      );
    }
    publishTransactionStep({ transactionId, step: 'completed' });
    // 4. Clean up the markers and the entry; recovery repeats this if the process stops first.
    await finishLogEntry(this.#runtime, transactionId, record).catch(() => undefined);
  }
}

async function execute(tx: { execute: DriverTransaction['execute'] }, rendered: RenderedSql): Promise<void> {
  await tx.execute(rendered.sql, rendered.parameters);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
