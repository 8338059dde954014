import { runAll } from './run-all.js';
import { DtdeCommitError } from '../errors/dtde-commit-error.js';
import type { PendingChange } from './pending-change.js';
import { planChanges } from './plan-changes.js';
import { validateChanges } from './validate-changes.js';
import type { WriteRuntime } from './write-runtime.js';
import { WriteSession } from './write-session.js';

export interface SaveResult {
  /** Rows written: one per add, update and remove. */
  readonly rowCount: number;
  /**
   * Whether the save is durable: true once it committed, and also when a cross-database save was
   * decided but one database's commit is pending recovery (the error says so).
   */
  readonly decided: boolean;
}

/**
 * Validates, routes and writes pending changes in one atomic save (see `WriteSession`). Inside an
 * open `session` (a `ctx.transaction` scope), the statements join it and commit with it.
 * Entity objects get generated keys, incremented tokens and their new stored state only once the
 * save is durable.
 */
export async function saveChanges(
  runtime: WriteRuntime,
  changes: readonly PendingChange[],
  options: {
    readonly signal?: AbortSignal;
    readonly session?: WriteSession;
    readonly operation?: string;
    readonly versioning?: boolean;
  } = {},
): Promise<SaveResult> {
  const at = options.versioning ? runtime.now() : undefined;
  // A versioned save decides the validity columns of what it writes: check and route the rows as
  // it will write them (a new version starts at the save's instant).
  const checked = at === undefined ? changes : changes.map((c) => asWritten(c, at));
  await ensureShards(runtime, checked);
  validateChanges(checked, options.operation ?? 'saveChanges');
  const plan = planChanges(changes, runtime, { versioning: options.versioning, at, operation: options.operation });
  if (plan.statements.length === 0) return { rowCount: 0, decided: true };
  if (options.session) {
    await options.session.run(plan.statements, options.signal);
    options.session.onCommit(() => runAll(plan.afterCommit));
    return { rowCount: plan.rowCount, decided: false };
  }
  const session = new WriteSession(runtime);
  try {
    await session.begin(
      plan.statements.map((s) => s.target.connection),
      options.signal,
    );
    await session.run(plan.statements, options.signal);
    await session.commit(options.signal);
  } catch (error) {
    await session.rollback();
    // A decided save is durable even when a database's commit is pending recovery.
    if (error instanceof DtdeCommitError && error.outcomes.some((o) => o.outcome === 'committed')) {
      runAll(plan.afterCommit);
    }
    throw error;
  }
  runAll(plan.afterCommit);
  return { rowCount: plan.rowCount, decided: true };
}

function asWritten(change: PendingChange, at: Date): PendingChange {
  const temporal = change.entity.temporal;
  if (temporal === null || change.kind === 'remove') return change;
  const object = change.object as Record<string, unknown>;
  const validity =
    change.kind === 'add'
      ? { [temporal.validFrom]: object[temporal.validFrom] ?? at, [temporal.validTo]: object[temporal.validTo] ?? null }
      : { [temporal.validFrom]: at, [temporal.validTo]: null };
  return { ...change, object: { ...object, ...validity } };
}

/** Date shards created on demand for the rows the changes write (adds, and updates that may move). */
async function ensureShards(runtime: WriteRuntime, changes: readonly PendingChange[]): Promise<void> {
  if (runtime.ensureShards === undefined) return;
  const byEntity = new Map<PendingChange['entity'], object[]>();
  for (const change of changes) {
    if (change.kind === 'remove') continue;
    const rows = byEntity.get(change.entity) ?? [];
    rows.push(change.object);
    byEntity.set(change.entity, rows);
  }
  for (const [entity, rows] of byEntity) await runtime.ensureShards(entity, rows);
}
