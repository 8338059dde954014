import { InMemoryExecutor } from '../evaluate/in-memory-executor.js';
import { Queryable } from './queryable.js';

const executor = new InMemoryExecutor();

/**
 * Query an array with the same operators and semantics as a sharded table. The rows are read,
 * never modified; each terminal call runs the chain again.
 *
 * @example
 * const big = await asQueryable(orders).where(o => o.total > 100).orderBy(o => o.id).toArray();
 */
export function asQueryable<T>(rows: readonly T[]): Queryable<T> {
  return new Queryable<T>({ kind: 'query', source: { kind: 'array', rows }, operators: [] }, executor);
}
