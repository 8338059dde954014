import { InMemoryExecutor } from '../evaluate/in-memory-executor.js';
import { stringCollation, unknownCollation } from '../evaluate/string-collation.js';
import { Queryable } from './queryable.js';

/** Options of `asQueryable`. */
export interface AsQueryableOptions {
  /**
   * How strings compare, by an engine collation's name: `'und-u-ks-level2'` (PostgreSQL's
   * case-insensitive ICU collation), `'NOCASE'` (SQLite), `'SQL_Latin1_General_CP1_CI_AS'` (SQL
   * Server's default). Code point order (SQLite's BINARY) when absent. See README "Collation".
   */
  readonly collation?: string;
}

const executors = new Map<string, InMemoryExecutor>([['', new InMemoryExecutor()]]);

/**
 * Query an array with the same operators and semantics as a sharded table. The rows are read,
 * never modified; each terminal call runs the chain again.
 *
 * @example
 * const big = await asQueryable(orders).where(o => o.total > 100).orderBy(o => o.id).toArray();
 * const bob = await asQueryable(names, { collation: 'und-u-ks-level2' }).where(n => n === 'bob').count(); // counts 'Bob' too
 */
export function asQueryable<T>(rows: readonly T[], options: AsQueryableOptions = {}): Queryable<T> {
  return new Queryable<T>({ kind: 'query', source: { kind: 'array', rows }, operators: [] }, executorFor(options.collation ?? ''));
}

function executorFor(name: string): InMemoryExecutor {
  let executor = executors.get(name);
  if (executor === undefined) {
    const collation = stringCollation(name);
    if (collation === undefined) throw unknownCollation(name, 'asQueryable(rows, { collation })');
    executor = new InMemoryExecutor({ collation });
    executors.set(name, executor);
  }
  return executor;
}
