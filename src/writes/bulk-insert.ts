import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { rememberStoredState } from '../execution/stored-state.js';
import type { EntityModel, ShardTarget } from '../metadata/model.js';
import { shardTargets } from '../metadata/shard-targets.js';
import { type InsertRow, insertReturning, insertStatements } from './insert-statements.js';
import type { PendingChange } from './pending-change.js';
import { initialToken } from './plan-changes.js';
import { rowCheck } from './row-check.js';
import { routingErrorAt, rowRouter } from './row-router.js';
import { validateChanges } from './validate-changes.js';
import type { WriteRuntime, WriteStatement } from './write-runtime.js';
import type { WriteSession } from './write-session.js';

export interface BulkInsertOptions {
  /** Rows read, validated and routed before any of them is sent. Default 10,000. */
  readonly batchSize?: number;
  /** Stops the insert between statements; everything inserted so far rolls back. */
  readonly signal?: AbortSignal;
}

export interface BulkInsertResult {
  readonly rowsInserted: number;
  /** Rows inserted per shard, by qualified shard id (`group::id`; plain id in the default group); 0 for untouched shards. */
  readonly perShard: Readonly<Record<string, number>>;
}

const DEFAULT_BATCH_SIZE = 10_000;

/**
 * Inserts many rows of one entity in `session`: each batch is validated (every bad field of every
 * row in one error) and routed in full before any of it is sent, then written as multi-row INSERT
 * statements within the dialect's limits (rows and parameters per statement). Atomic across every
 * shard and batch: the caller commits the session once, with the cross-database protocol when
 * the rows span databases.
 */
export async function bulkInsert(
  session: WriteSession,
  runtime: WriteRuntime,
  entity: EntityModel,
  rows: Iterable<object> | AsyncIterable<object>,
  options: BulkInsertOptions = {},
): Promise<BulkInsertResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new DtdeConfigurationError(`bulkInsert options.batchSize: expected an integer >= 1, got ${String(batchSize)}.`, {
      path: 'bulkInsert options.batchSize',
    });
  }
  const perShard: Record<string, number> = {};
  for (const target of shardTargets(entity, runtime.layout, { maxIdentifierLength: runtime.maxIdentifierLength }))
    perShard[target.shard.qualifiedId] = 0;
  let rowsInserted = 0;
  let firstIndex = 0;
  const operation = `bulkInsert(${entity.name})`;
  const fits = rowCheck(entity);
  const flush = async (batch: object[]): Promise<void> => {
    // The quick check passes nearly every batch; a refused row gets the schema's full report.
    if (!batch.every(fits)) {
      const changes: PendingChange[] = batch.map((object) => ({ kind: 'add', entity, object }));
      validateChanges(changes, operation, { firstIndex, noun: 'row' });
    }
    await runtime.ensureShards?.(entity, batch);
    const plan = planInsert(entity, batch, runtime, operation, firstIndex);
    await session.run(plan.statements, options.signal);
    session.onCommit(plan.afterCommit);
    for (const s of plan.statements) perShard[s.target.shard.qualifiedId] += s.insertedRows ?? 0;
    rowsInserted += batch.length;
    firstIndex += batch.length;
  };
  let batch: object[] = [];
  // Undefined until the batch is full: no promise per row.
  const add = (row: object): Promise<void> | undefined => {
    batch.push(row);
    if (batch.length < batchSize) return undefined;
    const full = batch;
    batch = [];
    return flush(full);
  };
  if (Symbol.asyncIterator in rows) {
    for await (const row of rows) await add(row);
  } else {
    // What `for await` does with a plain iterable (a promise among the rows is awaited).
    for (const row of rows) {
      const flushing = add(isThenable(row) ? await row : row);
      if (flushing !== undefined) await flushing;
    }
  }
  if (batch.length > 0) await flush(batch);
  return { rowsInserted, perShard };
}

/**
 * The statements of one batch of adds, as `planChanges` plans adds (a missing concurrency token
 * starts at 1, a row without its generated values is inserted alone and gets them back), without
 * a pending change, a row copy or a SQL tree per row: each row is routed once and the values are
 * bound straight from the objects (see `insertStatements`). `afterCommit` gives the objects their
 * tokens, generated values and stored state.
 */
function planInsert(
  entity: EntityModel,
  objects: readonly object[],
  runtime: WriteRuntime,
  operation: string,
  firstIndex: number,
): { readonly statements: WriteStatement[]; readonly afterCommit: () => void } {
  const { dialect } = runtime.provider;
  const route = rowRouter(entity, runtime);
  const token = entity.properties.find((p) => p.concurrencyToken);
  const generated = entity.properties.filter((p) => p.generated);
  const statements: WriteStatement[] = [];
  const byTarget = new Map<ShardTarget, InsertRow[]>();
  const tokens: unknown[] = [];
  const returned: (Record<string, unknown> | undefined)[] = [];
  for (let i = 0; i < objects.length; i++) {
    const object = objects[i] as Record<string, unknown>;
    let row: InsertRow = object;
    if (token !== undefined) {
      if (object[token.name] === undefined || object[token.name] === null) row = { ...object, [token.name]: initialToken(token) };
      tokens[i] = row[token.name];
    }
    let target: ShardTarget;
    try {
      target = route(row, 'add');
    } catch (error) {
      throw routingErrorAt(error, `${operation}: row ${firstIndex + i} (add ${entity.name})`);
    }
    if (generated.length > 0 && generated.some((p) => row[p.name] === undefined || row[p.name] === null)) {
      const single = insertReturning(entity, target, row, dialect);
      statements.push(single.statement);
      returned[i] = single.returned;
      continue;
    }
    let rows = byTarget.get(target);
    if (rows === undefined) byTarget.set(target, (rows = []));
    rows.push(row);
  }
  for (const [target, rows] of byTarget) statements.push(...insertStatements(entity, target, rows, dialect));
  const afterCommit = (): void => {
    for (let i = 0; i < objects.length; i++) {
      const object = objects[i] as Record<string, unknown>;
      if (returned[i] !== undefined) Object.assign(object, returned[i]);
      if (token !== undefined) object[token.name] = tokens[i];
      rememberStoredState(object, entity);
    }
  };
  return { statements, afterCommit };
}

function isThenable(value: unknown): value is PromiseLike<object> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
