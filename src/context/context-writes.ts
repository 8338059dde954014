import { AsyncLocalStorage } from 'node:async_hooks';
import { DtdeCommitError } from '../errors/dtde-commit-error.js';
import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import type { ConnectionRef, EntityModel } from '../metadata/model.js';
import type {
  DatabaseDriver,
  DriverParameters,
  DriverRow,
  DriverTransaction,
  QueryNowOptions,
  QueryOptions,
} from '../providers/database-driver.js';
import type { BoundLambda, QueryExpression } from '../linq/expression/query-expression.js';
import { bulkInsert, type BulkInsertOptions, type BulkInsertResult } from '../writes/bulk-insert.js';
import type { PendingChange } from '../writes/pending-change.js';
import { planSetWrite } from '../writes/plan-set-write.js';
import { recoverTransactions, type RecoveryResult } from '../writes/recover-transactions.js';
import { saveChanges } from '../writes/save-changes.js';
import type { WriteRuntime } from '../writes/write-runtime.js';
import { WriteSession } from '../writes/write-session.js';

/**
 * The write side of one context: the pending changes, the open `transaction` scope (bound to the
 * async calls made inside its callback), and recovery of interrupted cross-database saves, run
 * once before the context's first write.
 */
export class ContextWrites {
  readonly #pending = new Map<object, PendingChange>();
  readonly #scope = new AsyncLocalStorage<WriteSession>();
  /** The write runtime; `operation` names what was attempted when the context cannot write. */
  readonly #runtime: (operation: string) => WriteRuntime;
  readonly #autoRecover: boolean;
  #recovery: Promise<unknown> | null = null;

  constructor(runtime: (operation: string) => WriteRuntime, options: { readonly autoRecover: boolean }) {
    this.#runtime = runtime;
    this.#autoRecover = options.autoRecover;
  }

  /**
   * Records a change, merged with one already pending for the same object as EF Core does:
   * an added object stays added when updated, and disappears when removed.
   */
  track(kind: PendingChange['kind'], entity: EntityModel, object: object, from?: Readonly<Record<string, unknown>>): void {
    if (typeof object !== 'object' || object === null) {
      throw new DtdeInvalidOperationError(`${kind}() needs an entity object, got ${object === null ? 'null' : typeof object}.`, {
        operation: kind,
      });
    }
    const existing = this.#pending.get(object);
    if (existing?.kind === 'add') {
      if (kind === 'remove') this.#pending.delete(object);
      return;
    }
    const keptFrom = from ?? existing?.from;
    this.#pending.set(object, { kind, entity, object, ...(keptFrom === undefined ? {} : { from: keptFrom }) });
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  discard(): void {
    this.#pending.clear();
  }

  async saveChanges(signal?: AbortSignal, versioning = false): Promise<number> {
    const changes = [...this.#pending.values()];
    if (changes.length === 0) return 0;
    const runtime = this.#runtime(versioning ? 'saveChangesWithVersioning' : 'saveChanges');
    await this.#recovered(runtime, signal);
    const forget = () => {
      for (const change of changes) if (this.#pending.get(change.object) === change) this.#pending.delete(change.object);
    };
    try {
      const result = await saveChanges(runtime, changes, {
        signal,
        session: this.#scope.getStore(),
        versioning,
        operation: versioning ? 'saveChangesWithVersioning' : 'saveChanges',
      });
      forget();
      return result.rowCount;
    } catch (error) {
      // A decided cross-database save is durable (recovery finishes it): saving it again would repeat it.
      if (error instanceof DtdeCommitError && error.outcomes.some((o) => o.outcome === 'committed')) forget();
      throw error;
    }
  }

  async transaction<R>(fn: () => Promise<R>, signal?: AbortSignal): Promise<R> {
    if (this.#scope.getStore() !== undefined) {
      throw new DtdeInvalidOperationError(
        'A transaction is already open in this async context; run the work inside the outer transaction callback instead of opening another.',
        { operation: 'transaction' },
      );
    }
    const runtime = this.#runtime('transaction');
    await this.#recovered(runtime, signal);
    const session = new WriteSession(runtime);
    return this.#scope.run(session, async () => {
      let result: R;
      try {
        result = await fn();
        await session.commit(signal);
      } catch (error) {
        await session.rollback();
        throw error;
      }
      return result;
    });
  }

  async recover(signal?: AbortSignal): Promise<RecoveryResult> {
    return recoverTransactions(this.#runtime('recover'), signal);
  }

  /** `where(...).executeUpdate(set)`, or `executeDelete()` when `set` is null: rows affected. */
  setWrite(query: QueryExpression, set: BoundLambda | null, signal?: AbortSignal): Promise<number> {
    return this.inSession(
      set === null ? 'executeDelete' : 'executeUpdate',
      async (session, runtime) => {
        const plan = planSetWrite(query, set, runtime);
        await session.begin(
          plan.statements.map((s) => s.target.connection),
          signal,
        );
        await session.run(plan.statements, signal);
        return plan.affected();
      },
      signal,
    );
  }

  bulkInsert(
    entity: EntityModel,
    rows: Iterable<object> | AsyncIterable<object>,
    options: BulkInsertOptions = {},
  ): Promise<BulkInsertResult> {
    return this.inSession('bulkInsert', (session, runtime) => bulkInsert(session, runtime, entity, rows, options), options.signal);
  }

  /** Runs `write` (a set-based update, delete or bulk insert) in the open scope, or in its own session. */
  async inSession<R>(
    operation: string,
    write: (session: WriteSession, runtime: WriteRuntime) => Promise<R>,
    signal?: AbortSignal,
  ): Promise<R> {
    const runtime = this.#runtime(operation);
    await this.#recovered(runtime, signal);
    const open = this.#scope.getStore();
    if (open) return write(open, runtime);
    const session = new WriteSession(runtime);
    try {
      const result = await write(session, runtime);
      await session.commit(signal);
      return result;
    } catch (error) {
      await session.rollback();
      throw error;
    }
  }

  /**
   * The driver queries run with: inside a transaction scope, a database the scope has written
   * is read through the scope's transaction, so reads see the scope's own writes.
   */
  readingDriver(driver: DatabaseDriver): DatabaseDriver {
    const session = this.#scope.getStore();
    if (session === undefined) return driver;
    return Object.assign(Object.create(driver) as DatabaseDriver, {
      query(
        connection: ConnectionRef | null,
        sql: string,
        parameters?: DriverParameters,
        options?: QueryOptions,
      ): AsyncIterable<DriverRow> {
        const tx = session.transactionOn(connection);
        return tx === undefined ? driver.query(connection, sql, parameters, options) : readInTransaction(tx, sql, parameters, options);
      },
      // A read at once goes around the scope's transaction: only where the scope has none.
      queryNow:
        driver.queryNow === undefined
          ? undefined
          : (connection: ConnectionRef | null, sql: string, parameters: DriverParameters, options: QueryNowOptions) =>
              session.transactionOn(connection) === undefined ? driver.queryNow!(connection, sql, parameters, options) : undefined,
    });
  }

  async #recovered(runtime: WriteRuntime, signal?: AbortSignal): Promise<void> {
    if (!this.#autoRecover) return;
    this.#recovery ??= recoverTransactions(runtime, signal).catch((error: unknown) => {
      this.#recovery = null; // try again on the next write
      throw error;
    });
    await this.#recovery;
  }
}

// A transaction has one connection: its reads run one at a time and are read whole, so the
// shard streams of one merge never hold the connection at once.
const queues = new WeakMap<DriverTransaction, Promise<unknown>>();

async function* readInTransaction(
  tx: DriverTransaction,
  sql: string,
  parameters: DriverParameters | undefined,
  options: QueryOptions | undefined,
): AsyncGenerator<DriverRow> {
  const previous = queues.get(tx) ?? Promise.resolve();
  const read = previous.then(async () => {
    const rows: DriverRow[] = [];
    for await (const row of tx.query(sql, parameters, options)) rows.push(row);
    return rows;
  });
  queues.set(
    tx,
    read.catch(() => undefined),
  );
  yield* await read;
}
