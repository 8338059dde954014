import type { ConnectionRef, EntityModel, Model, ShardLayout, ShardTarget } from '../metadata/model.js';
import type { DriverRow } from '../providers/database-driver.js';
import type { DtdeProvider } from '../providers/provider.js';
import type { BoundParameter } from '../sql/dialect.js';

/** What the write path needs from its context. */
export interface WriteRuntime {
  readonly model: Model;
  readonly layout: ShardLayout;
  readonly provider: DtdeProvider;
  readonly maxIdentifierLength?: number;
  /** The database that keeps the cross-database commit log; null is the context's own database. */
  readonly coordinator: ConnectionRef | null;
  /** The instant a save stamps (markers, log entries, temporal versions); `new Date()` unless injected. */
  readonly now: () => Date;
  /** Creates the date shards (`autoCreate()`) these rows of `entity` need before they are routed. */
  readonly ensureShards?: (entity: EntityModel, rows: readonly object[]) => Promise<void>;
}

/** What an UPDATE or DELETE of one entity must find: exactly one row, or the save fails. */
export interface ExpectedRow {
  readonly entity: string;
  readonly key: Readonly<Record<string, unknown>>;
  /** Whether the statement also matched a concurrency token (for the message). */
  readonly token: boolean;
  readonly operation: 'update' | 'remove';
}

/**
 * A write's SQL text and what the driver binds to it: the dialect's parameters (`RenderedSql`), or,
 * for a positional dialect, the values alone in order, already converted (`dialect.toDbValue`),
 * as a bulk INSERT binds them.
 */
export interface WriteSql {
  readonly sql: string;
  readonly parameters: readonly BoundParameter[] | readonly unknown[];
}

/** One statement of a save, bound to the shard whose database runs it. */
export interface WriteStatement {
  readonly target: ShardTarget;
  readonly rendered: WriteSql;
  /** For an INSERT: the rows it writes. */
  readonly insertedRows?: number;
  /** Set for per-entity UPDATE/DELETE: the statement must affect exactly one row. */
  readonly expect?: ExpectedRow;
  /** Set for an INSERT that returns generated columns: receives the returned row. */
  readonly returned?: (row: DriverRow) => void;
  /** Set for set-based statements: receives the number of rows affected. */
  readonly affected?: (count: number) => void;
}
