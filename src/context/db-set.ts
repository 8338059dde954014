import type { QueryExecutor } from '../linq/expression/query-expression.js';
import { Queryable } from '../linq/query/queryable.js';
import type { EntityModel } from '../metadata/model.js';

/**
 * The queryable of one entity of a context: `ctx.set(Customer)` or a `customers = this.set(Customer)`
 * field. Every operator returns a new queryable; the set itself never changes. Write methods come
 * with the writes issue.
 *
 * @example
 * const eu = await ctx.set(Customer).where(c => c.region === 'EU').orderBy(c => c.name).toArray();
 */
export class DbSet<T> extends Queryable<T> {
  /** The entity's model: table, properties, key and sharding. */
  readonly entityModel: EntityModel;

  /** @internal Created by `DtdeContext.set`. */
  constructor(entityModel: EntityModel, executor: QueryExecutor) {
    super(
      { kind: 'query', source: { kind: 'entity', entity: entityModel.entity, name: entityModel.name }, operators: [] },
      executor,
    );
    this.entityModel = entityModel;
  }
}
