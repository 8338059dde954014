import { DtdeInvalidOperationError } from '../../errors/dtde-invalid-operation-error.js';
import { applyOperators } from './apply-operators.js';
import type {
  BoundLambda,
  ExecuteOptions,
  QueryExecutor,
  QueryExpression,
  QuerySource,
  TerminalOperation,
} from '../expression/query-expression.js';
import { evaluateLambda } from './evaluate-expression.js';
import { runTerminal } from './run-terminal.js';
import type { StringCollation } from './string-collation.js';

/** Where an entity source's rows come from when a model query is answered in memory. */
export type EntityRowsResolver = (source: Extract<QuerySource, { kind: 'entity' }>) => readonly unknown[];

export interface InMemoryExecutorOptions {
  /**
   * Rows for entity sources, so a query built on `ctx.set(Customer)` can be answered from the
   * same data in memory (the oracle of the end-to-end tests). Array sources need nothing.
   */
  readonly entityRows?: EntityRowsResolver;
  /**
   * How every string compares (`===`, `<`, `orderBy`, `distinct`, group keys, `min`/`max`,
   * `startsWith`): code point when absent, as SQLite's BINARY and dtde's PostgreSQL columns.
   */
  readonly collation?: StringCollation;
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
  readonly #collation: StringCollation | undefined;

  constructor(options: InMemoryExecutorOptions = {}) {
    this.#entityRows = options.entityRows;
    this.#collation = options.collation;
  }

  async execute(query: QueryExpression, terminal: TerminalOperation, options: ExecuteOptions = {}): Promise<unknown> {
    options.signal?.throwIfAborted();
    return runTerminal(this.#rows(query), terminal, this.#collation);
  }

  async *stream(query: QueryExpression, options: ExecuteOptions = {}): AsyncIterable<unknown> {
    options.signal?.throwIfAborted();
    for (const row of this.#rows(query)) {
      // A consumer that aborts mid-iteration stops at the next row.
      options.signal?.throwIfAborted();
      yield row;
    }
  }

  /** Assigns what `set` returns to each matching row object, as SQL's UPDATE would. */
  async executeUpdate(query: QueryExpression, set: BoundLambda, options: ExecuteOptions = {}): Promise<number> {
    options.signal?.throwIfAborted();
    const rows = this.#rows(query);
    // Every value is computed from the rows as they were, then assigned, as one statement does.
    const values = rows.map((row) => evaluateLambda(set.lambda, row, set.params, this.#collation) as object);
    rows.forEach((row, i) => {
      Object.assign(row as object, values[i]);
    });
    return rows.length;
  }

  /** Removes the matching rows from their source array. */
  async executeDelete(query: QueryExpression, options: ExecuteOptions = {}): Promise<number> {
    options.signal?.throwIfAborted();
    const doomed = new Set(this.#rows(query));
    const source = this.#source(query.source) as unknown[];
    for (let i = source.length - 1; i >= 0; i--) if (doomed.has(source[i])) source.splice(i, 1);
    return doomed.size;
  }

  #rows(query: QueryExpression): unknown[] {
    return applyOperators(this.#source(query.source), query.operators, this.#collation);
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
