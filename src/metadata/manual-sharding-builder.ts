import { DtdeConfigurationError } from '../errors/dtde-configuration-error.js';
import { type AnyLambda, bindLambda } from '../linq/parse/bind-lambda.js';
import type { BoundLambda, QueryParams } from '../linq/expression/query-expression.js';
import { DEFAULT_MAX_IDENTIFIER_LENGTH, formatTableName, parseQualifiedTableName } from './identifier.js';
import type { ManualShardTable } from './model.js';

/**
 * Lists the pre-existing tables of manual sharding, each with the predicate that says which rows
 * it holds. dtde never creates or alters these tables. The shard id of a table is its name
 * without the schema (`Orders_2023` for `dbo.Orders_2023`), so names must be unique across schemas.
 *
 * @example
 * e.useManualSharding(m => m
 *   .addTable('dbo.Orders_2023', (o, p) => o.orderDate >= p.from && o.orderDate < p.to,
 *     { from: new Date('2023-01-01'), to: new Date('2024-01-01') })
 *   .addTable('dbo.Orders_Archive', (o, p) => o.orderDate < p.before, { before: new Date('2023-01-01') }));
 */
export class ManualShardingBuilder<T> {
  readonly #path: string;
  readonly #maxIdentifierLength: number;
  readonly #tables: ManualShardTable[] = [];

  /** @internal Created by `EntityTypeBuilder.useManualSharding`. */
  constructor(entityName: string, maxIdentifierLength: number = DEFAULT_MAX_IDENTIFIER_LENGTH) {
    this.#path = `${entityName}.useManualSharding`;
    this.#maxIdentifierLength = maxIdentifierLength;
  }

  /** Adds a table (`'schema.table'` or `'table'`) and the predicate its rows satisfy. */
  addTable(table: string, predicate: (row: T) => boolean): this;
  addTable<P extends QueryParams>(table: string, predicate: (row: T, params: P) => boolean, params: P): this;
  addTable(table: string, predicate: AnyLambda, params?: QueryParams): this {
    const name = parseQualifiedTableName(table, this.#path, this.#maxIdentifierLength);
    const clash = this.#tables.find((t) => t.id === name.name);
    if (clash !== undefined) {
      throw new DtdeConfigurationError(
        `${this.#path}: tables '${formatTableName(clash.table)}' and '${formatTableName(name)}' have the same name, ` +
          `which is their shard id; manual tables need distinct names.`,
        { path: this.#path },
      );
    }
    let bound: BoundLambda;
    try {
      bound = bindLambda('addTable', predicate, params);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DtdeConfigurationError(`${this.#path}: the predicate of '${table}' cannot be used: ${reason}`, {
        path: this.#path,
        cause: error,
      });
    }
    // A frozen copy of the params: the table's range must not change after configuration.
    const predicateOf = Object.freeze({ lambda: bound.lambda, params: Object.freeze({ ...bound.params }) });
    this.#tables.push(Object.freeze({ id: name.name, table: name, predicate: predicateOf }));
    return this;
  }

  /** @internal */
  build(): readonly ManualShardTable[] {
    if (this.#tables.length === 0) {
      throw new DtdeConfigurationError(`${this.#path}: no tables; add at least one with m.addTable('schema.Table', predicate, params).`, {
        path: this.#path,
      });
    }
    return Object.freeze([...this.#tables]);
  }
}
