import { DtdeInvalidOperationError } from '../errors/dtde-invalid-operation-error.js';
import { forgetStoredState, identityProperties, rememberStoredState, storedStateOf } from '../execution/stored-state.js';
import type { EntityModel, PropertyModel, ShardTarget } from '../metadata/model.js';
import { type SqlExpr, sql } from '../sql/sql-ast.js';
import { insertReturning, insertStatements } from './insert-statements.js';
import type { PendingChange } from './pending-change.js';
import { type RowRouter, routingErrorAt, rowRouter } from './row-router.js';
import type { WriteRuntime, WriteStatement } from './write-runtime.js';

export interface PlanOptions {
  /**
   * Temporal entities keep history: an update closes the current version (validTo = the save's
   * instant) and inserts the next one from that instant; a remove closes the current version.
   */
  readonly versioning?: boolean;
  /** The save's instant (default: the runtime's clock, read once). */
  readonly at?: Date;
  /** Names the operation and the position of the first change in routing errors (`bulkInsert(Order)`, 10000). */
  readonly operation?: string;
  readonly firstIndex?: number;
  readonly noun?: 'change' | 'row';
}

/** The statements of a save, and what to do to the entity objects once it committed. */
export interface PlannedChanges {
  readonly statements: readonly WriteStatement[];
  /** Generated keys, incremented tokens and stored state, applied only after the commit. */
  readonly afterCommit: readonly (() => void)[];
  /** Rows the save writes: one per add, update and remove (a moved row counts once). */
  readonly rowCount: number;
}

/**
 * Turns pending changes into routed statements. Adds are inserted in their shard; an update is
 * found by its stored values (key, shard key, token: as read through dtde, or as given with
 * `update(entity, { from })`) and either updated in place or, when its shard key moved it,
 * deleted from the old shard and inserted into the new one in the same save. Updates and removes
 * must match exactly one row (key, plus the concurrency token when the entity has one).
 * Throws `DtdeRoutingError` for a value that routes to no shard or to a read-only one, and
 * `DtdeInvalidOperationError` for a changed key, before anything is sent.
 */
export function planChanges(changes: readonly PendingChange[], runtime: WriteRuntime, options: PlanOptions = {}): PlannedChanges {
  const statements: WriteStatement[] = [];
  // One instant for the whole save: a closed version ends exactly where its successor starts.
  const now = options.versioning ? (options.at ?? runtime.now()) : null;
  const afterCommit: (() => void)[] = [];
  const inserts = new Map<ShardTarget, { entity: EntityModel; rows: Record<string, unknown>[] }>();
  const { dialect } = runtime.provider;
  const routers = new Map<EntityModel, RowRouter>();
  const targetOf = (entity: EntityModel, row: Readonly<Record<string, unknown>>, operation: string): ShardTarget => {
    let route = routers.get(entity);
    if (route === undefined) routers.set(entity, (route = rowRouter(entity, runtime)));
    return route(row, operation);
  };

  const insert = (entity: EntityModel, target: ShardTarget, row: Record<string, unknown>, object: Record<string, unknown>): void => {
    const generated = entity.properties.filter((p) => p.generated);
    if (generated.length > 0 && generated.some((p) => row[p.name] === undefined || row[p.name] === null)) {
      // The engine fills these in; one row per statement, since returned rows come in no set order.
      const { statement, returned } = insertReturning(entity, target, row, dialect);
      statements.push(statement);
      afterCommit.push(() => Object.assign(object, returned));
      return;
    }
    let batch = inserts.get(target);
    if (batch === undefined || batch.entity !== entity) inserts.set(target, (batch = { entity, rows: [] }));
    batch.rows.push(row);
  };

  /**
   * Closes the stored version (its validTo becomes `now`, matched by key, token and an open
   * validTo) and, for an update, inserts the next version from `now`, in whatever shard its
   * validFrom routes to. Both belong to this save, so they commit together.
   */
  const planNewVersion = (
    change: PendingChange,
    temporal: NonNullable<EntityModel['temporal']>,
    now: Date,
    token: PropertyModel | undefined,
  ): void => {
    const { entity } = change;
    const object = change.object as Record<string, unknown>;
    const from = storedValues(change);
    refuseKeyChange(entity, from, object);
    const start = from[temporal.validFrom];
    if (!(start instanceof Date) || now.getTime() <= start.getTime()) {
      throw new DtdeInvalidOperationError(
        `Cannot version ${entity.name} (${entity.key
          .filter((k) => k !== temporal.validFrom)
          .map((k) => `${k} = ${show(from[k])}`)
          .join(', ')}): ` +
          `the save's instant ${now.toISOString()} is not after the current version's ${temporal.validFrom} ${start instanceof Date ? start.toISOString() : show(start)}. ` +
          'A new version must start after the one it closes; check the clock, or save without versioning.',
        { operation: 'saveChangesWithVersioning' },
      );
    }
    const target = targetOf(entity, { ...object, ...from }, change.kind);
    const validTo = entity.propertyByName.get(temporal.validTo)!;
    const open = sql.isNull(sql.column('e', validTo.column));
    const set = [{ column: validTo.column, value: param(validTo, now) }];
    if (token) set.push({ column: token.column, value: param(token, nextToken(token, from[token.name])) });
    statements.push({
      target,
      rendered: dialect.renderUpdate({
        kind: 'update',
        table: target.table,
        alias: 'e',
        set,
        where: sql.and(rowMatch(entity, from, token), open),
      }),
      expect: {
        entity: entity.name,
        key: keyOf(entity, from),
        token: token !== undefined,
        operation: change.kind === 'remove' ? 'remove' : 'update',
      },
    });
    if (change.kind === 'remove') {
      afterCommit.push(() => {
        object[temporal.validTo] = now;
        forgetStoredState(object);
      });
      return;
    }
    const row: Record<string, unknown> = { ...object, [temporal.validFrom]: now, [temporal.validTo]: null };
    if (token) row[token.name] = initialToken(token);
    insert(entity, targetOf(entity, row, 'update'), row, object);
    afterCommit.push(() => {
      object[temporal.validFrom] = now;
      object[temporal.validTo] = null;
      if (token) object[token.name] = row[token.name];
      rememberStoredState(object, entity);
    });
  };

  for (const [index, change] of changes.entries()) {
    try {
      planChange(change);
    } catch (error) {
      // Say which row, as validation does.
      throw routingErrorAt(
        error,
        `${options.operation ?? 'saveChanges'}: ${options.noun ?? 'change'} ${(options.firstIndex ?? 0) + index} (${change.kind} ${change.entity.name})`,
      );
    }
  }

  function planChange(change: PendingChange): void {
    const { entity } = change;
    const object = change.object as Record<string, unknown>;
    const token = entity.properties.find((p) => p.concurrencyToken);
    const temporal = now !== null ? entity.temporal : null;
    if (temporal !== null && now !== null && change.kind !== 'add') {
      planNewVersion(change, temporal, now, token);
      return;
    }
    switch (change.kind) {
      case 'add': {
        const row = { ...object };
        if (temporal !== null && now !== null) {
          row[temporal.validFrom] ??= now;
          row[temporal.validTo] ??= null;
        }
        if (token && (row[token.name] === undefined || row[token.name] === null)) row[token.name] = initialToken(token);
        insert(entity, targetOf(entity, row, 'add'), row, object);
        afterCommit.push(() => {
          if (token) object[token.name] = row[token.name];
          if (temporal !== null) {
            object[temporal.validFrom] = row[temporal.validFrom];
            object[temporal.validTo] = row[temporal.validTo];
          }
          rememberStoredState(object, entity);
        });
        break;
      }
      case 'update': {
        const from = storedValues(change);
        refuseKeyChange(entity, from, object);
        const oldTarget = targetOf(entity, { ...object, ...from }, 'update');
        const row = { ...object };
        if (token) row[token.name] = nextToken(token, from[token.name]);
        const newTarget = targetOf(entity, row, 'update');
        if (newTarget === oldTarget) {
          statements.push({
            target: oldTarget,
            rendered: dialect.renderUpdate({
              kind: 'update',
              table: oldTarget.table,
              alias: 'e',
              set: entity.properties
                .filter((p) => !p.generated && !entity.key.includes(p.name))
                .map((p) => ({ column: p.column, value: param(p, row[p.name]) })),
              where: rowMatch(entity, from, token),
            }),
            expect: { entity: entity.name, key: keyOf(entity, from), token: token !== undefined, operation: 'update' },
          });
        } else {
          // The shard key changed: the row moves, deleted here and inserted there in the same save.
          statements.push(deleteStatement(entity, oldTarget, from, token, 'update', runtime));
          insert(entity, newTarget, row, object);
        }
        afterCommit.push(() => {
          if (token) object[token.name] = row[token.name];
          rememberStoredState(object, entity);
        });
        break;
      }
      case 'remove': {
        const from = storedValues(change);
        const target = targetOf(entity, { ...object, ...from }, 'remove');
        statements.push(deleteStatement(entity, target, from, token, 'remove', runtime));
        afterCommit.push(() => forgetStoredState(object));
        break;
      }
    }
  }

  for (const [target, { entity, rows }] of inserts) statements.push(...insertStatements(entity, target, rows, dialect));
  return { statements, afterCommit, rowCount: changes.length };
}

/** The values that find the stored row: given `from`, else as last read or saved, else the object's own. */
function storedValues(change: PendingChange): Readonly<Record<string, unknown>> {
  const object = change.object as Record<string, unknown>;
  const from = change.from ?? storedStateOf(change.object);
  if (from !== undefined) return from;
  return Object.fromEntries(identityProperties(change.entity).map((name) => [name, object[name]]));
}

function refuseKeyChange(entity: EntityModel, from: Readonly<Record<string, unknown>>, object: Record<string, unknown>): void {
  const changed = entity.key.filter((k) => !sameValue(from[k], object[k]));
  if (changed.length === 0) return;
  throw new DtdeInvalidOperationError(
    `Cannot update ${entity.name}: its key (${changed.join(', ')}) changed from ${changed.map((k) => show(from[k])).join(', ')} to ${changed.map((k) => show(object[k])).join(', ')}. ` +
      'A key identifies the row; remove the entity and add a new one instead.',
    { operation: 'update' },
  );
}

function deleteStatement(
  entity: EntityModel,
  target: ShardTarget,
  from: Readonly<Record<string, unknown>>,
  token: PropertyModel | undefined,
  operation: 'update' | 'remove',
  runtime: WriteRuntime,
): WriteStatement {
  return {
    target,
    rendered: runtime.provider.dialect.renderDelete({
      kind: 'delete',
      table: target.table,
      alias: 'e',
      where: rowMatch(entity, from, token),
    }),
    expect: { entity: entity.name, key: keyOf(entity, from), token: token !== undefined, operation },
  };
}

/** `key = … [AND token = …]` over the alias `e`. */
function rowMatch(entity: EntityModel, from: Readonly<Record<string, unknown>>, token: PropertyModel | undefined): SqlExpr {
  const terms: SqlExpr[] = entity.key.map((name) => {
    const p = entity.propertyByName.get(name)!;
    return sql.binary('=', sql.column('e', p.column), param(p, from[name]));
  });
  if (token) {
    const value = from[token.name];
    terms.push(
      value === null || value === undefined
        ? sql.isNull(sql.column('e', token.column))
        : sql.binary('=', sql.column('e', token.column), param(token, value)),
    );
  }
  return terms.reduce((a, b) => sql.and(a, b));
}

function keyOf(entity: EntityModel, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(entity.key.map((k) => [k, values[k]]));
}

function param(p: PropertyModel, value: unknown): SqlExpr {
  return sql.param(value ?? null, p.type);
}

/** A concurrency token's value in a new row: 1 (1n for a bigint token). */
export function initialToken(token: PropertyModel): number | bigint {
  return token.type.kind === 'bigint' ? 1n : 1;
}

function nextToken(token: PropertyModel, current: unknown): number | bigint {
  if (typeof current === 'bigint') return current + 1n;
  if (typeof current === 'number') return token.type.kind === 'bigint' ? BigInt(current) + 1n : current + 1;
  return initialToken(token);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'bigint' && typeof b === 'number') return Number.isInteger(b) && a === BigInt(b);
  if (typeof a === 'number' && typeof b === 'bigint') return Number.isInteger(a) && BigInt(a) === b;
  return a === b;
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
