import type { ColumnType, TableName } from '../metadata/model.js';
import type { Dialect, RenderedSql } from '../sql/dialect.js';
import { type ColumnDefinition, type SqlExpr, selectStatement, sql } from '../sql/sql-ast.js';
import type { WriteSql } from './write-runtime.js';

/**
 * The two small tables of the cross-database commit protocol and the statements over them:
 * `dtde_tx_marker` in every participant database (a row per transaction that committed there) and
 * `dtde_tx_log` in the coordinator database (a row per decided transaction, with every
 * participant's redo record). Built as SQL trees and rendered by the provider's dialect, so every
 * provider runs the same protocol.
 */
export const MARKER_TABLE: TableName = { name: 'dtde_tx_marker' };
export const LOG_TABLE: TableName = { name: 'dtde_tx_log' };

const TX_ID: ColumnType = { kind: 'string', maxLength: 36 };
const STATE: ColumnType = { kind: 'string', maxLength: 16 };
const RECORD: ColumnType = { kind: 'string' };
const AT: ColumnType = { kind: 'dateTime' };

const column = (name: string, type: ColumnType): ColumnDefinition => ({ name, type, nullable: false, generated: false });

/** One participant's part of a decided transaction: its shards and the statements to redo there. */
export interface ParticipantRecord {
  /** The provider's identity of the database (`DtdeProvider.databaseId`), never its credentials. */
  readonly databaseId: string;
  /** Qualified ids of the shards written in this database; recovery finds the database through them. */
  readonly shardIds: readonly string[];
  /** Null for the coordinator's own database when it took part: it committed with the decision. */
  readonly redo: readonly WriteSql[] | null;
}

export interface TransactionRecord {
  readonly participants: readonly ParticipantRecord[];
}

export type LogState = 'decided' | 'complete';

export function createMarkerTable(dialect: Dialect): RenderedSql {
  return dialect.renderCreateTable({
    kind: 'createTable',
    table: MARKER_TABLE,
    columns: [column('tx_id', TX_ID), column('created_at', AT)],
    primaryKey: ['tx_id'],
  });
}

export function createLogTable(dialect: Dialect): RenderedSql {
  return dialect.renderCreateTable({
    kind: 'createTable',
    table: LOG_TABLE,
    columns: [column('tx_id', TX_ID), column('state', STATE), column('created_at', AT), column('record', RECORD)],
    primaryKey: ['tx_id'],
  });
}

export function insertMarker(dialect: Dialect, txId: string, at: Date): RenderedSql {
  return dialect.renderInsert({
    kind: 'insert',
    table: MARKER_TABLE,
    columns: ['tx_id', 'created_at'],
    rows: [[sql.param(txId, TX_ID), sql.param(at, AT)]],
  });
}

export function selectMarker(dialect: Dialect, txId: string): RenderedSql {
  return dialect.renderSelect(
    selectStatement(
      { table: MARKER_TABLE, alias: 'm' },
      { columns: [{ expr: sql.column('m', 'tx_id'), alias: 'tx_id' }], where: idIs('m', txId) },
    ),
  );
}

export function deleteMarker(dialect: Dialect, txId: string): RenderedSql {
  return dialect.renderDelete({ kind: 'delete', table: MARKER_TABLE, alias: 'm', where: idIs('m', txId) });
}

export function insertLogEntry(dialect: Dialect, txId: string, at: Date, record: TransactionRecord): RenderedSql {
  return dialect.renderInsert({
    kind: 'insert',
    table: LOG_TABLE,
    columns: ['tx_id', 'state', 'created_at', 'record'],
    rows: [[sql.param(txId, TX_ID), sql.param('decided', STATE), sql.param(at, AT), sql.param(encodeRecord(record), RECORD)]],
  });
}

/** Every entry in `state`, oldest first: `tx_id` and `record` (encoded). */
export function selectLogEntries(dialect: Dialect, state: LogState): RenderedSql {
  return dialect.renderSelect(
    selectStatement(
      { table: LOG_TABLE, alias: 'l' },
      {
        columns: [
          { expr: sql.column('l', 'tx_id'), alias: 'tx_id' },
          { expr: sql.column('l', 'record'), alias: 'record' },
        ],
        where: sql.binary('=', sql.column('l', 'state'), sql.param(state, STATE)),
        orderBy: [
          { expr: sql.column('l', 'created_at'), descending: false },
          { expr: sql.column('l', 'tx_id'), descending: false },
        ],
      },
    ),
  );
}

export function completeLogEntry(dialect: Dialect, txId: string): RenderedSql {
  return dialect.renderUpdate({
    kind: 'update',
    table: LOG_TABLE,
    alias: 'l',
    set: [{ column: 'state', value: sql.param('complete', STATE) }],
    where: idIs('l', txId),
  });
}

export function deleteLogEntry(dialect: Dialect, txId: string): RenderedSql {
  return dialect.renderDelete({ kind: 'delete', table: LOG_TABLE, alias: 'l', where: idIs('l', txId) });
}

function idIs(alias: string, txId: string): SqlExpr {
  return sql.binary('=', sql.column(alias, 'tx_id'), sql.param(txId, TX_ID));
}

// Parameter values are already in the driver's form (dialect.toDbValue), so they are stored as
// they will be bound again: JSON with tags for what JSON cannot carry.
type Tagged = { $bigint: string } | { $date: string } | { $bytes: string };

/** The record as text for the log's `record` column: JSON, with bigints, Dates and bytes tagged. */
export function encodeRecord(record: TransactionRecord): string {
  // Tagged first, then stringified without a replacer: a replacer is a call per value, and a bulk
  // insert across databases logs hundreds of thousands of values.
  return JSON.stringify(tagged(record));
}

/** `value` with every bigint, Date and byte array in it replaced by its tag; containers are copied only where something changed. */
function tagged(value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() } satisfies Tagged;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return { $date: value.toISOString() } satisfies Tagged;
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') } satisfies Tagged;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const replaced = tagged(item);
      if (replaced !== item) copy ??= value.slice();
      if (copy !== undefined) copy[i] = replaced;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const replaced = tagged(item);
    if (replaced !== item) copy ??= { ...value };
    if (copy !== undefined) copy[key] = replaced;
  }
  return copy ?? value;
}

export function decodeRecord(text: string): TransactionRecord {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const tagged = value as Partial<Record<'$bigint' | '$date' | '$bytes', string>>;
      if (tagged.$bigint !== undefined) return BigInt(tagged.$bigint);
      if (tagged.$date !== undefined) return new Date(tagged.$date);
      if (tagged.$bytes !== undefined) return Buffer.from(tagged.$bytes, 'base64');
    }
    return value;
  }) as TransactionRecord;
}
