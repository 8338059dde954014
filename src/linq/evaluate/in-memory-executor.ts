import { DtdeInvalidOperationError } from '../../errors/dtde-invalid-operation-error.js';
import { applyOperators } from './apply-operators.js';
import type { ExecuteOptions, QueryExecutor, QueryExpression, QuerySource, TerminalOperation } from '../expression/query-expression.js';
import { runTerminal } from './run-terminal.js';

/** Where an entity source's rows come from when a model query is answered in memory. */
export type EntityRowsResolver = (source: Extract<QuerySource, { kind: 'entity' }>) => readonly unknown[];

export interface InMemoryExecutorOptions {
  /**
   * Rows for entity sources, so a query built on `ctx.set(Customer)` can be answered from the
   * same data in memory (the oracle of the end-to-end tests). Array sources need nothing.
   */
  readonly entityRows?: EntityRowsResolver;
}

/**
 * Runs a query chain over arrays in memory: `applyOperators` then `runTerminal`. Used by
 * `asQueryable(rows)`, and as the oracle the sharded SQL engine is compared with.
 *
 * @example
 * const oracle = new InMemoryExecutor({ entityRows: (s) => seeded.get(s.entity) ?? [] });
 * const expected = await oracle.execute(query.toQueryExpression(), { kind: 'toArray' });
 */
export class InMemoryExecutor implements QueryExecutor {
  readonly #entityRows: EntityRowsResolver | undefined;

  constructor(options: InMemoryExecutorOptions = {}) {
    this.#entityRows = options.entityRows;
  }

  async execute(query: QueryExpression, terminal: TerminalOperation, options: ExecuteOptions = {}): Promise<unknown> {
    options.signal?.throwIfAborted();
    return runTerminal(this.#rows(query), terminal);
  }

  async *stream(query: QueryExpression, options: ExecuteOptions = {}): AsyncIterable<unknown> {
    options.signal?.throwIfAborted();
    for (const row of this.#rows(query)) {
      // A consumer that aborts mid-iteration stops at the next row.
      options.signal?.throwIfAborted();
      yield row;
    }
  }

  #rows(query: QueryExpression): unknown[] {
    return applyOperators(this.#source(query.source), query.operators);
  }

  #source(source: QuerySource): readonly unknown[] {
    if (source.kind === 'array') return source.rows;
    if (this.#entityRows === undefined) {
      throw new DtdeInvalidOperationError(
        `The in-memory executor has no rows for entity '${source.name}'. ` +
          'Construct it with new InMemoryExecutor({ entityRows }) to supply them, or query an array with asQueryable(rows).',
        { operation: 'execute' },
      );
    }
    return this.#entityRows(source);
  }
}
